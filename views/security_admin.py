"""FAB's user, role and group screens (系统管理), with an audit row for every change (G6): who gave
whom which role is the first thing an investigation asks, and a group hands its roles to its users."""
from flask import g
from flask_appbuilder.security.views import RoleModelView, UserDBModelView, UserGroupModelView
from flask_babel import lazy_gettext as _

from app import audit
from views.deleting import ExplainedDelete


class AuditedChanges:
    audit_target = ""

    def post_add(self, item):
        self._audit("add", item.id, self._detail(item))

    def post_update(self, item):
        self._audit("update", item.id, self._detail(item))

    def pre_delete(self, item):
        super().pre_delete(item)  # FAB's refusals (a group or role that still has users) first
        # Read now: once deleted and committed, the row's relations can no longer be loaded.
        g.audit_deleted = (item.id, self._detail(item))

    def post_delete(self, item):
        self._audit("delete", *g.pop("audit_deleted"))

    def _detail(self, item) -> dict:
        detail = {"name": getattr(item, "username", None) or item.name,
                  "roles": [role.name for role in getattr(item, "roles", None) or []],
                  "permissions": len(getattr(item, "permissions", None) or [])}
        if self.audit_target == "group":
            detail["users"] = [user.username for user in item.users]
        return detail

    def _audit(self, verb, item_id, detail):
        audit.record_now(f"{self.audit_target}_{verb}", target_type=self.audit_target,
                         target_id=item_id, detail=detail)


class AuditedUserView(AuditedChanges, ExplainedDelete, UserDBModelView):
    audit_target = "user"


class AuditedRoleView(AuditedChanges, ExplainedDelete, RoleModelView):
    audit_target = "role"


class AuditedGroupView(AuditedChanges, ExplainedDelete, UserGroupModelView):
    audit_target = "group"
    # FAB's group screen names no labels: its columns would show as English "Label", "Users".
    label_columns = {"name": _("组名"), "label": _("显示名称"), "description": _("说明"),
                     "users": _("用户"), "roles": _("角色")}
