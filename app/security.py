"""FAB's security manager bound to our user model (the account carries its unit), our login
page (captcha, lockout) and the same lockout for the JWT login of the API."""
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager

from models.user import ShebaoUser
from views.login import LoginView


class SecurityManager(FabSecurityManager):
    user_model = ShebaoUser
    authdbview = LoginView

    def auth_user_db(self, username, password):
        """Every password login (web and /api/v1/security/login) goes through the lockout."""
        from app.login import LoginRefused, authenticate

        try:
            return authenticate(username, password)
        except LoginRefused:
            return None

    def check_password_db(self, username, password):
        """FAB's own check (it keeps fail_login_count), without our lockout around it."""
        return super().auth_user_db(username, password)


def limit_api_login(appbuilder) -> None:
    """FAB's AUTH_RATE_LIMIT covers only the web login form; the JWT login needs the same."""
    sm = appbuilder.sm
    if not sm.is_auth_limited:
        return
    for view in appbuilder.baseviews:
        if isinstance(view, SecurityApi) and view.blueprint is not None:
            sm.limiter.limit(sm.auth_rate_limit, methods=["POST"])(view.blueprint)
