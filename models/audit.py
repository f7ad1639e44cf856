"""审计日志 (G6): every login, state change and decision, with who, when and from where."""
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String

from models.columns import BigId, Json


class AuditLog(Model):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_action_at", "action", "at"),)
    id = Column(BigId, primary_key=True)
    at = Column(DateTime, nullable=False, default=datetime.now, index=True)
    user_id = Column(Integer, index=True)  # no FK: the row outlives a deleted user
    username = Column(String(128))
    unit_id = Column(Integer, index=True)
    action = Column(String(40), nullable=False)
    target_type = Column(String(40))
    target_id = Column(String(40))
    success = Column(Boolean, nullable=False, default=True)
    detail = Column(Json)
    ip = Column(String(45))
