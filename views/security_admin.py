"""FAB's user, role and group screens (系统管理), with an audit row for every change (G6): who gave
whom which role is the first thing an investigation asks, and a group hands its roles to its users."""
from flask_appbuilder.security.views import RoleModelView, UserDBModelView, UserGroupModelView
from flask_babel import lazy_gettext as _
from sqlalchemy import inspect

from app import sessions

from views.audited import AuditedChanges
from views.deleting import ExplainedDelete


class AuditedAccounts(AuditedChanges):
    """Who holds which roles, rather than the raw columns (the password hash stays out)."""

    def audit_detail(self, item) -> dict:
        return {"name": getattr(item, "username", None) or item.name,
                "roles": [role.name for role in getattr(item, "roles", None) or []],
                "permissions": len(getattr(item, "permissions", None) or [])}


class AuditedUserView(AuditedAccounts, ExplainedDelete, UserDBModelView):
    audit_target = "user"

    def pre_update(self, item):
        """A change of roles, of the login name or of being active ends the user's sessions:
        what a session was opened under no longer holds."""
        super().pre_update(item)
        if _changed(item, "roles", "username", "active"):
            sessions.end_all(item)


class AuditedRoleView(AuditedAccounts, ExplainedDelete, RoleModelView):
    audit_target = "role"


class AuditedGroupView(AuditedAccounts, ExplainedDelete, UserGroupModelView):
    audit_target = "group"

    def audit_detail(self, item) -> dict:
        return {**super().audit_detail(item), "users": [user.username for user in item.users]}

    def pre_update(self, item):
        """A group hands its roles to its users: when its roles or its users change, the
        sessions of every user it held or holds end."""
        super().pre_update(item)
        if _changed(item, "roles", "users"):
            history = inspect(item).attrs.users.history
            for user in {*history.unchanged, *history.added, *history.deleted}:
                sessions.end_all(user)

    # FAB's group screen names no labels: its columns would show as English "Label", "Users".
    label_columns = {"name": _("组名"), "label": _("显示名称"), "description": _("说明"),
                     "users": _("用户"), "roles": _("角色")}


def _changed(item, *attributes) -> bool:
    state = inspect(item)
    return any(state.attrs[name].history.has_changes() for name in attributes)
