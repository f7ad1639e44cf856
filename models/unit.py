"""参保单位 and its registration per 险种."""
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean, Column, DateTime, ForeignKey, Integer, String, UniqueConstraint,
)
from sqlalchemy.orm import relationship

from models.columns import Month


class Unit(Model):
    __tablename__ = "unit"
    id = Column(Integer, primary_key=True)
    unit_no = Column(String(20), unique=True, nullable=False)  # 单位编号
    name = Column(String(200), nullable=False, index=True)
    credit_code = Column(String(18), unique=True)  # 统一社会信用代码
    unit_type = Column(String(50))
    industry_id = Column(Integer, ForeignKey("industry.id"))
    legal_person = Column(String(50))
    address = Column(String(200))
    postcode = Column(String(6))
    contact_name = Column(String(50))  # 专管员
    contact_phone = Column(String(20))  # 专管员手机, the only phone SMS codes go to
    bank_branch_id = Column(Integer, ForeignKey("bank_branch.id"))
    bank_account = Column(String(40))
    withholding = Column(Boolean, nullable=False, default=False)  # 银行代扣: no bill needed
    vip = Column(Boolean, nullable=False, default=False)  # decided by rules at once
    status = Column(String(10), nullable=False, default="normal", index=True)
    region = Column(String(50))
    created_at = Column(DateTime, nullable=False, default=datetime.now)

    industry = relationship("Industry")
    bank_branch = relationship("BankBranch")
    insurances = relationship("UnitInsurance", back_populates="unit")

    def __repr__(self):
        return f"{self.unit_no} {self.name}"


class UnitInsurance(Model):
    """A unit's registration for one 险种, with its own 业务单位编号 (A4 links it to the account)."""

    __tablename__ = "unit_insurance"
    __table_args__ = (UniqueConstraint("unit_id", "insurance_id"),)
    id = Column(Integer, primary_key=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False, index=True)
    insurance_id = Column(Integer, ForeignKey("insurance.id"), nullable=False)
    business_no = Column(String(30), unique=True, nullable=False)  # 业务单位编号
    start_month = Column(Month, nullable=False)
    status = Column(String(10), nullable=False, default="normal")  # normal | suspended | closed
    injury_float_pct = Column(Integer, nullable=False, default=100)  # 工伤 浮动费率 %
    linked = Column(Boolean, nullable=False, default=False)
    linked_at = Column(DateTime)

    unit = relationship("Unit", back_populates="insurances")
    insurance = relationship("Insurance")

    def __repr__(self):
        return f"{self.business_no}"
