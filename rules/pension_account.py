"""养老保险个人账户对账单 (F5 / E9, RULES.md §4): monthly credits and yearly interest.

Each paid month of 企业职工基本养老保险 credits 8 % of the personal base to the person's account.
At the end of a year the account earns that year's 记账利率 (a parameter table: one rate per
year, announced the following year): the opening balance for the whole year and the year's
credits for about half of it —

    interest = opening × rate + credits × rate × 1.083 × ½

(the common formula: 1.083 spreads the credits over the months they were paid in). Every amount
is a Decimal rounded half-up to the fen. A year whose rate is not yet announced earns no
interest yet: its statement says so, and its closing balance is opening + credits.

Pure: no Flask, no database. The views read the ledger and the rate table and pass them in.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from rules.errors import InvalidParameter, InvalidRate
from rules.money import to_decimal, to_fen

CREDIT_RATE = Decimal("0.08")  # 个人缴费比例 credited to the account
SPREAD_FACTOR = Decimal("1.083")  # the formula's factor for credits paid through the year
SPREAD_SHARE = Decimal("0.5")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class YearLine:
    """One year of the statement: 上年结转, 本年记账, 本年利息, 本年末累计."""

    year: int
    opening: Decimal
    months: int  # months credited this year
    credits: Decimal
    rate: Decimal | None  # None: 记账利率 not yet announced
    interest: Decimal
    closing: Decimal


def monthly_credit(base, credit_rate: Decimal = CREDIT_RATE) -> Decimal:
    """8 % of one month's personal base, to the fen."""
    base = to_fen(base)
    if base < 0:
        raise InvalidParameter(f"缴费基数不能为负数：{base}")
    return to_fen(base * _rate(credit_rate))


def year_interest(opening, credits, rate, factor: Decimal = SPREAD_FACTOR,
                  share: Decimal = SPREAD_SHARE) -> Decimal:
    """opening × rate + credits × rate × factor × share, rounded once, half-up to the fen."""
    rate = _rate(rate)
    return to_fen(to_decimal(opening) * rate
                  + to_decimal(credits) * rate * to_decimal(factor) * to_decimal(share))


def statement(bases: Iterable[tuple[int, object]], rates: Mapping[int, object],
              first_year: int | None = None, last_year: int | None = None,
              opening=ZERO, credit_rate: Decimal = CREDIT_RATE,
              factor: Decimal = SPREAD_FACTOR) -> list[YearLine]:
    """The yearly lines from ``first_year`` to ``last_year``.

    ``bases``: (month YYYYMM, personal base) of every paid month, in any order (a month twice
    — two units in one month — credits twice, as it was paid twice). ``rates``: year →
    记账利率 as a fraction (Decimal("0.0262") for 2.62 %), missing or None where not announced.
    ``opening``: the balance before the first year of the ledger (a transferred account).
    The balance is carried from the earliest credited year even when ``first_year`` is later,
    so a statement from 2025 opens with what 2024 left.
    """
    credits: dict[int, list[Decimal]] = {}
    for month, base in bases:
        credits.setdefault(int(month) // 100, []).append(monthly_credit(base, credit_rate))
    if first_year is not None and last_year is not None and last_year < first_year:
        raise InvalidParameter(f"终止年度不能早于起始年度：{first_year}–{last_year}")
    known = [*credits, *([first_year] if first_year is not None else [])]
    if not known:
        return []
    start = min(known)  # the earliest credit: its balance is carried into first_year
    end = last_year if last_year is not None else max(known)
    balance = to_fen(opening)
    lines = []
    for year in range(start, end + 1):
        paid = credits.get(year, [])
        total = sum(paid, ZERO)
        rate = rates.get(year)
        interest = ZERO if rate is None else year_interest(balance, total, rate, factor)
        closing = balance + total + interest
        lines.append(YearLine(year, balance, len(paid), total,
                              None if rate is None else to_decimal(rate), interest, closing))
        balance = closing
    return [line for line in lines
            if (first_year is None or line.year >= first_year)
            and (last_year is None or line.year <= last_year)]


def _rate(rate) -> Decimal:
    value = to_decimal(rate)
    if not 0 <= value < 1:
        raise InvalidRate(f"利率应为0到1之间的小数（0.0262表示2.62%）：{value}")
    return value
