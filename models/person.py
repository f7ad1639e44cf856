"""参保人员, their enrollments per unit and 险种, and their yearly contribution base."""
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import (
    Column, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint,
)
from sqlalchemy.orm import relationship

from models.columns import Money, Month


class Person(Model):
    __tablename__ = "person"
    id = Column(Integer, primary_key=True)
    id_number = Column(String(18), unique=True, nullable=False)  # 社会保障号码
    name = Column(String(50), nullable=False, index=True)
    gender = Column(String(6), nullable=False)  # male | female
    birth_date = Column(Date, nullable=False)
    nation_id = Column(Integer, ForeignKey("nation.id"))
    # Cannot be derived from the ID number (RULES.md §5): male | female_55 | female_50
    retirement_category = Column(String(10), nullable=False)
    phone = Column(String(20))
    address = Column(String(200))
    hukou = Column(String(10))  # 户口性质: 城镇 | 农村
    hukou_place = Column(String(200))  # 户口所在地, as the clerk writes it (省市县 and 补充信息)
    # 参加工作日期: the manual's forms print it as a date, always the 1st of the month
    # (1975-09-01), so the month is the whole fact.
    first_work_month = Column(Month)
    created_at = Column(DateTime, nullable=False, default=datetime.now)

    nation = relationship("Nation")

    def __repr__(self):
        return f"{self.name} {self.id_number}"


class Enrollment(Model):
    """One person in one unit for one 险种 over a span of months (end_month None: still open)."""

    __tablename__ = "enrollment"
    __table_args__ = (
        Index("ix_enrollment_unit_status", "unit_id", "status", "insurance_id"),
        Index("ix_enrollment_unit_person", "unit_id", "person_id"),
    )
    id = Column(Integer, primary_key=True)
    person_id = Column(Integer, ForeignKey("person.id"), nullable=False, index=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False)
    insurance_id = Column(Integer, ForeignKey("insurance.id"), nullable=False)
    category = Column(String(10), nullable=False, default="active")  # active 在职 | retired 退休
    status = Column(String(10), nullable=False, default="normal")  # normal | suspended | ended
    start_month = Column(Month, nullable=False)
    end_month = Column(Month)
    add_reason_id = Column(Integer, ForeignKey("change_reason.id"))
    reduce_reason_id = Column(Integer, ForeignKey("change_reason.id"))
    employment_form_id = Column(Integer, ForeignKey("employment_form.id"))
    person_category_id = Column(Integer, ForeignKey("person_category.id"))
    declaration_id = Column(Integer, ForeignKey("declaration.id"))
    # 二级单位: the part of the unit the person works in, as the unit names it (the 济南 增员
    # form has a free text box for it, no picker).
    sub_unit = Column(String(100))

    person = relationship("Person")
    unit = relationship("Unit")
    insurance = relationship("Insurance")
    add_reason = relationship("ChangeReason", foreign_keys=[add_reason_id])
    reduce_reason = relationship("ChangeReason", foreign_keys=[reduce_reason_id])
    employment_form = relationship("EmploymentForm")
    person_category = relationship("PersonCategory")


class ContributionBase(Model):
    """缴费基数 of one person in one unit for one year: the wage declared and the base used."""

    __tablename__ = "contribution_base"
    __table_args__ = (
        UniqueConstraint("person_id", "unit_id", "year"),
        Index("ix_contribution_base_unit_year", "unit_id", "year"),
    )
    id = Column(Integer, primary_key=True)
    person_id = Column(Integer, ForeignKey("person.id"), nullable=False)
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False)
    year = Column(Integer, nullable=False)
    declared_wage = Column(Money, nullable=False)
    base = Column(Money, nullable=False)
    declaration_id = Column(Integer, ForeignKey("declaration.id"))
    previous_base = Column(Money)  # restored when the declaration is revoked (C4)

    person = relationship("Person")
    unit = relationship("Unit")
