"""参保人员缴费证明 (F3): what was printed, kept so /verify/<code> can show the same facts."""
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String

from models.columns import Json, Month


class Certificate(Model):
    __tablename__ = "certificate"
    id = Column(Integer, primary_key=True)
    code = Column(String(40), unique=True, nullable=False)  # random, ≥ 16 characters
    person_id = Column(Integer, ForeignKey("person.id"), nullable=False, index=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False, index=True)
    purpose = Column(String(100), nullable=False)  # 打印用途
    period_start = Column(Month, nullable=False)
    period_end = Column(Month, nullable=False)
    facts = Column(Json, nullable=False)  # the snapshot printed
    issued_by_id = Column(Integer, ForeignKey("ab_user.id"))
    issued_at = Column(DateTime, nullable=False, default=datetime.now)
