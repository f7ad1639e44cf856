"""Audit rows for what an admin adds, edits and deletes through FAB's screens (G6): the code
tables, the unit registry, rates and yearly parameters (they decide every amount due) and the
user, role and group screens. An edit records each changed column as [before, after]."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import inspect

from app import audit

HIDDEN = frozenset({"password", "initial_password_hash"})  # hashes: never in the audit trail


class AuditedChanges:
    """For a FAB ModelView; ``audit_target`` defaults to the model's table. An edit or a delete
    writes its row before FAB commits, so the change and its audit row commit (or roll back)
    together; an add is recorded once it has its id."""

    audit_target = ""

    def post_add(self, item):
        super().post_add(item)
        audit.record_now(f"{self._target()}_add", target_type=self._target(),
                         target_id=item.id, detail=self.audit_detail(item))

    def pre_update(self, item):
        super().pre_update(item)
        # The form has filled the row and nothing is flushed yet: the history holds the edit.
        self._record("update", item, {**self.audit_detail(item), "changes": changed_columns(item)})

    def pre_delete(self, item):
        super().pre_delete(item)  # FAB's refusals (a group or role that still has users) first
        self._record("delete", item, self.audit_detail(item))

    def audit_detail(self, item) -> dict:
        return {"values": column_values(item)}

    def _record(self, verb, item, detail):
        audit.record(f"{self._target()}_{verb}", target_type=self._target(), target_id=item.id,
                     detail=detail)

    def _target(self) -> str:
        return self.audit_target or self.datamodel.obj.__tablename__


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
