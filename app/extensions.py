"""The Flask extensions, created unbound so the app factory can attach them.

AppBuilder is not among them: it keeps the registered views on itself, so each app gets its
own (``current_app.appbuilder``), and tests may build several apps in one process. Nor is a
rate limiter: FAB's security manager owns one per app (``appbuilder.sm.limiter``), configured by
RATELIMIT_*; a second one would split the limits.
"""
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

db = SQLA()
migrate = Migrate()
csrf = CSRFProtect()
