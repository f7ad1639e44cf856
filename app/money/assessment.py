"""The monthly assessment (D2 月度核定): what every enrolled person owes for a month, written into
the Contribution ledger and the unit totals, for one unit or the whole city.

Set-based: per 险种 one DELETE (rows of people no longer assessed) and one INSERT … SELECT …
ON CONFLICT DO UPDATE (new rows inserted, changed unpaid rows updated; a plain
INSERT … SELECT on a month that has no rows yet), whatever the number of people.
Re-runnable: a second run finds nothing to change. A paid row, a row on a bill (``bill_id``
set) and a 补缴 row (its C5/C1 declared the base) are never rewritten nor removed:
a parameter change never rewrites billed months.

The base of a month is the person's base of that month's year in this unit, else the latest
earlier one (rules.wage_base.base_in_force). The rates are those in force that month
(rules.rates; 工伤 by the unit's industry risk class and its 浮动费率). Amounts are exact
half-up to the fen on SQLite and PostgreSQL alike because they are integers, as in
app/declarations/base_declaration.py: base in fen × rate × 10^8, plus half of 10^8,
integer-divided by 10^8 (RULES.md §4).
"""
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select, text

from app.declarations.base_declaration import SCALE, refresh_unit_totals, scaled
from app.errors import Invalid
from app.extensions import db
from models.contribution import Rate
from models.reference import Insurance
from models.unit import Unit
from rules import rates as rate_rules
from rules.errors import InvalidMonth
from rules.months import month_label, to_month, validate_month

# 生育 (510) is collected with 医疗 (310): it has no ledger rows (app/demo/ledger.py neither).
SQLITE_CACHE_MB = 512
POSTGRESQL_WORK_MEM_MB = 128
ASSESSED = (rate_rules.PENSION, rate_rules.UNEMPLOYMENT, rate_rules.MEDICAL, rate_rules.INJURY)

# Who is assessed for :month in a 险种: active (在职) enrollments open that month, not suspended,
# with a base of that year or an earlier one. The exact year is a join; the correlated fallback
# runs only for people without a base of the year (COALESCE stops at its first value).
SOURCE_SQL = """
SELECT e.person_id, e.unit_id, e.insurance_id,
       COALESCE(b.base, (SELECT b2.base FROM contribution_base b2
                         WHERE b2.person_id = e.person_id AND b2.unit_id = e.unit_id
                           AND b2.year < :year
                         ORDER BY b2.year DESC LIMIT 1)) AS base,
       {unit_e8} AS unit_e8,
       CAST(:personal_e8 AS BIGINT) AS personal_e8
FROM enrollment e
{injury_join}
LEFT JOIN contribution_base b
  ON b.person_id = e.person_id AND b.unit_id = e.unit_id AND b.year = :year
WHERE e.insurance_id = :insurance AND e.category = 'active' AND e.status <> 'suspended'
  AND e.start_month <= :month AND (e.end_month IS NULL OR e.end_month >= :month) {unit_clause}
"""
# 工伤: the class rate of the unit's industry (class 1 when it has none, as
# base_declaration.unit_rates does) floated by the unit's percentage. Rates have six places,
# so class rate × 10^8 is a multiple of 100 and × float % / 100 stays an exact integer.
INJURY_JOIN = """JOIN unit u ON u.id = e.unit_id
LEFT JOIN industry ind ON ind.id = u.industry_id
LEFT JOIN unit_insurance ui ON ui.unit_id = e.unit_id AND ui.insurance_id = e.insurance_id"""

UPSERT_SQL = """
INSERT INTO contribution (person_id, unit_id, insurance_id, month, base, unit_amount,
                          personal_amount, back_payment, late_fee, paid)
SELECT person_id, unit_id, insurance_id, :month, base,
       ((base_fen * unit_e8 + :half) / :scale) / 100.0,
       ((base_fen * personal_e8 + :half) / :scale) / 100.0,
       FALSE, 0, FALSE
FROM (SELECT s.*, CAST(ROUND(s.base * 100) AS BIGINT) AS base_fen FROM ({source}) s) a
WHERE base IS NOT NULL AND unit_e8 IS NOT NULL
{order}
{on_conflict}
"""
# On PostgreSQL rows are written in the order of the ledger's unique key (person, unit, 险种,
# month): its b-tree is then filled leaf after leaf, 1–1.5 s less at 1,000,000 persons than
# unsorted. On SQLite the sort cost more than it saved (9.8 s unsorted, 12.3 s sorted).
SORTED = "ORDER BY person_id, unit_id"
# A month of this 险种 (and unit) that already has rows: new ones inserted, unpaid unbilled
# regular ones updated where they differ. On a month with none yet the plain INSERT is used:
# a second run at the same moment then fails on the unique key instead of adding a row.
ON_CONFLICT = """ON CONFLICT (person_id, unit_id, insurance_id, month) DO UPDATE
SET base = excluded.base, unit_amount = excluded.unit_amount,
    personal_amount = excluded.personal_amount
WHERE contribution.paid = FALSE AND contribution.bill_id IS NULL
  AND contribution.back_payment = FALSE
  AND (contribution.base <> excluded.base OR contribution.unit_amount <> excluded.unit_amount
       OR contribution.personal_amount <> excluded.personal_amount)
"""

