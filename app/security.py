"""FAB's security manager bound to our user model (the account carries its unit), our login
page (captcha, lockout) and the same lockout for the JWT login of the API."""
from functools import cached_property, lru_cache

from flask import g, has_app_context, redirect, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager
from flask_appbuilder.security.views import ResetMyPasswordView
from flask_login import user_logged_in
from sqlalchemy import bindparam, func, select, union
from sqlalchemy.orm import joinedload
from werkzeug.local import LocalProxy

from models.user import ShebaoUser
from views.login import LoginView
from views.datamodel import KeyCheckedInterface
from views.security_admin import (
    AuditedGroupView,
    AuditedRoleView,
    AuditedUserView,
    PermissionsView,
    PermissionViewsView,
    ResetPasswordView,
    ViewMenusView,
)

PAIR, RECORD = "\x1f", "\x1e"  # separators of the user's pairs; no view or permission name has them


@lru_cache(maxsize=256)
def _parsed_pairs(aggregated: str) -> frozenset:
    """The pairs of one aggregated string. Users of the same roles bring the same string on
    every page: splitting its ~60 pairs anew cost a quarter of the user load."""
    return frozenset(tuple(pair.split(PAIR, 1)) for pair in aggregated.split(RECORD) if pair)


class OwnPasswordView(ResetMyPasswordView):
    """FAB's "reset my password" form sets a new password without the current one: a stolen
    session could take the account over. Our 修改密码 page asks for the current one."""

    @expose("/form", methods=["GET", "POST"])
    def this_form_get(self):
        return redirect(url_for("AccountView.password"))


