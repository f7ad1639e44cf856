"""Medical registrations: 异地就医备案 (C12), 门诊规定病种 (C13), 医疗账户补助金 (C14)."""
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import relationship

from models.columns import Money, Month


class RemoteMedicalFiling(Model):
    __tablename__ = "remote_medical_filing"
    id = Column(Integer, primary_key=True)
    person_id = Column(Integer, ForeignKey("person.id"), nullable=False, index=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False, index=True)
    category = Column(String(20), nullable=False)  # 异地安置 | 常驻外地 | 异地转诊 …
    region = Column(String(100), nullable=False)
    hospital_id = Column(Integer, ForeignKey("hospital.id"))
    start_date = Column(Date, nullable=False)
    end_date = Column(Date)  # None: long-term, valid until revoked
    status = Column(String(10), nullable=False, default="active")  # active | revoked
    declaration_id = Column(Integer, ForeignKey("declaration.id"))
    created_at = Column(DateTime, nullable=False, default=datetime.now)


class OutpatientDiseaseApproval(Model):
    """门诊规定病种: one approved disease at one hospital for one person."""

    __tablename__ = "outpatient_disease_approval"
    id = Column(Integer, primary_key=True)
    person_id = Column(Integer, ForeignKey("person.id"), nullable=False, index=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False, index=True)
    disease_code = Column(String(20), nullable=False)
    disease_name = Column(String(100), nullable=False)
    kind = Column(String(10), nullable=False)  # major 门规大病 | ordinary 普通病种
    hospital_id = Column(Integer, ForeignKey("hospital.id"), nullable=False)
    start_date = Column(Date, nullable=False)
    end_date = Column(Date)
    status = Column(String(10), nullable=False, default="active")
    declaration_id = Column(Integer, ForeignKey("declaration.id"))


class MedicalAccountSubsidy(Model):
    """医疗账户补助金 (C14): an amount credited to one person's medical account for one month,
    written by the approval of the unit's declaration (one per person and month)."""

    __tablename__ = "medical_account_subsidy"
    __table_args__ = (UniqueConstraint("person_id", "month", name="uq_medical_subsidy_month"),
                      Index("ix_medical_subsidy_unit_month", "unit_id", "month"))
    id = Column(Integer, primary_key=True)
    person_id = Column(Integer, ForeignKey("person.id"), nullable=False)
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False)
    month = Column(Month, nullable=False)  # 申报年月
    amount = Column(Money, nullable=False)  # 本月申报金额
    declaration_id = Column(Integer, ForeignKey("declaration.id"), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=datetime.now)

    person = relationship("Person")
    unit = relationship("Unit")
    declaration = relationship("Declaration")
