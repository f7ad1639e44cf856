"""Database helpers of the base and back-payment businesses (C3 缴费基数申报, C4 撤销工资申报,
C5 补缴, C18 居民医疗停保): the unit's rates by month, the year limits, and the set-based
recomputation of the ledger and the unit totals after bases change.

Amounts in SQL are exact half-up on SQLite and PostgreSQL alike because they are integers, as in
the demo ledger (app/demo/ledger.py): base in fen × rate scaled by 10^8, plus half the scale,
integer-divided by the scale, is the amount in fen rounded half-up (RULES.md §4).
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.orm import aliased

from app import audit
from app.errors import Invalid
from app.extensions import db
from models.contribution import Rate, YearParameter
from models.declaration import DeclarationEvent
from models.person import ContributionBase, Enrollment, Person
from models.reference import Insurance
from models.unit import Unit, UnitInsurance
from rules.money import to_decimal
from rules.months import month_range

SCALE = 10**8
CHUNK = 5000  # values per IN list: SQLite binds at most 32766 parameters, PostgreSQL 65535
REVOKED = "revoked"  # DeclarationEvent.action on a C3 revoked by an approved C4


@dataclass(frozen=True)
class RatePeriod:
    code: str
    insurance_id: int
    start: int
    end: int | None
    unit_rate: Decimal
    personal_rate: Decimal


class UnitRates:
    """The rates one unit pays per 险种 and month: the rate table, 工伤 by the unit's industry
    risk class and its float (as app/declarations/cost.py shows them). Where periods overlap,
    the one that started last is in force."""

    def __init__(self, periods: list[RatePeriod]):
        self.periods = sorted(periods, key=lambda p: p.start)
        self.ids = {p.code: p.insurance_id for p in periods}

    def at(self, code: str, month: int) -> tuple[Decimal, Decimal] | None:
        found = None
        for p in self.periods:
            if p.code == code and p.start <= month and (p.end is None or month <= p.end):
                found = (p.unit_rate, p.personal_rate)
        return found

    def segments(self, first: int, last: int) -> list[tuple]:
        """(code, insurance_id, first, last, unit_rate, personal_rate) runs of equal rates."""
        runs = []
        for code in sorted(self.ids):
            current = None
            for month in month_range(first, last):
                rates = self.at(code, month)
                if current and current[1] == rates and rates is not None:
                    current[0][1] = month
                    continue
                if current and current[1] is not None:
                    runs.append((code, self.ids[code], *current[0], *current[1]))
                current = ([month, month], rates)
            if current and current[1] is not None:
                runs.append((code, self.ids[code], *current[0], *current[1]))
        return runs


def unit_rates(unit_id: int) -> UnitRates:
    unit = db.session.get(Unit, unit_id)
    risk_class = unit.industry.risk_class if unit.industry else 1
    floats = dict(db.session.execute(
        select(UnitInsurance.insurance_id, UnitInsurance.injury_float_pct)
        .where(UnitInsurance.unit_id == unit_id)).all())
    rows = db.session.execute(
        select(Insurance.code, Rate.insurance_id, Rate.start_month, Rate.end_month,
               Rate.unit_rate, Rate.personal_rate, Rate.risk_class)
        .join(Insurance, Insurance.id == Rate.insurance_id)
        .where(or_(Rate.risk_class.is_(None), Rate.risk_class == risk_class))).all()
    periods = []
    for code, insurance_id, start, end, unit_rate, personal_rate, row_class in rows:
        unit_rate = to_decimal(str(unit_rate))
        if row_class is not None:
            unit_rate = unit_rate * Decimal(floats.get(insurance_id, 100)) / 100
        periods.append(RatePeriod(code, insurance_id, start, end, unit_rate,
                                  to_decimal(str(personal_rate))))
    return UnitRates(periods)


def year_limits(years) -> dict[int, tuple[Decimal, Decimal]]:
    """year → (base floor, base cap) of the years that have parameters."""
    rows = db.session.execute(
        select(YearParameter.year, YearParameter.base_floor, YearParameter.base_cap)
        .where(YearParameter.year.in_(sorted(set(years)))))
    return {y: (to_decimal(str(floor)), to_decimal(str(cap))) for y, floor, cap in rows}


def require_limits(years) -> dict[int, tuple[Decimal, Decimal]]:
    limits = year_limits(years)
    missing = sorted(set(years) - set(limits))
    if missing:
        raise Invalid(f"{missing[0]}年度缴费基数上下限尚未设置，不能审核通过")
    return limits


def chunked(values):
    """The values in slices of CHUNK, for IN lists of batches of any size."""
    values = sorted(set(values))
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def person_ids(id_numbers) -> dict[str, int]:
    found = {}
    for numbers in chunked(id_numbers):
        found.update(db.session.execute(
            select(Person.id_number, Person.id).where(Person.id_number.in_(numbers))).all())
    return found


def scaled(rate: Decimal) -> int:
    value = Decimal(rate) * SCALE
    if value != value.to_integral_value():
        raise ValueError(f"费率精度超出整数运算范围：{rate}")
    return int(value)


# The base in force for a month of :year is that year's, else the latest earlier one
# (rules.wage_base.base_in_force). Only unpaid regular rows change: a paid month stays as paid
# (a difference there is a 补缴, C5), a back-payment row keeps the base its C5 declared, and a
# row on a bill that is not void keeps the amount the bill shows.
RECOMPUTE_SQL = """
UPDATE contribution
SET base = nb.base,
    unit_amount = ((nb.base_fen * :unit_e8 + :half) / :scale) / 100.0,
    personal_amount = ((nb.base_fen * :personal_e8 + :half) / :scale) / 100.0
