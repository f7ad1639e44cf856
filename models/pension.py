"""养老个人账户 (E9, F5) and retirement records (C11, C16, E10)."""
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint

from models.columns import Money


class PensionAccountYear(Model):
    """One year of a person's 养老个人账户: opening balance, credits, interest, closing balance."""

    __tablename__ = "pension_account_year"
    __table_args__ = (UniqueConstraint("person_id", "year"),)
    id = Column(Integer, primary_key=True)
    person_id = Column(Integer, ForeignKey("person.id"), nullable=False)
    year = Column(Integer, nullable=False)
    months = Column(Integer, nullable=False, default=0)
    opening_balance = Column(Money, nullable=False, default=0)
    credits = Column(Money, nullable=False, default=0)
    interest = Column(Money, nullable=False, default=0)
    closing_balance = Column(Money, nullable=False, default=0)


class RetirementRecord(Model):
    """退休人员档案: the approved retirement and its pension."""

    __tablename__ = "retirement_record"
    id = Column(Integer, primary_key=True)
    person_id = Column(Integer, ForeignKey("person.id"), nullable=False, unique=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False, index=True)
    retire_date = Column(Date, nullable=False)
    kind = Column(String(20), nullable=False)  # 正常退休 | 特殊工种 | 病退 …
    contribution_months = Column(Integer, nullable=False)
    monthly_pension = Column(Money)
    status = Column(String(10), nullable=False, default="active")
    declaration_id = Column(Integer, ForeignKey("declaration.id"))
    created_at = Column(DateTime, nullable=False, default=datetime.now)
