"""养老保险个人账户对账单 (E9 / F5) from the database: the paid 企业职工基本养老保险 (110) ledger
rows of one person and the 记账利率 of each year (YearParameter.interest_rate), handed to the
pure rule (rules.pension_account).

An employer sees the account as its own unit built it: only the months paid through this unit
are read (tenancy: another unit's wages stay that unit's); the center roles see every unit's.
"""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.extensions import db
from models.contribution import Contribution, YearParameter
from models.reference import Insurance
from rules import pension_account
from rules.errors import RuleError

PENSION = "110"
FIRST_YEAR = 1990


@dataclass
class Statement:
    person: object
    first_year: int
    last_year: int
    lines: list  # rules.pension_account.YearLine
    months: list  # (month, base, credit) of the years shown
    own_unit_only: bool

    @property
    def closing(self):
        return self.lines[-1].closing if self.lines else pension_account.ZERO


def years(first_text, last_text, today: date | None = None) -> tuple[int | None, int | None]:
    """The years asked (blank: from the first or to the last credited year); RuleError if
    they are no years, lie in the future or are reversed."""
    today = today or date.today()
    found = []
    for text, label in ((first_text, "起始年度"), (last_text, "终止年度")):
        text = str(text or "").strip()
        if not text:
            found.append(None)
            continue
        if not text.isdigit() or not FIRST_YEAR <= int(text) <= today.year:
            raise RuleError(f"{label}应为{FIRST_YEAR}至{today.year}之间的年份")
        found.append(int(text))
    if None not in found and found[1] < found[0]:
        raise RuleError("终止年度不能早于起始年度")
    return found[0], found[1]


def statement(person, unit_id: int | None, first_year=None, last_year=None) -> Statement:
    """The person's statement; ``unit_id`` None reads every unit's months (center roles)."""
    query = (sa.select(Contribution.month, Contribution.base)
             .join(Insurance, Insurance.id == Contribution.insurance_id)
             .where(Contribution.person_id == person.id, Insurance.code == PENSION,
                    Contribution.paid.is_(True))
             .order_by(Contribution.month))
    if unit_id is not None:
        query = query.where(Contribution.unit_id == unit_id)
    bases = db.session.execute(query).all()
    rates = dict(db.session.execute(
        sa.select(YearParameter.year, YearParameter.interest_rate)).all())
    lines = pension_account.statement(bases, rates, first_year, last_year)
    shown = {line.year for line in lines}
    months = [(month, base, pension_account.monthly_credit(base))
              for month, base in bases if month // 100 in shown]
    first = lines[0].year if lines else first_year
    last = lines[-1].year if lines else last_year
    return Statement(person, first, last, lines, months, unit_id is not None)
