"""社会保险费补缴 (C5, RULES.md §4): which months a row may back pay, why a month is refused,
and the ledger lines of an approved row. Pure: no Flask, no database.

Only for months inside an employment relation with this unit, not earlier than 1995-01, not
already paid; never for a person past statutory retirement age without earlier records. Each
month uses that month's rates and the declared base clamped by its year's floor and cap; the
late fee is computed per month up to the pay date.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rules.checks.enrollment import EARLIEST_MONTH
from rules.contribution_amount import monthly_amounts
from rules.contribution_base import decide_base
from rules.late_fee import late_fee
from rules.months import month_count, month_range, to_month
from rules.rates import INSURANCE_TYPES, MATERNITY

MAX_MONTHS = 60  # per row; a longer span is split into several rows


def label(month: int) -> str:
    return f"{month // 100}年{month % 100}月"


def check_period(data: dict, today: date) -> dict:
    """Registry check of a C5 row: a sensible span of past months and 险种 that are collected."""
    start, end = data.get("start_month"), data.get("end_month")
    errors = {}
    if start is not None and start < EARLIEST_MONTH:
        errors["start_month"] = "补缴起始年月不能早于1995年1月"
    if start is not None and end is not None and end < start:
        errors["end_month"] = "补缴截止年月不能早于起始年月"
    elif end is not None and end >= to_month(today):
        errors["end_month"] = "只能补缴本月以前的月份"
    elif start is not None and end is not None and month_count(start, end) > MAX_MONTHS:
        errors["end_month"] = f"每行最多补缴{MAX_MONTHS}个月，请分行申报"
    codes = (data.get("insurances") or "").split(",")
    if MATERNITY in codes:
        errors["insurances"] = "生育保险随职工基本医疗保险（310）一并缴纳，不单独补缴"
    base = data.get("base")
    if base is not None and Decimal(str(base)) <= 0:
        errors["base"] = "补缴基数应大于0"
    return errors


def months_of(start: int, end: int) -> list[int]:
    return list(month_range(start, end))


def covered(month: int, spans) -> bool:
    """Inside one of the (start, end or None) enrollment spans."""
    return any(s <= month and (e is None or month <= e) for s, e in spans)


@dataclass(frozen=True)
class PersonFacts:
    """What the database knows about one person, for the refusal checks of one row."""

    spans: dict  # 险种 code → [(start, end)] of the person's active enrollments in this unit
    paid: frozenset  # {(code, month)} already paid, in any unit
    retirement_month: int | None  # statutory retirement month (YYYYMM), None if unknown
    earliest_record: int | None  # first month with a paid contribution, anywhere
    billed: frozenset = frozenset()  # {(code, month)} unpaid but on a bill that is not void


def refusal(months: list[int], codes: list[str], facts: PersonFacts, today: date,
            years_with_limits, rate_at: Callable) -> tuple[str, str] | None:
    """(field, reason) of the first rule a row breaks, or None when it may be back paid.

    ``rate_at(code, month)`` gives (unit rate, personal rate) or None when none is in force.
    """
    for code in codes:
        name = INSURANCE_TYPES.get(code, code)
        outside = [m for m in months if not covered(m, facts.spans.get(code, ()))]
        if outside:
            return "start_month", f"{label(outside[0])}不在该人员本单位{name}参保期间内，不能补缴"
        paid = [m for m in months if (code, m) in facts.paid]
        if paid:
            return "start_month", f"{label(paid[0])}{name}已缴费，不能重复补缴"
        billed = [m for m in months if (code, m) in facts.billed]
        if billed:
            return "start_month", f"{label(billed[0])}{name}已生成缴费单据，请先缴费或作废单据"
    retired = facts.retirement_month is not None and facts.retirement_month <= to_month(today)
    if retired and (facts.earliest_record is None or facts.earliest_record >= months[0]):
        return "id_number", "该人员已达法定退休年龄且此前无缴费记录，不能补缴"
    missing = sorted({m // 100 for m in months} - set(years_with_limits))
    if missing:
        return "start_month", f"{missing[0]}年度缴费基数上下限尚未设置，不能补缴"
    for code in codes:
        gap = [m for m in months if rate_at(code, m) is None]
        if gap:
            return "start_month", f"{label(gap[0])}无{INSURANCE_TYPES.get(code, code)}费率，不能补缴"
    return None


@dataclass(frozen=True)
class BackPayLine:
    month: int
    code: str
    base: Decimal
    unit_amount: Decimal
    personal_amount: Decimal
    late_fee: Decimal

    @property
    def total(self) -> Decimal:
        return self.unit_amount + self.personal_amount + self.late_fee


def lines(months: list[int], codes: list[str], declared_base, limits: dict,
          rate_at: Callable, pay_date: date) -> list[BackPayLine]:
    """One ledger line per month and 险种: the declared base clamped by the month's year
    (``limits`` maps year → (floor, cap)), that month's rates, and the late fee of the month's
    unit and personal amounts from its due date to ``pay_date``."""
    out = []
    for month in months:
        floor, cap = limits[month // 100]
        base = decide_base(Decimal(str(declared_base)), floor, cap).base
        for code in codes:
            unit_rate, personal_rate = rate_at(code, month)
            unit, personal = monthly_amounts(base, unit_rate, personal_rate)
            out.append(BackPayLine(month, code, base, unit, personal,
                                   late_fee(unit + personal, month, pay_date)))
    return out
