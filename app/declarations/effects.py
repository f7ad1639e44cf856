"""What an approval changes, per business (the registry names these by ``Business.effect``).

Each effect gets the declaration and its approved items and runs inside the approving
transaction; it must not commit. Rows are written with bulk statements, not per-row ORM loops,
because a batch may hold thousands of persons.
"""
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.declarations import base_declaration, guards, phone_change
from app.errors import Invalid
from app.extensions import db
from models.contribution import Contribution, YearParameter
from models.declaration import Declaration, DeclarationItem
from models.pension import RetirementRecord
from models.person import ContributionBase, Enrollment, Person
from models.reference import ChangeReason, EmploymentForm, Insurance, Nation, PersonCategory
from models.unit import Unit
from rules import back_payment, wage_base
from rules.business import RESIDENT_STOP_REASONS
from rules.contribution_base import decide_base
from rules.months import month_range, month_start

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
                person_category_id=codes["person_category"].get(p.get("person_category"))))
        bases.append((person_id, p["start_month"] // 100, Decimal(str(p["wage"]))))
    _insert_many(Enrollment.__table__, enrollments)
    _set_bases(declaration, bases)


@effect("reduce")
def reduce(declaration, items):
    """One UPDATE per distinct (减员年月, 原因): a batch of thousands is a handful of statements."""
    reasons = _code_ids()["change_reason"]
    persons = _person_ids(items)
    groups: dict[tuple, list[int]] = {}
    for item in items:
        key = (item.payload["end_month"], reasons.get(item.payload.get("reduce_reason")))
        groups.setdefault(key, []).append(persons[item.id_number])
    for (end_month, reason_id), person_ids in groups.items():
        for chunk in _chunks(person_ids):
            db.session.execute(
                update(Enrollment)
                .where(Enrollment.unit_id == declaration.unit_id, Enrollment.end_month.is_(None),
                       Enrollment.person_id.in_(chunk))
                .values(status="ended", end_month=end_month, reduce_reason_id=reason_id))


@effect("change_unit")
def change_unit(declaration, items):
    values = {k: v for k, v in (declaration.payload or {}).items()
              if k in ("name", "address", "postcode", "legal_person", "contact_name",
                       "contact_phone") and v}
    if "contact_phone" in values:
        phone_change.refuse_unconfirmed(declaration)
    if values:
        unit = db.session.get(Unit, declaration.unit_id)
        old_phone = unit.contact_phone
        db.session.execute(update(Unit).where(Unit.id == declaration.unit_id).values(**values))
        if "contact_phone" in values:
            phone_change.notify_old_phone(unit, old_phone, values["contact_phone"])


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
    return _person_ids([item])[item.id_number]


def _person_ids(items) -> dict[str, int]:
    """ID number → person id for these items, in one query for those not yet resolved."""
    missing = [i.id_number for i in items if i.person_id is None]
    found = {}
    for chunk in _chunks(missing):
        found.update(db.session.execute(
            select(Person.id_number, Person.id).where(Person.id_number.in_(chunk))).all())
    for item in items:
        if item.person_id is None:
            item.person_id = found.get(item.id_number)
    return {item.id_number: item.person_id for item in items}


def _chunks(values: list, size: int = 5000):
    """IN lists stay well under SQLite's bound-variable limit."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _code_ids() -> dict[str, dict[str, int]]:
    tables = {"change_reason": ChangeReason, "employment_form": EmploymentForm,
              "person_category": PersonCategory, "nation": Nation}
    return {key: dict(db.session.execute(select(m.code, m.id)).all()) for key, m in tables.items()}


def _insert_many(table, rows) -> None:
    """INSERT ``rows`` (dicts with the same keys) into the Core ``table``, in this transaction.

    On PostgreSQL by COPY: psycopg 3 sends an executemany as one INSERT per row (30,000
    enrollment rows took 2.3 s, and a 10,000-person 批量增员 approval missed its 5 s), and
    SQLAlchemy's multi-row VALUES was slower still (psycopg parses each 10,000-parameter statement
    in Python). COPY skips SQLAlchemy's defaults and type processing, so both are applied here.
    SQLite's executemany is already fast."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql":
        db.session.execute(insert(table), rows)
        return
    given = set(rows[0])
    columns = [c for c in table.columns
               if c.name in given or (c.default is not None and not c.primary_key)]
    fill = {c.name: c.default for c in columns if c.name not in given}
    process = {c.name: c.type.bind_processor(dialect) for c in columns}
    names = [c.name for c in columns]
    cursor = connection.connection.driver_connection.cursor()
    quoted = ", ".join(dialect.identifier_preparer.quote(n) for n in names)
    with cursor.copy(f"COPY {dialect.identifier_preparer.format_table(table)} ({quoted}) "
                     "FROM STDIN") as copy:
        for row in rows:
            values = []
            for name in names:
                value = row[name] if name in row else _default(fill[name])
                convert = process[name]
                values.append(convert(value) if convert and value is not None else value)
            copy.write_row(values)


def _default(default):
    """A column's Python-side default (scalar, or callable such as datetime.now)."""
    if default.is_callable:
        return default.arg(None)
    if default.is_scalar:
        return default.arg
    # A SQL-expression default would silently become NULL under COPY: refuse instead.
    raise NotImplementedError(f"COPY cannot apply the SQL default {default!r}")


def _upsert_persons(items, codes) -> dict[str, int]:
    numbers = [i.id_number for i in items]
    known = {}
    for chunk in _chunks(numbers):
        known.update(db.session.execute(
            select(Person.id_number, Person.id).where(Person.id_number.in_(chunk))).all())
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
        _insert_many(Person.__table__, fresh)
        for chunk in _chunks([f["id_number"] for f in fresh]):
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
    _insert_many(ContributionBase.__table__, rows)


# ---- C3 缴费基数申报, C4 撤销工资申报, C5 补缴, C18 居民医疗停保 -------------------------------


@effect("set_bases")
def set_bases(declaration, items):
    """C3: each approved person's base of the year = declared wage clamped by the year's floor
    and cap; the base it replaces is kept in ``previous_base`` (and the wage and declaration it
    came from in the item's payload) for C4. Then the year's unpaid months are recomputed."""
    unit_id, table = declaration.unit_id, ContributionBase.__table__
    ids = base_declaration.person_ids(i.id_number for i in items)
    by_year: dict[int, dict] = {}
    for item in items:
        item.person_id = ids.get(item.id_number)
        if item.person_id is None:
            raise Invalid(f"未找到人员{item.name}（{item.id_number}）的参保信息")
        by_year.setdefault(int(item.payload["year"]), {})[item.person_id] = item
    limits = base_declaration.require_limits(by_year)
    rates = base_declaration.unit_rates(unit_id)
    for year, rows in by_year.items():
        current = {}
        for pids in base_declaration.chunked(rows):
            current.update((pid, (row_id, base, declared, declaration_id))
                           for row_id, pid, base, declared, declaration_id in db.session.execute(
                               select(table.c.id, table.c.person_id, table.c.base,
                                      table.c.declared_wage, table.c.declaration_id)
                               .where(table.c.unit_id == unit_id, table.c.year == year,
                                      table.c.person_id.in_(pids))))
        updates, inserts = [], []
        for pid, item in rows.items():
            old = current.get(pid)
            change = wage_base.change_base(item.payload["declared_wage"], *limits[year],
                                           old[1:] if old else None)
            values = dict(declared_wage=change.declared_wage, base=change.base,
                          previous_base=change.previous_base, declaration_id=declaration.id)
            if old:
                updates.append(dict(values, row_id=old[0]))
            else:
                inserts.append(dict(values, person_id=pid, unit_id=unit_id, year=year))
            item.payload = {**item.payload, "base": str(change.base), "clamped": change.clamped,
                            "previous_declared_wage": _text_or_none(change.previous_declared_wage),
                            "previous_declaration_id": change.previous_declaration_id}
            message = wage_base.result_message(change)
            item.result_message = (f"{item.result_message}；{message}" if item.result_message
                                   else message)
        if updates:
            db.session.execute(update(table).where(table.c.id == bindparam("row_id")), updates)
        if inserts:
            db.session.execute(insert(table), inserts)
        base_declaration.recompute_year(unit_id, declaration.id, year, rates)
        base_declaration.refresh_unit_totals(unit_id, month_range(year * 100 + 1, year * 100 + 12))


@effect("revoke_bases")
def revoke_bases(declaration, items):
    """C4: the named C3 undone. Every base row it wrote gets its previous base back (deleted
    when it had none), the year's unpaid months are recomputed from the base now in force, and
    the C3's timeline records the revocation (the once-per-year guard reads that event)."""
    unit_id, table = declaration.unit_id, ContributionBase.__table__
    serial_no = str((declaration.payload or {}).get("serial_no") or "")
    reason = guards.revocation_refusal(unit_id, serial_no, except_declaration=declaration.id)
    if reason:
        raise Invalid(reason)
    c3 = db.session.scalar(select(Declaration).where(Declaration.serial_no == serial_no))
    item_table = DeclarationItem.__table__
    db.session.execute(  # items of older data may lack the person: the recompute needs it
        update(item_table)
        .where(item_table.c.declaration_id == c3.id, item_table.c.person_id.is_(None))
        .values(person_id=select(Person.id).where(Person.id_number == item_table.c.id_number)
                .scalar_subquery()))
    years = sorted(db.session.scalars(
        select(table.c.year).where(table.c.declaration_id == c3.id).distinct()))
    known = [dict(pid=pid, y=int(p["year"]), wage=Decimal(str(p["previous_declared_wage"])),
                  earlier=p.get("previous_declaration_id"))
             for pid, p in db.session.execute(
                 select(DeclarationItem.person_id, DeclarationItem.payload)
                 .where(DeclarationItem.declaration_id == c3.id,
                        DeclarationItem.status == "approved"))
             if pid is not None and (p or {}).get("previous_declared_wage") is not None
             and p.get("year") is not None]
    restorable = [table.c.unit_id == unit_id, table.c.declaration_id == c3.id,
                  table.c.previous_base.is_not(None)]
    restored = db.session.scalar(select(func.count()).select_from(table).where(*restorable))
    if known:
        db.session.execute(
            update(table).where(table.c.person_id == bindparam("pid"),
                                table.c.year == bindparam("y"), *restorable)
            .values(base=table.c.previous_base, declared_wage=bindparam("wage"),
                    declaration_id=bindparam("earlier"), previous_base=None), known)
    # Rows written before the previous wage was kept: the previous base is all there is.
    db.session.execute(
        update(table).where(*restorable)
        .values(base=table.c.previous_base, declared_wage=table.c.previous_base,
                declaration_id=None, previous_base=None))
    deleted = db.session.execute(
        delete(table).where(table.c.unit_id == unit_id, table.c.declaration_id == c3.id)
    ).rowcount
    rates = base_declaration.unit_rates(unit_id)
    for year in years:
        base_declaration.recompute_year(unit_id, c3.id, year, rates)
        base_declaration.refresh_unit_totals(unit_id, month_range(year * 100 + 1, year * 100 + 12))
    base_declaration.record_event(c3.id, c3.status, base_declaration.REVOKED,
                                  wage_base.revoked_message(declaration.serial_no))
    declaration.payload = {**(declaration.payload or {}), "revoked_declaration_id": c3.id,
                           "years": years, "restored": restored, "deleted": deleted}


@effect("back_pay")
def back_pay(declaration, items):
    """C5: one ledger row per month and 险种 marked 补缴, with that month's rates, the base
    clamped by the month's year and the late fee up to today; a month already in the ledger
    unpaid is updated to the back-pay amounts. The guard is checked again: a month may have
    been paid since the row was submitted."""
    unit_id, today, table = declaration.unit_id, date.today(), Contribution.__table__
    refusals = guards.back_pay_months(unit_id, [i.payload for i in items], today,
                                      declaration.id)
    if refusals:
        index, (_field, reason) = min(refusals.items())
        raise Invalid(f"{items[index].name}（{items[index].id_number}）：{reason}")
    ids = base_declaration.person_ids(i.id_number for i in items)
    rows = []
    for item in items:
        p = item.payload
        item.person_id = ids[item.id_number]
        rows.append((item, back_payment.months_of(int(p["start_month"]), int(p["end_month"])),
                     p["insurances"].split(",")))
    limits = base_declaration.require_limits({m // 100 for _, months, _ in rows for m in months})
    rates = base_declaration.unit_rates(unit_id)
    first, last = min(r[1][0] for r in rows), max(r[1][-1] for r in rows)
    existing = {}
    for pids in base_declaration.chunked(ids.values()):
        found = db.session.execute(
            select(table.c.id, table.c.person_id, table.c.insurance_id, table.c.month)
            .where(table.c.unit_id == unit_id, table.c.person_id.in_(pids),
                   table.c.paid.is_(False), table.c.month.between(first, last)))
        existing.update(((pid, ins, month), row_id) for row_id, pid, ins, month in found)
    updates, inserts, touched = [], [], set()
    for item, months, codes in rows:
        lines = back_payment.lines(months, codes, item.payload["base"], limits, rates.at, today)
        for line in lines:
            values = dict(base=line.base, unit_amount=line.unit_amount,
                          personal_amount=line.personal_amount, late_fee=line.late_fee,
                          back_payment=True, declaration_id=declaration.id)
            key = (item.person_id, rates.ids[line.code], line.month)
            if key in existing:
                updates.append(dict(values, row_id=existing[key]))
            else:
                inserts.append(dict(values, person_id=key[0], unit_id=unit_id,
                                    insurance_id=key[1], month=line.month, paid=False))
            touched.add(line.month)
        due = sum((line.unit_amount + line.personal_amount for line in lines), Decimal("0.00"))
        fee = sum((line.late_fee for line in lines), Decimal("0.00"))
        message = (f"补缴{len(months)}个月，应缴{due}元，滞纳金{fee}元（计至{today:%Y-%m-%d}，"
                   "按实际缴费日重算）")
        item.result_message = (f"{item.result_message}；{message}" if item.result_message
                               else message)
    if updates:
        db.session.execute(update(table).where(table.c.id == bindparam("row_id")), updates)
    if inserts:
        db.session.execute(insert(table), inserts)
    base_declaration.refresh_unit_totals(unit_id, touched)


@effect("stop_resident_medical")
def stop_resident_medical(declaration, items):
    """C18: 城乡居民医保 has no table here (it is not an employer's enrollment), so the approval
    records the stop: each item keeps its person, stop month and reason, and the declaration's
    timeline says how many were stopped. Nothing else changes."""
    ids = base_declaration.person_ids(i.id_number for i in items)
    for item in items:
        item.person_id = ids.get(item.id_number)
        month = int(item.payload["stop_month"])
        reason = RESIDENT_STOP_REASONS.get(item.payload.get("reason"), item.payload.get("reason"))
        message = f"已登记居民医疗保险自{month // 100}年{month % 100}月停保（{reason}）"
        item.result_message = (f"{item.result_message}；{message}" if item.result_message
                               else message)
    base_declaration.record_event(declaration.id, declaration.status, "resident_stop",
                                  f"居民医疗停保已登记{len(items)}人")


def _text_or_none(value):
    return None if value is None else str(value)
