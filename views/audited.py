"""Audit rows for what an admin adds, edits and deletes through FAB's screens (G6): the code
tables, the unit registry, rates and yearly parameters (they decide every amount due) and the
user, role and group screens. An edit records each changed column as [before, after]."""
from datetime import date, datetime
from decimal import Decimal

from flask import g
from sqlalchemy import inspect

from app import audit

HIDDEN = frozenset({"password", "initial_password_hash"})  # hashes: never in the audit trail


class AuditedChanges:
    """For a FAB ModelView; ``audit_target`` defaults to the model's table."""

    audit_target = ""

    def pre_update(self, item):
        super().pre_update(item)
        g.audit_changes = changed_columns(item)  # the form has filled it; nothing is flushed yet

    def post_add(self, item):
        super().post_add(item)
        self._audit("add", item.id, self.audit_detail(item))

    def post_update(self, item):
        super().post_update(item)
        self._audit("update", item.id,
                    {**self.audit_detail(item), "changes": g.pop("audit_changes", {})})

    def pre_delete(self, item):
        super().pre_delete(item)  # FAB's refusals (a group or role that still has users) first
        # Read now: once deleted and committed, the row's relations can no longer be loaded.
        g.audit_deleted = (item.id, self.audit_detail(item))

    def post_delete(self, item):
        super().post_delete(item)
        self._audit("delete", *g.pop("audit_deleted"))

    def audit_detail(self, item) -> dict:
        return {"values": column_values(item)}

    def _audit(self, verb, item_id, detail):
        target = self.audit_target or self.datamodel.obj.__tablename__
        audit.record_now(f"{target}_{verb}", target_type=target, target_id=item_id,
                         detail=detail)


def column_values(item) -> dict:
    return {a.key: _plain(getattr(item, a.key)) for a in inspect(item).mapper.column_attrs
            if a.key not in HIDDEN}


def changed_columns(item) -> dict:
    state = inspect(item)
    changes = {}
    for attribute in state.mapper.column_attrs:
        if attribute.key in HIDDEN:
            continue
        history = state.attrs[attribute.key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                changes[attribute.key] = [_plain(before), _plain(after)]
    return changes


def _plain(value):
    """A value the audit row's JSON holds as the screen showed it."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
