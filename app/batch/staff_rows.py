"""导出含数据报盘文件: the unit's current staff as template rows (减员, 工资申报, 补缴), with
取上次申报工资 filling each person's latest declared wage."""
from datetime import date

from sqlalchemy import and_, func, select

from app.extensions import db
from models.person import ContributionBase, Enrollment, Person
from models.reference import Insurance

CATEGORY = {"staff": "active", "retired": "retired"}
# What 导出含数据报盘文件 fills in every row, by field kind: the person and the 申报年度 (this
# year). Everything else in a row is what the clerk declares; a row with nothing declared is
# skipped on import, not failed (the clerk left that person out).
EXPORTED_KINDS = frozenset({"id_number", "name", "year"})


def exported_fields(business) -> frozenset | None:
    """The fields export-with-data fills for ``business``; None if it has no such export. A
    roster business (C14) also has its months filled with this month, as its page starts."""
    if business.person_source not in CATEGORY:
        return None
    return frozenset(f.name for f in business.fields if f.kind in _exported_kinds(business))


def _exported_kinds(business) -> frozenset:
    return EXPORTED_KINDS | {"month"} if business.roster else EXPORTED_KINDS


def staff_of(business, unit_id: int, *columns):
    """The query of the unit's people ``business`` lists (its person source's category, open
    here; only those insured in ``business.staff_insurance`` when it names one), by name."""
    category = CATEGORY.get(business.person_source, "active")
    enrolled = select(Enrollment.person_id).where(
        Enrollment.unit_id == unit_id, Enrollment.end_month.is_(None),
        Enrollment.category == category)
    if business.staff_insurance:
        enrolled = enrolled.join(Insurance, Insurance.id == Enrollment.insurance_id).where(
            Insurance.code == business.staff_insurance)
    return (select(Person.id, Person.id_number, Person.name, *columns)
            .where(Person.id.in_(enrolled)).order_by(Person.name, Person.id_number))


def staff_rows(business, unit_id: int, last_wages: bool = False) -> list[dict]:
    people = db.session.execute(staff_of(business, unit_id)).all()
    names = {f.name for f in business.fields}
    wages = _latest_wages(unit_id) if last_wages and "declared_wage" in names else {}
    year = date.today().year
    kinds = {f.kind: f.name for f in business.fields if f.kind in _exported_kinds(business)}
    this_month = year * 100 + date.today().month
    rows = []
    for person_id, number, name in people:
        row = {kinds["id_number"]: number, kinds.get("name", "name"): name}
        if "year" in kinds:
            row[kinds["year"]] = year
        if "month" in kinds:
            row[kinds["month"]] = this_month
        if person_id in wages:
            row["declared_wage"] = wages[person_id]
        rows.append(row)
    return rows


def _latest_wages(unit_id: int) -> dict:
    """person id → the wage declared for the latest year on record (取上次申报工资)."""
    latest = (select(ContributionBase.person_id, func.max(ContributionBase.year).label("year"))
              .where(ContributionBase.unit_id == unit_id)
              .group_by(ContributionBase.person_id).subquery())
    rows = db.session.execute(
        select(ContributionBase.person_id, ContributionBase.declared_wage)
        .join(latest, and_(latest.c.person_id == ContributionBase.person_id,
                           latest.c.year == ContributionBase.year))
        .where(ContributionBase.unit_id == unit_id)).all()
    return dict(rows)
