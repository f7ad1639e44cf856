"""FAB's security manager bound to our user model (the account carries its unit), our login
page (captcha, lockout) and the same lockout for the JWT login of the API."""
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager

from flask import g

from models.user import ShebaoUser
from views.login import LoginView
from views.security_admin import AuditedRoleView, AuditedUserView


class SecurityManager(FabSecurityManager):
    user_model = ShebaoUser
    authdbview = LoginView
    userdbmodelview = AuditedUserView
    rolemodelview = AuditedRoleView

    def reset_password(self, userid, password):
        """A password an admin set is known to two people: its owner must change it (A2)."""
        from app import audit

        super().reset_password(userid, password)
        user = self.get_user_by_id(userid)
        actor = getattr(g, "user", None)
        by_admin = actor is None or getattr(actor, "id", None) != user.id
        user.must_change_password = by_admin or user.must_change_password
        audit.record_now("password_reset_by_admin" if by_admin else "password_change",
                         target_type="user", target_id=user.id, detail={"username": user.username})

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
