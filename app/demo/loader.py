"""``load_demo()``: the whole demo city in one transaction, idempotent, refused in production."""
import random
from datetime import date, datetime, time
from time import perf_counter

from flask import current_app
from sqlalchemy import func, select, text

from app.demo import accounts, billing, declarations, ledger
from app.demo import codes as code_tables
from app.demo.bulk import (
    bulk_insert,
    foreign_keys_checked_at_end,
    is_sqlite,
    next_id,
    sqlite_tuned,
)
from app.demo.people import People
from app.demo.staff import Staffing, Window
from app.demo.units import FIXED_UNIT_NOS, MARKER_UNIT, plan_units, unit_row
from app.extensions import db
from app.roles import sync_roles
from models.contribution import Contribution, UnitContribution
from models.declaration import Declaration
from models.person import ContributionBase, Enrollment, Person
from models.reference import BankBranch, Industry
from models.unit import Unit

DEFAULT_PERSONS = 2000  # `make run`: a few seconds
SEED = 20260101  # the same city every time
# Tables that get millions of rows: on PostgreSQL their foreign keys are checked once at the end.
BULK_TABLES = ("person", "contribution_base", "retirement_record", "enrollment", "contribution",
               "unit_contribution")


class DemoError(RuntimeError):
    """The demo data cannot be loaded here (production, or a database holding other data)."""


def load_demo(persons: int = DEFAULT_PERSONS, today: date | None = None) -> dict:
    """Fill an empty database with the demo city; a summary of what was added (or that nothing was).

    Runs inside an app context. ``persons`` scales the people: 10 % go to 37010000004, the rest
    beyond the three fixed units to generated units.
    """
    if current_app.config.get("APP_ENV") == "production":
        raise DemoError("APP_ENV=production：生产环境不允许装入演示数据")
    if persons < 0:
        raise DemoError(f"人数不能为负数：{persons}")
    started = perf_counter()
    sync_roles(current_app.appbuilder)
    session = db.session
    if session.scalar(select(Unit.id).where(Unit.unit_no == MARKER_UNIT)) is not None:
        return {"loaded": False, "message": f"演示数据已存在（单位{MARKER_UNIT}），未做任何更改",
                "counts": row_counts(session)}
    if session.scalar(select(func.count()).select_from(Unit)) or session.scalar(
            select(func.count()).select_from(Person)):
        raise DemoError("数据库中已有单位或人员数据：演示数据只能装入空库")
    conn = session.connection()
    with sqlite_tuned(conn.connection.dbapi_connection if is_sqlite(conn) else None):
        try:
            summary = _load(session, conn, persons, today or date.today())
            session.commit()
        except BaseException:
            session.rollback()
            raise
    _refresh_statistics(session)
    summary["seconds"] = round(perf_counter() - started, 1)
    return summary


def _refresh_statistics(session) -> None:
    """PostgreSQL plans from table statistics, which a bulk load leaves empty until autovacuum
    gets to it: the 姓名 search took 0.8–2 s at 200,000 persons without them, milliseconds
    with them. SQLite plans from its indexes alone."""
    conn = session.connection()
    if not is_sqlite(conn):
        conn.execute(text("ANALYZE"))
        session.commit()


def _load(session, conn, persons: int, today: date) -> dict:
    window = Window.of(today)
    rng = random.Random(SEED)
    people = People(rng, today)
    now = datetime.combine(today, time(8, 30))
    timings, counts = {}, {}
    clock = perf_counter()

    def lap(name):
        nonlocal clock
        timings[name] = round(perf_counter() - clock, 2)
        clock = perf_counter()

    codes, added = code_tables.load_codes(conn, today)
    counts.update({k: v for k, v in added.items() if v})
    lap("code_tables")

    plans = plan_units(persons, rng)
    industry = codes.ids[Industry.__name__]
    banks = sorted(codes.ids[BankBranch.__name__].values())
    first_unit = next_id(conn, Unit.__table__)
    counts["unit"] = bulk_insert(conn, Unit.__table__, [
        unit_row(plan, n, people, industry[plan.industry], banks, now)
        for n, plan in enumerate(plans, 1)
    ])
    unit_ids = dict(conn.execute(select(Unit.unit_no, Unit.id).where(Unit.id >= first_unit)).all())
    units = [(unit_ids[p.unit_no], p, _unit_start(p, rng)) for p in plans]
    insurance_ids = ledger.insurance_ids(conn)
    counts["unit_insurance"] = ledger.insert_unit_insurances(conn, units, insurance_ids, now)
    risk_of = {uid: codes.risk_class[industry[p.industry]] for uid, p, _ in units}
    ledger.create_temp_tables(conn)
    ledger.insert_unit_rates(conn, units, insurance_ids, risk_of)
    ledger.insert_months(conn, window)
    lap("units")

    with foreign_keys_checked_at_end(conn, BULK_TABLES):
        staffing = Staffing(conn, codes, window, people)
        for unit_id, plan, start in units:
            staffing.add_unit(plan, unit_id, start, keep=plan.account)
        counts.update(staffing.finish())
        lap("persons")
        counts["enrollment"], after_enrollment = ledger.insert_enrollments(conn)
        lap("enrollments")
        counts["contribution"] = ledger.insert_contributions(
            conn, window, after_enrollment, insurance_ids["510"])
        lap("contributions")
        counts["unit_contribution"] = ledger.insert_unit_contributions(conn)
        lap("unit_contributions")
    lap("foreign_keys")

    users, kept = accounts.create_accounts(
        current_app.appbuilder.sm,
        {p.unit_no: (uid, unit_contact(conn, uid)) for uid, p, _ in units if p.account}, now)
    bills = billing.create_bills(conn, unit_ids[MARKER_UNIT], insurance_ids, window)
    counts["bill"] = len(bills)
    counts["declaration"] = declarations.build_declarations(
        session, window, people, users, unit_ids, staffing.members, codes.limits)
    counts["notice"] = billing.create_notices(conn, users["admin"].id, window)
    ledger.drop_temp_tables(conn)
    lap("accounts_bills_declarations")
    return {
        "loaded": True,
        "message": f"演示数据已装入：{counts['person']:,}人，{counts['unit']:,}个单位",
        "persons_requested": persons,
        "today": today.isoformat(),
        "months": f"{window.first}-{window.last}",
        "counts": counts,
        "accounts": [u for u in users if u not in kept],
        "accounts_kept": kept,
        "bills": {k: f"{v['month']} {v['amount']}" for k, v in bills.items()},
        "timings": timings,
    }


def _unit_start(plan, rng: random.Random) -> int:
    """The month the unit first registered (its people cannot have joined before)."""
    if plan.unit_no in FIXED_UNIT_NOS:
        return 200801
    return rng.randint(1995, 2018) * 100 + rng.randint(1, 12)


def unit_contact(conn, unit_id: int) -> str:
    return conn.execute(select(Unit.contact_name).where(Unit.id == unit_id)).scalar()


def row_counts(session) -> dict:
    tables = (Unit, Person, Enrollment, ContributionBase, Contribution, UnitContribution,
              Declaration)
    return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in tables}

