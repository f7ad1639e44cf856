"""Rates, yearly parameters, the monthly ledger, bills and payments."""
from datetime import datetime
from decimal import Decimal

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, text,
)
from sqlalchemy.orm import relationship

from models.columns import BigId, Json, Money, Month, Percent, Rate as RateType


class Rate(Model):
    """费率 of one 险种 (and 工伤 risk class) over a month range (end None: still in force)."""

    __tablename__ = "rate"
    __table_args__ = (Index("ix_rate_lookup", "insurance_id", "risk_class", "start_month"),)
    id = Column(Integer, primary_key=True)
    insurance_id = Column(Integer, ForeignKey("insurance.id"), nullable=False)
    risk_class = Column(Integer)  # 1–8 for 工伤 only
    unit_rate = Column(RateType, nullable=False)
    personal_rate = Column(RateType, nullable=False)
    start_month = Column(Month, nullable=False)
    end_month = Column(Month)

    insurance = relationship("Insurance")


class YearParameter(Model):
    """Yearly parameters (G4): average wage and the base floor/cap, the declaration window."""

    __tablename__ = "year_parameter"
    id = Column(Integer, primary_key=True)
    year = Column(Integer, unique=True, nullable=False)
    average_wage = Column(Money, nullable=False)  # 全口径城镇单位就业人员年平均工资
    floor_pct = Column(Percent, nullable=False, default=60)
    cap_pct = Column(Percent, nullable=False, default=300)
    base_floor = Column(Money, nullable=False)
    base_cap = Column(Money, nullable=False)
    window_start = Column(Date)
    window_end = Column(Date)
    interest_rate = Column(RateType)  # 养老个人账户记账利率
    # 滞纳金 terms of the fee months of this year (社会保险法 §86): daily rate and the due day of
    # the month after the fee month (RULES.md §4); app/money/terms.py reads them.
    late_fee_rate = Column(RateType, nullable=False, default=Decimal("0.0005"))
    due_day = Column(Integer, nullable=False, default=15)


class Contribution(Model):
    """The ledger: what one person owes for one 险种 and month in one unit.

    Written 3,000,000 rows a month at a time by the assessment (app/money/assessment.py), so
    each index and constraint is paid per row (migration c9e1a3b5d7f0, measured there):
    person_id, unit_id and insurance_id hold no foreign keys. The rows are derived only from
    enrollments, which hold those three keys, and a person, unit or 险种 is never deleted
    while the ledger names it: views/in_use.py lists the ledger among its users
    (UNCONSTRAINED) and refuses the delete. The checks cost 40 of the 72 s the city's month
    took on PostgreSQL. bill_id and declaration_id keep theirs (null on assessed rows)."""

    __tablename__ = "contribution"
    __table_args__ = (
        UniqueConstraint("person_id", "unit_id", "insurance_id", "month"),
        Index("ix_contribution_unit_month", "unit_id", "month"),
        # Only billed rows: the assessment writes none, so it pays nothing for this index.
        Index("ix_contribution_bill", "bill_id", postgresql_where=text("bill_id IS NOT NULL"),
              sqlite_where=text("bill_id IS NOT NULL")),
        # The whole city's month of one 险种 (app/money/assessment.py, views/in_use.py). A
        # month is written at once and appended, so on PostgreSQL a block-range (BRIN) index
        # finds it at almost no cost per row; a back-payment row appended later only widens
        # its range. SQLite has no BRIN: a b-tree there.
        Index("ix_contribution_month_insurance", "month", "insurance_id",
              postgresql_using="brin"),
    )
    id = Column(BigId, primary_key=True)
    person_id = Column(Integer, nullable=False)  # no foreign key: see above
    unit_id = Column(Integer, nullable=False)  # no foreign key: see above
    insurance_id = Column(Integer, nullable=False)  # no foreign key: see above
    month = Column(Month, nullable=False)  # 费款所属期
    base = Column(Money, nullable=False)
    unit_amount = Column(Money, nullable=False)
    personal_amount = Column(Money, nullable=False)
    back_payment = Column(Boolean, nullable=False, default=False)  # 补缴
    late_fee = Column(Money, nullable=False, default=0)
    paid = Column(Boolean, nullable=False, default=False)
    paid_at = Column(DateTime)
    bill_id = Column(Integer, ForeignKey("bill.id"))
    declaration_id = Column(Integer, ForeignKey("declaration.id"))

    # Without foreign keys the joins are spelled out, the referred key on the left: FAB joins a
    # dotted column (the API's unit.unit_no) on the side of the join that is not a foreign key.
    person = relationship("Person", primaryjoin="Person.id == foreign(Contribution.person_id)")
    unit = relationship("Unit", primaryjoin="Unit.id == foreign(Contribution.unit_id)")
    insurance = relationship(
        "Insurance", primaryjoin="Insurance.id == foreign(Contribution.insurance_id)")


