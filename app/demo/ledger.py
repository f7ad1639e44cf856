"""Enrollments, the monthly ledger and the unit totals, derived set-based with INSERT … SELECT.

Amounts are exact half-up on both SQLite and PostgreSQL because they are computed in integers:
base in fen × rate scaled by 10^8, plus half the scale, integer-divided by the scale, gives the
amount in fen rounded half-up (RULES.md §4); only then is it divided by 100.
"""
from datetime import datetime, time
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    Table,
    select,
    text,
)

from app.demo.bulk import bulk_insert, indexes_built_at_end, is_sqlite
from app.demo.staff import STAFF, Window
from models.columns import Money
from models.contribution import Contribution, Rate
from models.reference import Insurance
from models.unit import UnitInsurance
from rules import rates
from rules.months import add_months, month_range, month_start

SCALE = 10**8  # rates as integers: every Numeric(9, 6) rate × an integer float % is exact here
INJURY_FLOAT_PCT = 100  # UnitInsurance.injury_float_pct of every demo unit

_meta = MetaData()
MONTHS = Table(
    "demo_month", _meta,
    Column("month", Integer, primary_key=True),
    Column("year", Integer, nullable=False),
    Column("paid", Boolean, nullable=False),
    Column("paid_at", DateTime),
    prefixes=["TEMPORARY"],
)
UNIT_RATES = Table(
    "demo_unit_rate", _meta,
    Column("unit_id", Integer, primary_key=True),
    Column("insurance_id", Integer, primary_key=True),
    Column("start_month", Integer, primary_key=True),
    Column("end_month", Integer),
    Column("unit_e8", BigInteger, nullable=False),
    Column("personal_e8", BigInteger, nullable=False),
    prefixes=["TEMPORARY"],
)
YEARS = Table(
    "demo_year", _meta,
    Column("year", Integer, primary_key=True),
    Column("first_month", Integer, nullable=False),
    Column("last_month", Integer, nullable=False),
    prefixes=["TEMPORARY"],
)
SEGMENTS = Table(
    "demo_segment", _meta,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("insurance_id", Integer, nullable=False),
    Column("first_month", Integer, nullable=False),
    Column("last_month", Integer, nullable=False),
    Column("base", Money, nullable=False),
    Column("unit_amount", Money, nullable=False),
    Column("personal_amount", Money, nullable=False),
    Column("base_fen", BigInteger, nullable=False),
    Column("unit_fen", BigInteger, nullable=False),
    Column("personal_fen", BigInteger, nullable=False),
    prefixes=["TEMPORARY"],
)
TEMP_TABLES = (STAFF, MONTHS, YEARS, UNIT_RATES, SEGMENTS)

ENROLLMENTS_SQL = """
INSERT INTO enrollment (person_id, unit_id, insurance_id, category, status, start_month, end_month,
                        add_reason_id, reduce_reason_id, employment_form_id, person_category_id)
SELECT s.person_id, s.unit_id, i.id, s.category, s.status, s.start_month, s.end_month,
       s.add_reason_id, s.reduce_reason_id, s.employment_form_id, s.person_category_id
FROM demo_staff s CROSS JOIN insurance i
WHERE i.code IN ('110', '210', '310', '410', '510') AND (s.category = 'active' OR i.code = '310')
ORDER BY s.person_id, i.sort
"""

