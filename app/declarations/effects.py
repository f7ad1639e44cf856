"""What an approval changes, per business (the registry names these by ``Business.effect``).

Each effect gets the declaration and its approved items and runs inside the approving
transaction; it must not commit. Rows are written with bulk statements, not per-row ORM loops,
because a batch may hold thousands of persons.
"""
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, insert, select, update

from app.extensions import db
from models.contribution import YearParameter
from models.pension import RetirementRecord
from models.person import ContributionBase, Enrollment, Person
from models.reference import ChangeReason, EmploymentForm, Insurance, Nation, PersonCategory
from models.unit import Unit
from rules.contribution_base import decide_base
from rules.months import month_start

EFFECTS = {}


def effect(name):
    def register(fn):
        EFFECTS[name] = fn
        return fn
    return register


def apply(business, declaration, items) -> None:
    if items or business.subject == "unit":
        EFFECTS[business.effect](declaration, items)


@effect("enroll")
def enroll(declaration, items):
    """Create or reopen the persons, then open their enrollments from the 增员年月."""
    codes = _code_ids()
    persons = _upsert_persons(items, codes)
    insurance_ids = dict(db.session.execute(select(Insurance.code, Insurance.id)).all())
    enrollments, bases = [], []
    for item in items:
        p = item.payload
        person_id = persons[item.id_number]
        item.person_id = person_id
        for code in p["insurances"].split(","):
            enrollments.append(dict(
                person_id=person_id, unit_id=declaration.unit_id,
                insurance_id=insurance_ids[code], category="active", status="normal",
                start_month=p["start_month"], declaration_id=declaration.id,
                add_reason_id=codes["change_reason"].get(p.get("add_reason")),
                employment_form_id=codes["employment_form"].get(p.get("employment_form")),
                person_category_id=codes["person_category"].get(p.get("person_category"))))
        bases.append((person_id, p["start_month"] // 100, Decimal(str(p["wage"]))))
    if enrollments:
        db.session.execute(insert(Enrollment), enrollments)
    _set_bases(declaration, bases)


@effect("reduce")
def reduce(declaration, items):
    reasons = _code_ids()["change_reason"]
    for item in items:
        p = item.payload
        db.session.execute(
            update(Enrollment)
            .where(Enrollment.unit_id == declaration.unit_id, Enrollment.end_month.is_(None),
                   Enrollment.person_id == _person_id(item))
            .values(status="ended", end_month=p["end_month"],
                    reduce_reason_id=reasons.get(p.get("reduce_reason"))))


@effect("change_unit")
def change_unit(declaration, items):
    values = {k: v for k, v in (declaration.payload or {}).items()
              if k in ("name", "address", "postcode", "legal_person", "contact_name",
                       "contact_phone") and v}
    if values:
        db.session.execute(update(Unit).where(Unit.id == declaration.unit_id).values(**values))


@effect("change_person")
def change_person(declaration, items):
    nations = _code_ids()["nation"]
    for item in items:
        p = item.payload
        values = {"name": p.get("new_name"), "phone": p.get("phone"),
                  "address": p.get("address"), "nation_id": nations.get(p.get("nation"))}
        values = {k: v for k, v in values.items() if v}
        db.session.execute(update(Person).where(Person.id == _person_id(item)).values(**values))


@effect("change_insurances")
def change_insurances(declaration, items):
    insurance_ids = dict(db.session.execute(select(Insurance.code, Insurance.id)).all())
    for item in items:
        p, person_id = item.payload, _person_id(item)
        wanted = [insurance_ids[c] for c in p["insurances"].split(",")]
        if p["direction"] == "remove":
            db.session.execute(
                update(Enrollment)
                .where(Enrollment.unit_id == declaration.unit_id,
                       Enrollment.person_id == person_id, Enrollment.end_month.is_(None),
                       Enrollment.insurance_id.in_(wanted))
                .values(status="ended", end_month=p["month"]))
            continue
        have = set(db.session.scalars(select(Enrollment.insurance_id).where(
            Enrollment.unit_id == declaration.unit_id, Enrollment.person_id == person_id,
            Enrollment.end_month.is_(None))))
        rows = [dict(person_id=person_id, unit_id=declaration.unit_id, insurance_id=i,
                     category="active", status="normal", start_month=p["month"],
                     declaration_id=declaration.id) for i in wanted if i not in have]
        if rows:
            db.session.execute(insert(Enrollment), rows)


@effect("change_reduce_reason")
def change_reduce_reason(declaration, items):
    reasons = _code_ids()["change_reason"]
    for item in items:
        latest = db.session.scalar(
            select(Enrollment.end_month).where(
                Enrollment.unit_id == declaration.unit_id, Enrollment.person_id == _person_id(item),
                Enrollment.end_month.is_not(None)).order_by(Enrollment.end_month.desc()).limit(1))
        db.session.execute(
            update(Enrollment)
            .where(Enrollment.unit_id == declaration.unit_id,
                   Enrollment.person_id == _person_id(item), Enrollment.end_month == latest)
            .values(reduce_reason_id=reasons.get(item.payload.get("reduce_reason"))))


@effect("interruption_to_retired")
def interruption_to_retired(declaration, items):
    medical = db.session.scalar(select(Insurance.id).where(Insurance.code == "310"))
    for item in items:
        person_id, month = _person_id(item), item.payload["retire_month"]
        db.session.add(RetirementRecord(
            person_id=person_id, unit_id=declaration.unit_id, retire_date=month_start(month),
            kind="中断转退休", contribution_months=0, declaration_id=declaration.id))
        db.session.add(Enrollment(person_id=person_id, unit_id=declaration.unit_id,
                                  insurance_id=medical, category="retired", status="normal",
                                  start_month=month, declaration_id=declaration.id))


def _person_id(item) -> int:
    if item.person_id is None:
        item.person_id = db.session.scalar(
            select(Person.id).where(Person.id_number == item.id_number))
    return item.person_id


def _code_ids() -> dict[str, dict[str, int]]:
    tables = {"change_reason": ChangeReason, "employment_form": EmploymentForm,
              "person_category": PersonCategory, "nation": Nation}
    return {key: dict(db.session.execute(select(m.code, m.id)).all()) for key, m in tables.items()}


def _upsert_persons(items, codes) -> dict[str, int]:
    numbers = [i.id_number for i in items]
    known = dict(db.session.execute(
        select(Person.id_number, Person.id).where(Person.id_number.in_(numbers))).all())
    fresh = []
    for item in items:
        p = item.payload
        values = dict(name=p["name"], phone=p.get("phone"), address=p.get("address"),
                      retirement_category=p["retirement_category"],
                      nation_id=codes["nation"].get(p.get("nation")))
        if item.id_number in known:
            db.session.execute(update(Person).where(Person.id == known[item.id_number])
                               .values(**{k: v for k, v in values.items() if v}))
        else:
            fresh.append(dict(values, id_number=item.id_number, gender=p["gender"],
                              birth_date=date.fromisoformat(str(p["birth_date"]))))
    if fresh:
        db.session.execute(insert(Person), fresh)
        known.update(db.session.execute(
            select(Person.id_number, Person.id)
            .where(Person.id_number.in_([f["id_number"] for f in fresh]))).all())
    return known


def _set_bases(declaration, bases) -> None:
    """The declared wage becomes the base of the start year, clamped by that year's limits."""
    years = {year for _, year, _ in bases}
    limits = {y.year: (y.base_floor, y.base_cap) for y in db.session.scalars(
        select(YearParameter).where(YearParameter.year.in_(years)))}
    existing = set(db.session.execute(
        select(ContributionBase.person_id, ContributionBase.year).where(and_(
            ContributionBase.unit_id == declaration.unit_id,
            ContributionBase.person_id.in_([p for p, _, _ in bases])))))
    rows = []
    for person_id, year, wage in bases:
        if (person_id, year) in existing or year not in limits:
            continue
        decision = decide_base(wage, *limits[year])
        rows.append(dict(person_id=person_id, unit_id=declaration.unit_id, year=year,
                         declared_wage=decision.declared, base=decision.base,
                         declaration_id=declaration.id))
    if rows:
        db.session.execute(insert(ContributionBase), rows)