FROM (
    SELECT b.person_id, b.base, CAST(ROUND(b.base * 100) AS BIGINT) AS base_fen
    FROM contribution_base b
    WHERE b.unit_id = :unit
      AND b.person_id IN (SELECT i.person_id FROM declaration_item i
                          WHERE i.declaration_id = :declaration AND i.status = 'approved'
                            AND i.person_id IS NOT NULL)
      AND b.year = (SELECT MAX(b2.year) FROM contribution_base b2
                    WHERE b2.person_id = b.person_id AND b2.unit_id = b.unit_id
                      AND b2.year <= :year)
) nb
WHERE contribution.person_id = nb.person_id AND contribution.unit_id = :unit
  AND contribution.insurance_id = :insurance
  AND contribution.month BETWEEN :first AND :last
  AND contribution.paid = FALSE AND contribution.back_payment = FALSE
  AND NOT EXISTS (SELECT 1 FROM bill WHERE bill.id = contribution.bill_id
                                      AND bill.status <> 'void')
"""


def recompute_year(unit_id: int, declaration_id: int, year: int, rates: UnitRates) -> int:
    """Unpaid regular ledger rows of ``year`` of the declaration's approved persons in this unit,
    from the base now in force: one UPDATE per 险种 and rate period. Returns rows changed."""
    db.session.flush()
    changed = 0
    for _code, insurance_id, first, last, unit_rate, personal_rate in rates.segments(
            year * 100 + 1, year * 100 + 12):
        changed += db.session.execute(text(RECOMPUTE_SQL), {
            "unit": unit_id, "declaration": declaration_id, "year": year,
            "insurance": insurance_id, "first": first, "last": last,
            "unit_e8": scaled(unit_rate), "personal_e8": scaled(personal_rate),
            "half": SCALE // 2, "scale": SCALE}).rowcount
    return changed


# Unit totals (E4 单位缴费历史) of the touched months, summed in fen from the ledger so they stay
# what the ledger says; total and paid amount include the late fee.
DELETE_TOTALS_SQL = """
DELETE FROM unit_contribution
WHERE {unit} month BETWEEN :first AND :last {months}
"""
INSERT_TOTALS_SQL = """
INSERT INTO unit_contribution (unit_id, insurance_id, month, persons, base_total, unit_amount,
                               personal_amount, late_fee, total, paid_amount, status)
