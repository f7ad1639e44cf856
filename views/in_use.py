"""What uses a row an admin is about to delete: a code, a rate, a year's parameters, a unit.

A deleted 险种 rate or year parameter leaves the ledger without the figures its months were
assessed with (E5 shows blanks, C5 refuses), and declarations hold codes as text in their
payloads, where no foreign key sees them (nor does SQLite enforce one unless asked). So the
delete is refused while anything uses the row, naming what does; the admin ends it instead.
Each check is an EXISTS: the first use found is enough.
"""
from flask_appbuilder import Model
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import String, and_, cast, exists, literal, or_, select

from app.extensions import db
from models.contribution import Contribution, Rate, YearParameter
from models.declaration import Declaration, DeclarationItem
from models.person import ContributionBase, Enrollment, Person
from models.reference import (
    ChangeReason, EmploymentForm, Industry, Insurance, Nation, PersonCategory,
)
from models.unit import Unit
from rules.business import BUSINESSES

# What each table is to an admin. A table that refers to a row but is missing here still
# refuses the delete, under the generic name.
TABLES = {
    "enrollment": _("人员参保登记"),
    "contribution": _("缴费明细"),
    "unit_contribution": _("单位缴费汇总"),
    "unit_insurance": _("单位参保登记"),
    "rate": _("费率"),
    "person": _("参保人员"),
    "unit": _("参保单位"),
    "declaration": _("申报"),
    "declaration_item": _("申报"),
    "unfinished_person": _("申报"),  # a unit's unfinished declarations hold their people
    "medical_account_subsidy": _("医疗账户补助金"),
    "contribution_base": _("缴费基数"),
    "bill": _("缴费单据"),
    "certificate": _("参保证明"),
    "pension_account_year": _("养老个人账户"),
    "retirement_record": _("退休记录"),
    "card_application_info": _("社保卡申领信息"),
    "social_security_card": _("社保卡"),
    "remote_medical_filing": _("异地就医备案"),
    "outpatient_disease_approval": _("门诊规定病种"),
    "ab_user": _("登录账号"),
    "job": _("后台任务"),
    "sms_message": _("短信记录"),
    "sms_code": _("短信验证码"),
    "notice": _("通知公告"),
}
OTHER = _("其他数据")


def uses(item) -> list[str]:
    """The names (in the page's language) of what uses ``item``, each once; [] if nothing."""
    found = [TABLES.get(table.name, OTHER) for table, column in _references(type(item))
             if _any(select(literal(1)).select_from(table).where(column == item.id))]
    extra = EXTRA.get(type(item))
    if extra is not None:
        found += extra(item)
    names = []
    for name in (str(n) for n in found):
        if name not in names:
            names.append(name)
    return names


# References the database does not check (models/contribution.py says why): the ledger's
# person, unit and 险种. Listed here, they refuse a delete as a foreign key would.
UNCONSTRAINED = (
    (Contribution.__table__.c.person_id, Person),
    (Contribution.__table__.c.unit_id, Unit),
    (Contribution.__table__.c.insurance_id, Insurance),
)


def _references(model):
    """(table, column) of every foreign key that points at ``model``'s table, and of every
    UNCONSTRAINED reference to it."""
    target = model.__table__
    for table in Model.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table is target:
                yield table, key.parent
    for column, referred in UNCONSTRAINED:
        if referred.__table__ is target:
            yield column.table, column


def _any(query) -> bool:
    return bool(db.session.scalar(select(exists(query))))


def _payload_value(field: str):
    """A declaration row's payload value as text (a year is a number there, a code a string)."""
    return cast(DeclarationItem.payload[field].as_string(), String)


def _declared(businesses: dict, condition) -> bool:
    """Whether a row of a declaration of one of ``businesses`` (code → payload field) meets
    ``condition`` (a function of the field's value)."""
    for business, field in businesses.items():
        rows = (select(literal(1)).select_from(DeclarationItem)
                .join(Declaration, Declaration.id == DeclarationItem.declaration_id)
                .where(Declaration.business_code == business,
                       condition(_payload_value(field))))
        if _any(rows):
            return True
    return False


