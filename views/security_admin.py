"""FAB's user, role and group screens (系统管理), with an audit row for every change (G6): who gave
whom which role is the first thing an investigation asks, and a group hands its roles to its users.
A password the admin sets (a new account, a reset) follows the password policy (A2), and its
owner must change it at first login: the admin knows it."""
from flask import abort, g, request
from flask_appbuilder import expose
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from flask_appbuilder.security.forms import ResetPasswordForm
from flask_appbuilder.security.views import (
    PermissionModelView,
    PermissionViewModelView,
    ResetPasswordView as FabResetPasswordView,
    RoleModelView,
    UserDBModelView,
    UserGroupModelView,
    ViewMenuModelView,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from app import sessions
from views.audited import AuditedChanges
from views.deleting import ExplainedDelete
from rules.password import password_problems
from views.safe_listing import SafeListing

# rules.password's reasons, for translation (rules/ holds no Babel).
POLICY_REASONS = (_("密码长度不能少于8位"), _("密码必须同时包含字母和数字"),
                  _("密码不能包含单位编号或用户名"), _("新密码不能与初始密码相同"))
POLICY = _("至少8位，须同时包含字母和数字，不能包含用户名；用户首次登录后须修改")


def _meets_policy(form, field):
    """rules.password on a password the admin types; the login is the form's user name, or on
    the reset form the account's (its ``pk``)."""
    login = form.username.data if "username" in form else _login_of(request.args.get("pk"))
    problems = password_problems(field.data or "", login=login or "")
    if problems:
        raise ValidationError(gettext("；").join(gettext(p) for p in problems))


def _login_of(pk) -> str:
    from flask import current_app

    user = current_app.appbuilder.sm.get_user_by_id(pk) if str(pk or "").isdigit() else None
    return user.username if user is not None else ""


def _password_fields() -> dict:
    return {
        "password": PasswordField(_("密码"), description=POLICY, widget=BS3PasswordFieldWidget(),
                                  validators=[DataRequired(), _meets_policy]),
        "conf_password": PasswordField(
            _("确认密码"), widget=BS3PasswordFieldWidget(),
            validators=[DataRequired(), EqualTo("password", message=_("两次输入的密码不一致"))]),
    }


class KnownActions:
    """FAB runs /<screen>/action/<name>/<pk> on whatever its lookup returns: a row that does
    not exist answered 500. Unknown action names are refused for every screen by
    app.request_guard."""

    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name, pk):
        if self.datamodel.get(pk) is None:
            abort(404)
        return super().action(name, pk)


class AuditedAccounts(AuditedChanges):
    """Who holds which roles, rather than the raw columns (the password hash stays out)."""

    def audit_detail(self, item) -> dict:
        return {"name": getattr(item, "username", None) or item.name,
                "roles": [role.name for role in getattr(item, "roles", None) or []],
                "permissions": len(getattr(item, "permissions", None) or [])}


class EndsSessions:
    """An edit that changes what an account may do (its roles, groups, name or being active;
    a group's roles or users) ends the sessions of every account concerned: what those
    sessions were opened under no longer holds. The account's standing is read before the
    form fills the row; FAB flushes while filling it, so the row's own history is gone by
    pre_update."""

    def standing(self, item) -> tuple:
        raise NotImplementedError

    def accounts_of(self, item) -> set:
        raise NotImplementedError

    def process_form(self, form, is_created):
        super().process_form(form, is_created)
        pk = (request.view_args or {}).get("pk")
        item = None if is_created or pk is None else self.datamodel.get(pk)
        if item is not None:
            g.standing_before = (self.standing(item), self.accounts_of(item))

    def pre_update(self, item):
        super().pre_update(item)
        before = g.pop("standing_before", None)
        if before is not None and before[0] != self.standing(item):
            for account in before[1] | self.accounts_of(item):
                sessions.end_all(account)


def _ids(items) -> frozenset:
    return frozenset(item.id for item in items or ())


class AuditedUserView(SafeListing, KnownActions, EndsSessions, AuditedAccounts,
                      ExplainedDelete, UserDBModelView):
    audit_target = "user"
    add_form_extra_fields = _password_fields()

    def pre_add(self, item):
        """Set before the row is written: the account and its duty to change the password
        commit together."""
        item.must_change_password = True
        super().pre_add(item)

    def standing(self, item) -> tuple:
        return (_ids(item.roles), _ids(getattr(item, "groups", None)), item.username,
                bool(item.active))

    def accounts_of(self, item) -> set:
        return {item}


class AuditedRoleView(SafeListing, KnownActions, AuditedAccounts, ExplainedDelete,
                      RoleModelView):
    audit_target = "role"


class AuditedGroupView(SafeListing, KnownActions, EndsSessions, AuditedAccounts,
                       ExplainedDelete, UserGroupModelView):
    audit_target = "group"

    def audit_detail(self, item) -> dict:
        return {**super().audit_detail(item), "users": [user.username for user in item.users]}

    def standing(self, item) -> tuple:
        return _ids(item.roles), _ids(item.users)

    def accounts_of(self, item) -> set:
        return set(item.users)

    # FAB's group screen names no labels: its columns would show as English "Label", "Users".
    label_columns = {"name": _("组名"), "label": _("显示名称"), "description": _("说明"),
                     "users": _("用户"), "roles": _("角色")}


# FAB's read-only permission screens, with the paging and filters of every other list: FAB
# int()ed their page_/psize_ arguments (a 500) and listed any number of rows a page.
class PermissionsView(SafeListing, PermissionModelView):
    pass


class ViewMenusView(SafeListing, ViewMenuModelView):
    pass


class PermissionViewsView(SafeListing, PermissionViewModelView):
    pass


class PolicyResetPasswordForm(ResetPasswordForm):
    password, conf_password = _password_fields().values()


class ResetPasswordView(FabResetPasswordView):
    """FAB's 重置密码 of another account (the users screen's action), under the policy. FAB's
    name: the endpoint and the roles' permissions are named after the class."""

    form = PolicyResetPasswordForm