# One segment per active enrollment, year and rate period: the months it pays with one base and
# one rate, and the amounts of one such month. Amounts are computed here once per segment, not
# once per month. (生育 510 is collected with 医疗 and has no ledger rows.)
SEGMENTS_SQL = """
INSERT INTO demo_segment (person_id, unit_id, insurance_id, first_month, last_month, base,
                          unit_amount, personal_amount, base_fen, unit_fen, personal_fen)
SELECT person_id, unit_id, insurance_id, first_month, last_month, base,
       ((base_fen * unit_e8 + :half) / :scale) / 100.0,
       ((base_fen * personal_e8 + :half) / :scale) / 100.0,
       base_fen, (base_fen * unit_e8 + :half) / :scale, (base_fen * personal_e8 + :half) / :scale
FROM (
    SELECT e.id AS enrollment_id, e.person_id, e.unit_id, e.insurance_id, b.base,
           CAST(ROUND(b.base * 100) AS BIGINT) AS base_fen, r.unit_e8, r.personal_e8,
           r.start_month AS rate_start,
           {greatest}(e.start_month, y.first_month, r.start_month) AS first_month,
           {least}(COALESCE(e.end_month, 999912), y.last_month, COALESCE(r.end_month, 999912),
                   CASE WHEN e.status = 'suspended' THEN :suspended_last ELSE 999912 END)
               AS last_month
    FROM enrollment e
    CROSS JOIN demo_year y
    JOIN contribution_base b
      ON b.person_id = e.person_id AND b.unit_id = e.unit_id AND b.year = y.year
    JOIN demo_unit_rate r
      ON r.unit_id = e.unit_id AND r.insurance_id = e.insurance_id
     AND r.start_month <= y.last_month AND (r.end_month IS NULL OR r.end_month >= y.first_month)
    WHERE e.id > :after AND e.category = 'active' AND e.insurance_id <> :maternity
) s
WHERE first_month <= last_month
ORDER BY enrollment_id, first_month
"""

# The ledger: every segment crossed with its months. On SQLite the CROSS JOIN fixes the join order
# (segments outside, months inside), so rows arrive in the order of the (person, unit, 险种, month)
# unique index and append to it.
CONTRIBUTIONS_SQL = """
INSERT INTO contribution (person_id, unit_id, insurance_id, month, base, unit_amount,
                          personal_amount, back_payment, late_fee, paid, paid_at)
SELECT s.person_id, s.unit_id, s.insurance_id, m.month, s.base, s.unit_amount, s.personal_amount,
       FALSE, 0, m.paid, m.paid_at
FROM demo_segment s CROSS JOIN demo_month m
WHERE m.month BETWEEN s.first_month AND s.last_month
"""

# Unit totals per 险种 and month: segments with the same months are summed first (in fen, exact),
# then spread over their months, so the 19M ledger rows need not be read back and sorted.
UNIT_CONTRIBUTIONS_SQL = """
INSERT INTO unit_contribution (unit_id, insurance_id, month, persons, base_total, unit_amount,
                               personal_amount, late_fee, total, paid_amount, status)
SELECT g.unit_id, g.insurance_id, m.month, SUM(g.persons), SUM(g.base_fen) / 100.0,
       SUM(g.unit_fen) / 100.0, SUM(g.personal_fen) / 100.0, 0,
       (SUM(g.unit_fen) + SUM(g.personal_fen)) / 100.0,
       CASE WHEN m.paid THEN (SUM(g.unit_fen) + SUM(g.personal_fen)) / 100.0 ELSE 0 END,
       CASE WHEN m.paid THEN 'paid' ELSE 'unpaid' END
FROM (
    SELECT unit_id, insurance_id, first_month, last_month, COUNT(*) AS persons,
           SUM(base_fen) AS base_fen, SUM(unit_fen) AS unit_fen, SUM(personal_fen) AS personal_fen
    FROM demo_segment
    GROUP BY unit_id, insurance_id, first_month, last_month
) g
JOIN demo_month m ON m.month BETWEEN g.first_month AND g.last_month
GROUP BY g.unit_id, g.insurance_id, m.month, m.paid
"""


def create_temp_tables(conn: Connection) -> None:
    for table in TEMP_TABLES:
        table.create(conn, checkfirst=False)


def drop_temp_tables(conn: Connection) -> None:
    for table in reversed(TEMP_TABLES):
        table.drop(conn, checkfirst=False)


def insert_unit_insurances(conn: Connection, units: list, insurance_ids: dict, now) -> int:
    """Every unit is registered for all five 险种; units with an account have them linked."""
    rows = []
    for unit_id, plan, start in units:
        for code, insurance_id in insurance_ids.items():
            rows.append({
                "unit_id": unit_id, "insurance_id": insurance_id,
                "business_no": f"{plan.unit_no}{code}", "start_month": start,
                "status": "normal", "injury_float_pct": INJURY_FLOAT_PCT,
                "linked": plan.account, "linked_at": now if plan.account else None,
            })
    return bulk_insert(conn, UnitInsurance.__table__, rows)


