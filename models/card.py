"""社保卡 (C15): the unit's 申领信息 and each person's card."""
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String

from models.columns import Json


class CardApplicationInfo(Model):
    """申领信息维护: the bank branch is fixed once saved; at most two card collectors."""

    __tablename__ = "card_application_info"
    id = Column(Integer, primary_key=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), unique=True, nullable=False)
    bank_branch_id = Column(Integer, ForeignKey("bank_branch.id"), nullable=False)
    collectors = Column(Json, nullable=False, default=list)  # [{name, id_number, phone}]
    saved_at = Column(DateTime, nullable=False, default=datetime.now)


class SocialSecurityCard(Model):
    __tablename__ = "social_security_card"
    id = Column(Integer, primary_key=True)
    person_id = Column(Integer, ForeignKey("person.id"), nullable=False, index=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), index=True)
    card_no = Column(String(20), unique=True)
    bank_branch_id = Column(Integer, ForeignKey("bank_branch.id"))
    status = Column(String(12), nullable=False, default="applied")
    # applied 已申领 | making 制卡中 | issued 已发卡 | revoked 已撤销
    photo_sha256 = Column(String(64))
    declaration_id = Column(Integer, ForeignKey("declaration.id"))
    applied_at = Column(DateTime, nullable=False, default=datetime.now)
    issued_at = Column(DateTime)
