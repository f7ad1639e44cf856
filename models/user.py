"""The login account, extended with its unit and the state FAB does not keep."""
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import relationship


class ShebaoUser(User):
    __tablename__ = "ab_user"
    unit_id = Column(Integer, ForeignKey("unit.id"), index=True)
    activated = Column(Boolean, nullable=False, default=True)
    must_change_password = Column(Boolean, nullable=False, default=False)
    locked_until = Column(DateTime)
    initial_password_hash = Column(String(256))
    password_changed_at = Column(DateTime)
    # Moves on at logout, password change or reset, lock and role change; a session opened
    # under an older version is no longer signed in (app/sessions.py).
    session_version = Column(Integer, nullable=False, default=0, server_default="0")

    unit = relationship("Unit", foreign_keys=[unit_id])