def insert_unit_rates(conn: Connection, units: list, insurance_ids: dict, risk_of: dict) -> int:
    """Each unit's rate per 险种 and period, from the rate table (工伤 by risk class and float)."""
    table = Rate.__table__
    rate_rows = conn.execute(select(
        table.c.insurance_id, table.c.risk_class, table.c.unit_rate, table.c.personal_rate,
        table.c.start_month, table.c.end_month,
    )).all()
    injury = insurance_ids[rates.INJURY]
    rows = []
    for unit_id, _plan, _start in units:
        for ins_id, risk, unit_rate, personal_rate, start, end in rate_rows:
            if ins_id == injury:
                if risk != risk_of[unit_id]:
                    continue
                unit_rate = unit_rate * INJURY_FLOAT_PCT / 100
            rows.append({"unit_id": unit_id, "insurance_id": ins_id, "start_month": start,
                         "end_month": end, "unit_e8": _scaled(unit_rate),
                         "personal_e8": _scaled(personal_rate)})
    return bulk_insert(conn, UNIT_RATES, rows)


def _scaled(rate: Decimal) -> int:
    scaled = Decimal(rate) * SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"费率精度超出整数运算范围：{rate}")
    return int(scaled)


def insert_months(conn: Connection, window: Window) -> None:
    """The window's months (paid or not) and years (the months of each inside the window)."""
    rows, years = [], {}
    for month in month_range(window.first, window.last):
        paid = month <= window.paid_through
        paid_day = month_start(add_months(month, 1)).replace(day=10)
        rows.append({"month": month, "year": month // 100, "paid": paid,
                     "paid_at": datetime.combine(paid_day, time(9, 30)) if paid else None})
        first, _ = years.get(month // 100, (month, month))
        years[month // 100] = (first, month)
    bulk_insert(conn, MONTHS, rows)
    bulk_insert(conn, YEARS, [{"year": y, "first_month": f, "last_month": la}
                              for y, (f, la) in years.items()])


def insert_enrollments(conn: Connection) -> tuple[int, int]:
    """(rows, id after which they start)."""
    after = _max_id(conn, "enrollment")
    return conn.execute(text(ENROLLMENTS_SQL)).rowcount, after


def insert_contributions(conn: Connection, window: Window, after_enrollment: int,
                         maternity_id: int) -> int:
    """The ledger of every active enrollment and month."""
    if is_sqlite(conn):
        functions = {"greatest": "MAX", "least": "MIN"}
        order = " ORDER BY s.id, m.month"
    else:
        functions = {"greatest": "GREATEST", "least": "LEAST"}
        order = ""
    analyze(conn, "enrollment", "contribution_base", "demo_year", "demo_month", "demo_unit_rate")
    conn.execute(text(SEGMENTS_SQL.format(**functions)), {
        "half": SCALE // 2, "scale": SCALE, "after": after_enrollment,
        "suspended_last": add_months(window.suspended_from, -1), "maternity": maternity_id,
    })
    analyze(conn, "demo_segment")
    # Measured on SQLite at 17M rows: keeping the secondary indexes during the insert (33 s) beats
    # dropping them and building them afterwards (16 s + 25 s).
    with indexes_built_at_end(conn, Contribution.__table__):
        return conn.execute(text(CONTRIBUTIONS_SQL + order)).rowcount


def insert_unit_contributions(conn: Connection) -> int:
    return conn.execute(text(UNIT_CONTRIBUTIONS_SQL)).rowcount


def analyze(conn: Connection, *tables: str) -> None:
    """PostgreSQL plans the big joins from statistics, which fresh and temporary tables lack."""
    if conn.dialect.name == "postgresql":
        for table in tables:
            conn.exec_driver_sql(f"ANALYZE {table}")


def _max_id(conn: Connection, table: str) -> int:
    return conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar()


def insurance_ids(conn: Connection) -> dict:
    table = Insurance.__table__
    return dict(conn.execute(select(table.c.code, table.c.id).where(
        table.c.code.in_(list(rates.INSURANCE_TYPES))).order_by(table.c.sort)).all())