# Unpaid, unbilled regular rows of the month whose person is no longer assessed (left the
# unit, 险种 ended, suspended, no base): removed before the upsert writes what is due.
DELETE_SQL = """
DELETE FROM contribution
WHERE contribution.insurance_id = :insurance AND contribution.month = :month {unit_clause}
  AND contribution.paid = FALSE AND contribution.bill_id IS NULL
  AND contribution.back_payment = FALSE
  AND NOT EXISTS (
      SELECT 1 FROM enrollment e
      WHERE e.person_id = contribution.person_id AND e.unit_id = contribution.unit_id
        AND e.insurance_id = contribution.insurance_id AND e.category = 'active'
        AND e.status <> 'suspended' AND e.start_month <= :month
        AND (e.end_month IS NULL OR e.end_month >= :month)
        AND EXISTS (SELECT 1 FROM contribution_base b
                    WHERE b.person_id = e.person_id AND b.unit_id = e.unit_id
                      AND b.year <= :year))
"""

COUNT_SQL = """
SELECT COUNT(*) FROM contribution
WHERE month = :month AND insurance_id = :insurance {unit_clause}
"""


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0


@dataclass
class Outcome:
    month: int
    unit_no: str | None
    counts: dict[str, Counts] = field(default_factory=dict)  # 险种 code → what changed

    def as_dict(self) -> dict:
        return {"month": self.month, "unit_no": self.unit_no,
                "counts": {code: vars(c) for code, c in self.counts.items()}}


def parse_month(value, today: date | None = None) -> int:
    """A month typed as 2026-01, 202601 or 2026/1, refused when it does not parse or lies after
    this month (nothing is due for it yet)."""
    text_value = str(value if value is not None else "").strip().replace("/", "-")
    try:
        if "-" in text_value:
            year, month = text_value.split("-", 1)
            number = int(year) * 100 + int(month)
            if not (len(year) == 4 and month.isdigit() and 1 <= len(month) <= 2):
                raise ValueError
        else:
            if not (text_value.isdigit() and len(text_value) == 6):
                raise ValueError
            number = int(text_value)
        validate_month(number)
    except (ValueError, InvalidMonth):
        raise Invalid("核定年月无效，应为YYYY-MM，如2026-01") from None
    if number > to_month(today or date.today()):
        raise Invalid("不能核定本月以后的月份")
    return number


def unit_of(unit_no: str | None) -> Unit | None:
    """The unit a run is limited to, by its 单位编号; None for the whole city."""
    unit_no = (unit_no or "").strip()
    if not unit_no:
        return None
    unit = db.session.scalar(select(Unit).where(Unit.unit_no == unit_no))
    if unit is None:
        shown = unit_no[:20]
        raise Invalid(f"单位编号{shown}不存在")
    return unit


@dataclass(frozen=True)
class MonthRates:
    """The rates of one 险种 in force in a month, scaled by 10^8: (unit, personal), and for
    工伤 the unit rate per industry risk class."""

    insurance_id: int
    unit_e8: int | None
    personal_e8: int
    by_class: dict[int, int]


def month_rates(code: str, month: int) -> MonthRates:
    """Where periods overlap, the one that started last is in force (as UnitRates.at)."""
    insurance_id = db.session.scalar(select(Insurance.id).where(Insurance.code == code))
    if insurance_id is None:
        raise Invalid(f"险种{code}未设置")
    rows = db.session.execute(
        select(Rate.risk_class, Rate.unit_rate, Rate.personal_rate)
        .where(Rate.insurance_id == insurance_id, Rate.start_month <= month,
               or_(Rate.end_month.is_(None), Rate.end_month >= month))
        .order_by(Rate.start_month)).all()
    plain, by_class = None, {}
    for risk_class, unit_rate, personal_rate in rows:
        if risk_class is None:
            plain = (scaled(unit_rate), scaled(personal_rate))
        else:
            by_class[risk_class] = scaled(unit_rate)
    name, label = rate_rules.INSURANCE_TYPES[code], month_label(month)
    if code == rate_rules.INJURY:
        if not by_class:
            raise Invalid(f"{label}无{name}费率，不能核定")
        return MonthRates(insurance_id, None, 0, by_class)
    if plain is None:
        raise Invalid(f"{label}无{name}费率，不能核定")
    return MonthRates(insurance_id, plain[0], plain[1], {})