class UnitContribution(Model):
    """Per unit, 险种 and month: the totals the 单位缴费历史 (E4) shows, kept by the assessment."""

    __tablename__ = "unit_contribution"
    __table_args__ = (UniqueConstraint("unit_id", "month", "insurance_id"),)
    id = Column(Integer, primary_key=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False)
    insurance_id = Column(Integer, ForeignKey("insurance.id"), nullable=False)
    month = Column(Month, nullable=False)
    persons = Column(Integer, nullable=False, default=0)
    base_total = Column(Money, nullable=False, default=0)
    unit_amount = Column(Money, nullable=False, default=0)
    personal_amount = Column(Money, nullable=False, default=0)
    late_fee = Column(Money, nullable=False, default=0)
    total = Column(Money, nullable=False, default=0)
    paid_amount = Column(Money, nullable=False, default=0)
    status = Column(String(10), nullable=False, default="unpaid")  # unpaid | partial | paid

    unit = relationship("Unit")
    insurance = relationship("Insurance")


class Bill(Model):
    """缴费单据 (D3): one period and a chosen set of 险种."""

    __tablename__ = "bill"
    __table_args__ = (Index("ix_bill_unit_status", "unit_id", "status"),)
    id = Column(Integer, primary_key=True)
    bill_no = Column(String(30), unique=True, nullable=False)
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False)
    kind = Column(String(15), nullable=False, default="regular")  # regular | back_payment
    period_start = Column(Month, nullable=False)
    period_end = Column(Month, nullable=False)
    insurance_codes = Column(String(40), nullable=False)  # "110,210,310"
    amount = Column(Money, nullable=False)
    late_fee = Column(Money, nullable=False, default=0)
    total = Column(Money, nullable=False)
    status = Column(String(10), nullable=False, default="unpaid", index=True)
    # unpaid 未支付 | paying 支付中 | paid 已支付 | failed 支付失败 | void 已作废
    due_date = Column(Date)
    created_at = Column(DateTime, nullable=False, default=datetime.now)
    paid_at = Column(DateTime)

    unit = relationship("Unit")
    payments = relationship("Payment", back_populates="bill")

    def __repr__(self):
        return self.bill_no


class Payment(Model):
    """One attempt to pay a bill through the bank gateway; the callback is idempotent by trade_no."""

    __tablename__ = "payment"
    id = Column(Integer, primary_key=True)
    bill_id = Column(Integer, ForeignKey("bill.id"), nullable=False, index=True)
    trade_no = Column(String(40), unique=True, nullable=False)
    amount = Column(Money, nullable=False)
    status = Column(String(10), nullable=False, default="pending")
    # pending | success | failed | abandoned
    channel = Column(String(20), nullable=False, default="demo_bank")
    bank_ref = Column(String(60))
    callback_payload = Column(Json)
    created_at = Column(DateTime, nullable=False, default=datetime.now)
    finished_at = Column(DateTime)

    bill = relationship("Bill", back_populates="payments")
