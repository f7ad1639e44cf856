"""FAB's user and role screens (系统管理), with an audit row for every change (G6): who gave
whom which role is the first thing an investigation asks."""
from flask_appbuilder.security.views import RoleModelView, UserDBModelView

from app import audit


class AuditedChanges:
    audit_target = ""

    def post_add(self, item):
        self._audit("add", item)

    def post_update(self, item):
        self._audit("update", item)

    def post_delete(self, item):
        self._audit("delete", item)

    def _audit(self, verb, item):
        roles = [role.name for role in getattr(item, "roles", None) or []]
        permissions = len(getattr(item, "permissions", None) or [])
        audit.record_now(f"{self.audit_target}_{verb}", target_type=self.audit_target,
                         target_id=item.id,
                         detail={"name": getattr(item, "username", None) or item.name,
                                 "roles": roles, "permissions": permissions})


class AuditedUserView(AuditedChanges, UserDBModelView):
    audit_target = "user"


class AuditedRoleView(AuditedChanges, RoleModelView):
    audit_target = "role"