def _fields_from(source: str) -> list[tuple[str, str]]:
    """(business, field) of every registry field whose choices come from the code table
    (``change_reason:add`` and ``change_reason:reduce`` both from ``change_reason``)."""
    return [(b.code, f.name) for b in BUSINESSES.values() for f in b.fields
            if f.source and f.source.split(":")[0] == source]


def _code_declared(item, source: str) -> list:
    for business, field in _fields_from(source):
        if _declared({business: field}, lambda value: value == item.code):
            return [TABLES["declaration"]]
    return []


def _insurance_declared(item) -> list:
    """A declaration names its 险种 in its header and, for some businesses, in its rows."""
    def listed(column):
        return (literal(",") + column + literal(",")).like(f"%,{item.code},%")

    in_rows = {b.code: f.name for b in BUSINESSES.values() for f in b.fields
               if f.kind == "insurances"}
    if (_any(select(literal(1)).select_from(Declaration)
             .where(listed(Declaration.insurance_codes))) or _declared(in_rows, listed)):
        return [TABLES["declaration"]]
    return []


def _rate_users(rate: Rate) -> list:
    """The months a rate covers that the ledger holds, and the enrollments it is assessed on.
    A 工伤 rate is only its risk class's: the units of an industry of that class."""
    end = rate.end_month if rate.end_month is not None else 999912
    units = []
    if rate.risk_class is not None:
        units = [select(Unit.id).join(Industry, Industry.id == Unit.industry_id)
                 .where(Industry.risk_class == rate.risk_class)]
    found = []
    if _any(select(literal(1)).select_from(Contribution).where(
            Contribution.insurance_id == rate.insurance_id,
            Contribution.month.between(rate.start_month, end),
            *(Contribution.unit_id.in_(u) for u in units))):
        found.append(TABLES["contribution"])
    if _any(select(literal(1)).select_from(Enrollment).where(
            Enrollment.insurance_id == rate.insurance_id, Enrollment.start_month <= end,
            or_(Enrollment.end_month.is_(None), Enrollment.end_month >= rate.start_month),
            *(Enrollment.unit_id.in_(u) for u in units))):
        found.append(TABLES["enrollment"])
    return found


def _year_users(parameter: YearParameter) -> list:
    year = parameter.year
    first, last = year * 100 + 1, year * 100 + 12
    found = []
    if _any(select(literal(1)).select_from(Contribution)
            .where(Contribution.month.between(first, last))):
        found.append(TABLES["contribution"])
    if _any(select(literal(1)).select_from(ContributionBase)
            .where(ContributionBase.year == year)):
        found.append(TABLES["contribution_base"])
    wage = _declared({"C3": "year"}, lambda value: value == str(year))
    back_paid = _any(
        select(literal(1)).select_from(DeclarationItem)
        .join(Declaration, Declaration.id == DeclarationItem.declaration_id)
        .where(Declaration.business_code == "C5",
               and_(_payload_value("start_month") <= str(last),
                    _payload_value("end_month") >= str(first))))
    if wage or back_paid:
        found.append(TABLES["declaration"])
    return found


EXTRA = {
    Insurance: _insurance_declared,
    ChangeReason: lambda item: _code_declared(item, "change_reason"),
    EmploymentForm: lambda item: _code_declared(item, "employment_form"),
    PersonCategory: lambda item: _code_declared(item, "person_category"),
    Nation: lambda item: _code_declared(item, "nation"),
    Rate: _rate_users,
    YearParameter: _year_users,
}


def refusal(what, users: list[str], instead) -> str:
    """The message of a refused delete: what the row is, what uses it, what to do instead."""
    return gettext("%(what)s已被%(users)s使用，不能删除。%(instead)s", what=what,
                   users=gettext("、").join(users), instead=instead)