def rates_of(month: int) -> dict[str, MonthRates]:
    """The rates of every assessed 险种 in force in ``month``; Invalid names the first missing."""
    return {code: month_rates(code, month) for code in ASSESSED}


def assess(month: int, unit_id: int | None = None,
           step: Callable[[str, Counts], None] | None = None) -> Outcome:
    """Assess ``month`` for one unit (``unit_id``) or the whole city (None): per 险种 in
    ASSESSED, stale rows deleted and the due rows upserted, then the unit totals of the month
    rebuilt. ``step(code, counts)`` is called after each 险种 (the job commits there and
    reports progress). Every rate is looked up first, so a missing rate changes nothing."""
    validate_month(month)
    all_rates = rates_of(month)
    unit_no = db.session.scalar(select(Unit.unit_no).where(Unit.id == unit_id)) \
        if unit_id is not None else None
    outcome = Outcome(month, unit_no)
    for code in ASSESSED:
        outcome.counts[code] = counts = assess_insurance(month, all_rates[code], unit_id)
        if step is not None:
            step(code, counts)
    refresh_totals(month, unit_id)
    return outcome


def assess_insurance(month: int, rates: MonthRates, unit_id: int | None) -> Counts:
    """One 险种 of the month: the DELETE and the upsert, and what each changed."""
    db.session.flush()
    unit_clause = "AND {t}.unit_id = :unit" if unit_id is not None else ""
    params = {"month": month, "year": month // 100, "insurance": rates.insurance_id,
              "unit": unit_id, "personal_e8": rates.personal_e8, "half": SCALE // 2,
              "scale": SCALE}
    if rates.by_class:
        cases = " ".join(f"WHEN {int(k)} THEN {int(v)}" for k, v in sorted(rates.by_class.items()))
        unit_e8 = (f"(CAST(CASE COALESCE(ind.risk_class, 1) {cases} END AS BIGINT)"
                   " * COALESCE(ui.injury_float_pct, 100) / 100)")
        injury_join = INJURY_JOIN
    else:
        unit_e8, injury_join = "CAST(:unit_e8 AS BIGINT)", ""
        params["unit_e8"] = rates.unit_e8
    counts, source = Counts(), SOURCE_SQL.format(unit_e8=unit_e8, injury_join=injury_join,
                                                 unit_clause=unit_clause.format(t="e"))
    with _page_cache():
        counts.deleted = db.session.execute(
            text(DELETE_SQL.format(unit_clause=unit_clause.format(t="contribution"))),
            params).rowcount
        before = _count(month, rates.insurance_id, unit_id)
        order = SORTED if db.session.get_bind().dialect.name == "postgresql" else ""
        upsert = UPSERT_SQL.format(source=source, order=order,
                                   on_conflict=ON_CONFLICT if before else "")
        written = db.session.execute(text(upsert), params).rowcount
        # A month without rows got a plain INSERT: everything written is new.
        counts.inserted = (_count(month, rates.insurance_id, unit_id) - before) if before \
            else written
    counts.updated = written - counts.inserted
    return counts


@contextmanager
def _page_cache():
    """On PostgreSQL, work_mem for the statements (SET LOCAL: until the commit). On SQLite, a
    page cache that holds the ledger's indexes while a 险种 is written into them (the default
    2 MB made the second and third 险种, whose keys fall between the first one's, twice as
    slow as appending at 1,000,000 persons); restored afterwards."""
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        # Memory for the joins and the sort of a whole city's month (the 4 MB default spilled
        # them to disk), for this transaction only.
        conn.exec_driver_sql(f"SET LOCAL work_mem = '{POSTGRESQL_WORK_MEM_MB}MB'")
        yield
        return
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.dbapi_connection
    saved = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_MB * 1024}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size={int(saved)}")


def _count(month: int, insurance_id: int, unit_id: int | None) -> int:
    clause = "AND unit_id = :unit" if unit_id is not None else ""
    return db.session.execute(text(COUNT_SQL.format(unit_clause=clause)), {
        "month": month, "insurance": insurance_id, "unit": unit_id}).scalar()


def refresh_totals(month: int, unit_id: int | None) -> None:
    """The month's UnitContribution rows of the unit, or of every unit, from the ledger."""
    refresh_unit_totals(unit_id, [month])
