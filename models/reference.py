"""Code tables (G3): 险种, 增减员原因, 用工形式, 人员类别, 民族, 行业, 医院, 银行网点."""
from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, Integer, String


class CodeMixin:
    """Every code table is a code, a Chinese name and an active flag."""

    id = Column(Integer, primary_key=True)
    code = Column(String(20), unique=True, nullable=False)
    name = Column(String(100), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    label_column = "name"  # what a list shows for a row of this table (views.datamodel)

    def __repr__(self):
        return self.name


class Insurance(CodeMixin, Model):
    """险种, by national code: 110 养老, 210 失业, 310 医疗, 410 工伤, 510 生育."""

    __tablename__ = "insurance"
    short_name = Column(String(20), nullable=False)
    sort = Column(Integer, nullable=False, default=0)


class ChangeReason(CodeMixin, Model):
    """增减员原因. ``voluntary`` marks a 减员 the person chose (no unemployment benefit)."""

    __tablename__ = "change_reason"
    kind = Column(String(10), nullable=False, index=True)  # "add" | "reduce"
    voluntary = Column(Boolean, nullable=False, default=False)


class EmploymentForm(CodeMixin, Model):
    __tablename__ = "employment_form"  # 用工形式


class PersonCategory(CodeMixin, Model):
    __tablename__ = "person_category"  # 人员类别


class Nation(CodeMixin, Model):
    __tablename__ = "nation"  # 民族 (GB 3304)


class Industry(CodeMixin, Model):
    """行业 with its 工伤风险类别 1–8 (人社部发〔2015〕71号)."""

    __tablename__ = "industry"
    risk_class = Column(Integer, nullable=False)


class Hospital(CodeMixin, Model):
    __tablename__ = "hospital"
    level = Column(String(20))
    region = Column(String(50))
    remote = Column(Boolean, nullable=False, default=False)  # 99999 + level digit


class BankBranch(CodeMixin, Model):
    __tablename__ = "bank_branch"
    bank_name = Column(String(100), nullable=False)
