"""Writes the audit trail (G6). A row joins the caller's transaction, so an action and its audit
row commit together; ``record_now`` commits at once for events with nothing else to commit
(a refused login must be logged even though nothing else changes)."""
from flask import g, has_request_context, request

from app.extensions import db
from models.audit import AuditLog


def record(action: str, *, target_type: str | None = None, target_id=None, success=True,
           detail: dict | None = None, user=None) -> AuditLog:
    user = user if user is not None else _current_user()
    row = AuditLog(
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        success=success,
        detail=detail,
        user_id=getattr(user, "id", None),
        username=getattr(user, "username", None) or (detail or {}).get("username"),
        unit_id=getattr(user, "unit_id", None),
        ip=client_ip(),
    )
    db.session.add(row)
    return row


def record_now(action: str, **kwargs) -> None:
    record(action, **kwargs)
    db.session.commit()


def client_ip() -> str | None:
    # Behind the reverse proxy ProxyFix has already put the client's address here.
    return request.remote_addr if has_request_context() else None


def _current_user():
    if not has_request_context():
        return None
    user = getattr(g, "user", None)
    return user if getattr(user, "is_authenticated", False) else None
