"""Short messages sent through the SMS gateway, and the verification codes they carry."""
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text


class SmsMessage(Model):
    """Every message the gateway took; the outbox backend only stores them (短信记录)."""

    __tablename__ = "sms_message"
    __table_args__ = (Index("ix_sms_message_phone_at", "phone", "created_at"),)
    id = Column(Integer, primary_key=True)
    phone = Column(String(20), nullable=False)
    content = Column(Text, nullable=False)
    purpose = Column(String(20), nullable=False)  # activate | link | reset
    backend = Column(String(20), nullable=False)
    status = Column(String(10), nullable=False, default="queued")  # queued | sent | failed
    error = Column(Text)
    unit_id = Column(Integer, ForeignKey("unit.id"))
    created_at = Column(DateTime, nullable=False, default=datetime.now)
    sent_at = Column(DateTime)


class SmsCode(Model):
    """A 6-digit code, stored hashed, with its expiry and the tries left."""

    __tablename__ = "sms_code"
    __table_args__ = (Index("ix_sms_code_lookup", "phone", "purpose", "created_at"),)
    id = Column(Integer, primary_key=True)
    phone = Column(String(20), nullable=False)
    purpose = Column(String(20), nullable=False)
    code_hash = Column(String(128), nullable=False)
    unit_id = Column(Integer, ForeignKey("unit.id"))
    user_id = Column(Integer, ForeignKey("ab_user.id"))
    target = Column(String(40))  # e.g. the 业务单位编号 being linked
    attempts = Column(Integer, nullable=False, default=0)
    expires_at = Column(DateTime, nullable=False)
    used_at = Column(DateTime)
    created_at = Column(DateTime, nullable=False, default=datetime.now)


class SmsSendLock(Model):
    """One row per phone that was sent a code: every send updates it first, which holds the
    row (PostgreSQL) or the database (SQLite) until the send commits, so two sends to one phone
    take turns and the limits are counted by one at a time."""

    __tablename__ = "sms_send_lock"
    phone = Column(String(20), primary_key=True)
    locked_at = Column(DateTime)
