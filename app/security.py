"""FAB's security manager bound to our user model (the account carries its unit)."""
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager

from models.user import ShebaoUser


class SecurityManager(FabSecurityManager):
    user_model = ShebaoUser