class SecurityManager(FabSecurityManager):
    user_model = ShebaoUser
    authdbview = LoginView
    resetmypasswordview = OwnPasswordView
    resetpasswordview = ResetPasswordView  # an admin's reset, under the password policy
    userstatschartview = None  # FAB's user statistics chart: unused, and it answered 500s
    userdbmodelview = AuditedUserView
    rolemodelview = AuditedRoleView
    groupmodelview = AuditedGroupView
    permissionmodelview = PermissionsView
    viewmenumodelview = ViewMenusView
    permissionviewmodelview = PermissionViewsView

    def __init__(self, appbuilder):
        """FAB gives the user, role and group screens its plain interface; ours refuses ids
        no row can have before they reach the database."""
        super().__init__(appbuilder)
        users = KeyCheckedInterface(self.user_model)
        self.userdbmodelview.datamodel = users
        self.rolemodelview.datamodel = KeyCheckedInterface(self.role_model)
        self.groupmodelview.datamodel = KeyCheckedInterface(self.group_model)

    def create_login_manager(self, app):
        """Every sign-in remembers the account's session version in its session."""
        real_app = getattr(app, "_get_current_object", lambda: app)()  # FAB passes current_app
        user_logged_in.connect(_remember_session_version, real_app)
        return super().create_login_manager(app)

    def load_user(self, pk):
        """The session's user, while the session was opened under the account's present
        version: after logout, a password change or reset, a lock or a role change, no."""
        from app import sessions

        user = super().load_user(pk)
        return user if user is not None and sessions.is_current(user) else None

    def create_jwt_manager(self, app):
        """API tokens carry the session version they were issued under."""
        from app import sessions

        manager = super().create_jwt_manager(app)
        manager.additional_claims_loader(sessions.token_claims)
        return manager

    def load_user_jwt(self, _jwt_header, jwt_data):
        from app import sessions

        user = self.get_user_by_id(int(jwt_data["sub"]))
        if user is None or not user.is_active or not sessions.token_is_current(user, jwt_data):
            return None
        g.user = user
        return user

    def on_user_logout(self, user):
        """Logout ends every session of the account, copies of this cookie included."""
        from app import sessions

        super().on_user_logout(user)
        sessions.end_all(user)
        self.session.commit()

    def reset_password(self, userid, password):
        """A password an admin set is known to two people: its owner must change it (A2).
        Every session opened under the old password ends."""
        from app import audit, sessions

        super().reset_password(userid, password)
        user = self.get_user_by_id(userid)
        sessions.end_all(user)
        actor = getattr(g, "user", None)
        by_admin = actor is None or getattr(actor, "id", None) != user.id
        user.must_change_password = by_admin or user.must_change_password
        audit.record_now("password_reset_by_admin" if by_admin else "password_change",
                         target_type="user", target_id=user.id, detail={"username": user.username})

    def get_user_by_id(self, pk):
        """With roles and unit in the same query: every page reads both, and FAB would load
        each lazily. The same statement brings the (view, permission) pairs of the user's own
        and group roles, which every page checks; the groups themselves load when read."""
        row = self.session.execute(self._user_statement, {"pk": pk}).unique().one_or_none()
        if row is None:
            return None
        user, pairs = row
        if has_app_context() and not self.builtin_roles:
            g.setdefault("user_pairs", {})[user.id] = _parsed_pairs(pairs or "")
        return user

    @cached_property
    def _user_statement(self):
        """Built once: building the load and its cache key cost a quarter of the load."""
        from flask_appbuilder.security.sqla.models import (
            assoc_group_role,
            assoc_user_group,
            assoc_user_role,
        )

        user = self.user_model
        roles = union(  # the user's own roles and its groups' roles, as get_user_roles reads them
            select(assoc_user_role.c.role_id)
            .where(assoc_user_role.c.user_id == user.id).correlate(user),
            select(assoc_group_role.c.role_id)
            .join(assoc_user_group, assoc_user_group.c.group_id == assoc_group_role.c.group_id)
            .where(assoc_user_group.c.user_id == user.id).correlate(user))
        pairs = self._pairs_select(roles, aggregated=True).scalar_subquery()
        return (select(user, pairs)
                .options(joinedload(user.roles), joinedload(user.unit))
                .where(user.id == bindparam("pk")))

    def auth_user_db(self, username, password):
        """Every password login (web and /api/v1/security/login) goes through the lockout."""
        from app.login import LoginRefused, authenticate

        try:
            return authenticate(username, password)
        except LoginRefused:
            return None

    def has_access(self, permission_name, view_name) -> bool:
        """FAB's check for a signed-in user of database roles, answered from the request's
        permission pairs: FAB's own path re-inspects the user's ORM state on every check, a
        tenth of a list page. Anything else (API keys, built-in roles, anonymous) is FAB's."""
        user = g.get("user")
        if (user is not None and not isinstance(user, LocalProxy)
                and not getattr(g, "_api_key_user", False)
                and user.is_authenticated and user.is_active):
            pairs = self.permission_pairs_of(user)
            if pairs is not None:
                return (view_name, permission_name) in pairs
        return super().has_access(permission_name, view_name)

    def exist_permission_on_roles(self, view_name, permission_name, role_ids) -> bool:
        """FAB asks once per menu item and button (20–30 queries a page); read the roles'
        (view, permission) pairs once per request and answer from that set instead."""
        return (view_name, permission_name) in self._permission_pairs(role_ids)

    def permission_pairs_of(self, user):
        """Every (view, permission) pair the user's roles grant, as FAB's checks see them;
        None for anonymous users and built-in (config-defined) roles."""
        if not user.is_authenticated:
            return None
        brought = g.get("user_pairs", {}).get(user.id)  # with the user (get_user_by_id)
        if brought is not None:
            return brought
        roles = self.get_user_roles(user)
        if any(role.name in self.builtin_roles for role in roles):
            return None
        return self._permission_pairs(role.id for role in roles)

    def _permission_pairs(self, role_ids) -> frozenset:
        """The roles' pairs, read once per request."""
        key = tuple(sorted(role_ids))
        cache = g.setdefault("permission_pairs", {})
        if key not in cache:
            rows = self.session.execute(self._pairs_statement, {"roles": list(key)})
            cache[key] = frozenset((view, permission) for view, permission in rows)
        return cache[key]

    @cached_property
    def _pairs_statement(self):
        """The roles' (view, permission) pairs, built once (it runs on every request), in Core:
        the rows are names, no objects."""
        return self._pairs_select(bindparam("roles", expanding=True))

    def _pairs_select(self, role_ids, aggregated=False):
        """SELECT the (view, permission) pairs granted to the roles ``role_ids`` (a list
        parameter or a subquery): as rows, or ``aggregated`` into one string."""
        from flask_appbuilder.security.sqla.models import assoc_permissionview_role as links

        pv = self.permissionview_model.__table__
        permission = self.permission_model.__table__
        view = self.viewmenu_model.__table__
        columns = ([func.aggregate_strings(view.c.name + PAIR + permission.c.name, RECORD)]
                   if aggregated else [view.c.name, permission.c.name])
        return (select(*columns)
                .select_from(pv)
                .join(links, pv.c.id == links.c.permission_view_id)
                .join(permission, pv.c.permission_id == permission.c.id)
                .join(view, pv.c.view_menu_id == view.c.id)
                .where(links.c.role_id.in_(role_ids)))

    def check_password_db(self, username, password):
        """FAB's own check (it keeps fail_login_count), without our lockout around it."""
        return super().auth_user_db(username, password)


def _remember_session_version(_app, user, **_extra) -> None:
    from app import sessions

    sessions.remember(user)


def limit_api_login(appbuilder) -> None:
    """FAB's AUTH_RATE_LIMIT covers only the web login form; the JWT login needs the same."""
    sm = appbuilder.sm
    if not sm.is_auth_limited:
        return
    for view in appbuilder.baseviews:
        if isinstance(view, SecurityApi) and view.blueprint is not None:
            sm.limiter.limit(sm.auth_rate_limit, methods=["POST"])(view.blueprint)