SELECT unit_id, insurance_id, month, COUNT(*), SUM(base_fen) / 100.0, SUM(unit_fen) / 100.0,
       SUM(personal_fen) / 100.0, SUM(fee_fen) / 100.0,
       SUM(unit_fen + personal_fen + fee_fen) / 100.0,
       SUM(CASE WHEN paid THEN unit_fen + personal_fen + fee_fen ELSE 0 END) / 100.0,
       CASE WHEN SUM(CASE WHEN paid THEN 1 ELSE 0 END) = COUNT(*) THEN 'paid'
            WHEN SUM(CASE WHEN paid THEN 1 ELSE 0 END) > 0 THEN 'partial'
            ELSE 'unpaid' END
FROM (
    SELECT unit_id, insurance_id, month, paid,
           CAST(ROUND(base * 100) AS BIGINT) AS base_fen,
           CAST(ROUND(unit_amount * 100) AS BIGINT) AS unit_fen,
           CAST(ROUND(personal_amount * 100) AS BIGINT) AS personal_fen,
           CAST(ROUND(late_fee * 100) AS BIGINT) AS fee_fen
    FROM contribution
    WHERE {unit} month BETWEEN :first AND :last {months}
) c
GROUP BY unit_id, insurance_id, month
"""


def refresh_unit_totals(unit_id: int | None, months) -> None:
    """Rebuild the unit's totals of these months (a range's months, or a few scattered ones);
    every unit's when ``unit_id`` is None (the city-wide assessment)."""
    months = sorted(set(months))
    if not months:
        return
    first, last = months[0], months[-1]
    scattered = len(months) < len(list(month_range(first, last)))
    clause = f"AND month IN ({', '.join(str(int(m)) for m in months)})" if scattered else ""
    params = {"unit": unit_id, "first": first, "last": last}
    unit = "unit_id = :unit AND" if unit_id is not None else ""
    db.session.execute(text(DELETE_TOTALS_SQL.format(unit=unit, months=clause)), params)
    db.session.execute(text(INSERT_TOTALS_SQL.format(unit=unit, months=clause)), params)


def record_event(declaration_id: int, status: str, action: str, message: str):
    """A timeline row that records what an effect did, without a change of state: on the
    approved declaration itself, or on another one (the C3 that a C4 revokes)."""
    event = DeclarationEvent(
        declaration_id=declaration_id, action=action, from_status=status, to_status=status,
        actor_name="系统", message=message, ip=audit.client_ip(), at=datetime.now())
    db.session.add(event)
    return event


def wage_rows(unit_id: int, year: int) -> list[dict]:
    """C3 导出含数据报盘 / 取上次申报工资: the unit's people in service, each with the wage of
    their latest base row of this unit (0 when there is none), as C3 rows of ``year``."""
    earlier = aliased(ContributionBase)
    latest = (select(func.max(earlier.year))
              .where(earlier.person_id == Person.id, earlier.unit_id == unit_id,
                     earlier.year <= year)
              .correlate(Person).scalar_subquery())
    in_service = (select(Enrollment.id)
                  .where(Enrollment.person_id == Person.id, Enrollment.unit_id == unit_id,
                         Enrollment.end_month.is_(None), Enrollment.category == "active")
                  .exists())
    rows = db.session.execute(
        select(Person.id_number, Person.name, ContributionBase.declared_wage)
        .outerjoin(ContributionBase, and_(ContributionBase.person_id == Person.id,
                                          ContributionBase.unit_id == unit_id,
                                          ContributionBase.year == latest))
        .where(in_service).order_by(Person.id_number))
    return [{"id_number": number, "name": name, "year": year,
             "declared_wage": to_decimal(str(wage)) if wage is not None else Decimal("0.00")}
            for number, name, wage in rows]
