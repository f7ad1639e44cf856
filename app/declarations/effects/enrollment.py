"""Effects of the enrollment family: C1 在职增员, C2/C2R 减员, C8 险种增减, C9 减员原因变更."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.declarations.effects import bulk, effect
from app.extensions import db
from app.money import back_pay
from models.contribution import YearParameter
from models.declaration import DeclarationItem
from models.person import ContributionBase, Enrollment, Person
from models.reference import Insurance
from rules.contribution_base import decide_base


@effect("enroll")
def enroll(declaration, items):
    """Create or reopen the persons, then open their enrollments from the 增员年月; rows with
    追溯补缴 and an earlier 增员年月 get their back-payment lines up to last month."""
    codes = bulk.code_ids()
    persons = _upsert_persons(items, codes)
    _link_persons(declaration, items, persons)
    insurance_ids = dict(db.session.execute(select(Insurance.code, Insurance.id)).all())
    enrollments, bases = [], []
    for item in items:
        p = item.payload
        person_id = persons[item.id_number]
        for code in p["insurances"].split(","):
            enrollments.append(dict(
                person_id=person_id, unit_id=declaration.unit_id,
                insurance_id=insurance_ids[code], category="active", status="normal",
                start_month=p["start_month"], declaration_id=declaration.id,
                add_reason_id=codes["change_reason"].get(p.get("add_reason")),
                employment_form_id=codes["employment_form"].get(p.get("employment_form")),
                person_category_id=codes["person_category"].get(p.get("person_category")),
                sub_unit=p.get("sub_unit") or None))
        bases.append((person_id, p["start_month"] // 100, Decimal(str(p["wage"]))))
    bulk.insert_many(Enrollment.__table__, enrollments)
    _set_bases(declaration, bases)
    back_pay.write(declaration, back_pay.enrollment_rows(items, back_pay.this_month()))


@effect("reduce")
def reduce(declaration, items):
    """One UPDATE per distinct (减员年月, 原因): a batch of thousands is a handful of statements."""
    reasons = bulk.code_ids()["change_reason"]
    persons = bulk.person_ids(items)
    groups: dict[tuple, list[int]] = {}
    for item in items:
        key = (item.payload["end_month"], reasons.get(item.payload.get("reduce_reason")))
        groups.setdefault(key, []).append(persons[item.id_number])
    for (end_month, reason_id), person_ids in groups.items():
        for chunk in bulk.chunks(person_ids):
            db.session.execute(
                update(Enrollment)
                .where(Enrollment.unit_id == declaration.unit_id, Enrollment.end_month.is_(None),
                       Enrollment.person_id.in_(chunk))
                .values(status="ended", end_month=end_month, reduce_reason_id=reason_id))


@effect("change_insurances")
def change_insurances(declaration, items):
    insurance_ids = dict(db.session.execute(select(Insurance.code, Insurance.id)).all())
    for item in items:
        p, person_id = item.payload, bulk.person_id(item)
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
    reasons = bulk.code_ids()["change_reason"]
    for item in items:
        latest = db.session.scalar(
            select(Enrollment.end_month).where(
                Enrollment.unit_id == declaration.unit_id, Enrollment.person_id == bulk.person_id(item),
                Enrollment.end_month.is_not(None)).order_by(Enrollment.end_month.desc()).limit(1))
        db.session.execute(
            update(Enrollment)
            .where(Enrollment.unit_id == declaration.unit_id,
                   Enrollment.person_id == bulk.person_id(item), Enrollment.end_month == latest)
            .values(reduce_reason_id=reasons.get(item.payload.get("reduce_reason"))))


def _upsert_persons(items, codes) -> dict[str, int]:
    numbers = [i.id_number for i in items]
    known = {}
    for chunk in bulk.chunks(numbers):
        known.update(db.session.execute(
            select(Person.id_number, Person.id).where(Person.id_number.in_(chunk))).all())
    fresh = []
    for item in items:
        p = item.payload
        values = dict(name=p["name"], phone=p.get("phone"), address=p.get("address"),
                      retirement_category=p["retirement_category"],
                      nation_id=codes["nation"].get(p.get("nation")),
                      hukou_place=p.get("hukou_place") or None,
                      first_work_month=_month_or_none(p.get("first_work_month")))
        if item.id_number in known:
            # 续保: the registry's name, gender, birth date and category stand (the checks made
            # the row agree with them); contact facts fill only what it lacks — a change of
            # phone or address is a C7 人员基本信息变更, which the reviewer sees old → new.
            blanks = {k: func.coalesce(getattr(Person, k), v) for k, v in values.items()
                      if v and k in ("phone", "address", "nation_id")}
            if blanks:
                db.session.execute(update(Person).where(Person.id == known[item.id_number])
                                   .values(**blanks))
        else:
            fresh.append(dict(values, id_number=item.id_number, gender=p["gender"],
                              birth_date=date.fromisoformat(str(p["birth_date"]))))
    if fresh:
        bulk.insert_many(Person.__table__, fresh)
        for chunk in bulk.chunks([f["id_number"] for f in fresh]):
            known.update(db.session.execute(
                select(Person.id_number, Person.id).where(Person.id_number.in_(chunk))).all())
    return known


def _link_persons(declaration, items, persons: dict[str, int]) -> None:
    """Each approved item points at its person: one UPDATE for the whole declaration (one per
    item made PostgreSQL take 0.5 s for 10,000), the loaded items told the same without a flush."""
    item_table = DeclarationItem.__table__
    db.session.flush()  # the statement reads the items' status: pending ORM changes first
    db.session.execute(
        update(item_table)
        .where(item_table.c.declaration_id == declaration.id, item_table.c.status == "approved")
        .values(person_id=select(Person.id).where(Person.id_number == item_table.c.id_number)
                .scalar_subquery()))
    for item in items:
        set_committed_value(item, "person_id", persons[item.id_number])


def _set_bases(declaration, bases) -> None:
    """The declared wage becomes the base of the start year, clamped by that year's limits."""
    years = {year for _, year, _ in bases}
    limits = {y.year: (y.base_floor, y.base_cap) for y in db.session.scalars(
        select(YearParameter).where(YearParameter.year.in_(years)))}
    # The persons are those of the declaration's items: a subquery, not 10,000 bound ids.
    existing = set(db.session.execute(
        select(ContributionBase.person_id, ContributionBase.year).where(
            ContributionBase.unit_id == declaration.unit_id,
            ContributionBase.person_id.in_(
                select(DeclarationItem.person_id)
                .where(DeclarationItem.declaration_id == declaration.id)))))
    rows = []
    for person_id, year, wage in bases:
        if (person_id, year) in existing or year not in limits:
            continue
        decision = decide_base(wage, *limits[year])
        rows.append(dict(person_id=person_id, unit_id=declaration.unit_id, year=year,
                         declared_wage=decision.declared, base=decision.base,
                         declaration_id=declaration.id))
    bulk.insert_many(ContributionBase.__table__, rows)


def _month_or_none(value) -> int | None:
    """A payload's month (int when cleaned, text when stored by an older import)."""
    return int(value) if value not in (None, "") else None
