"""The 滞纳金 terms a fee month is judged by: its year's daily rate and due day (G4).

A year without parameters falls back to the statutory defaults of rules.late_fee, so a bill
for an old month still gets a late fee rather than none."""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from models.contribution import YearParameter
from rules import late_fee


def terms_of_years(years) -> dict[int, tuple[Decimal, int]]:
    """year → (daily rate, due day) for every year asked, defaults where none is set."""
    years = sorted(set(years))
    found = {year: (rate, day) for year, rate, day in db.session.execute(
        select(YearParameter.year, YearParameter.late_fee_rate, YearParameter.due_day)
        .where(YearParameter.year.in_(years)))}
    default = (late_fee.DAILY_RATE, late_fee.DEFAULT_DUE_DAY)
    return {year: found.get(year, default) for year in years}


def late_fee_of(amount: Decimal, fee_month: int, pay_date: date, terms: dict) -> Decimal:
    """The late fee of one amount of ``fee_month`` paid on ``pay_date`` under ``terms``
    (as terms_of_years gives them)."""
    rate, due_day = terms[fee_month // 100]
    return late_fee.late_fee(amount, fee_month, pay_date, rate=rate, due_day=due_day)
