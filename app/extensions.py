"""The Flask extensions, created unbound so the app factory can attach them.

AppBuilder is not among them: it keeps the registered views on itself, so each app gets its
own (``current_app.appbuilder``), and tests may build several apps in one process.
"""
from flask_appbuilder.models.sqla.base import SQLA
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

db = SQLA()
migrate = Migrate()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
