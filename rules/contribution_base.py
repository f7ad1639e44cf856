"""Contribution base (缴费基数): the year's floor and cap, and clamping a declared wage into them.

Percentages here are percent numbers (60 means 60 %), as the admin's per-year parameter table
writes them; contribution rates elsewhere are fractions (0.16).
"""
from dataclasses import dataclass
from decimal import Decimal

from rules.errors import InvalidParameter
from rules.money import to_decimal, to_fen, to_yuan

DEFAULT_FLOOR_PCT = Decimal(60)
DEFAULT_CAP_PCT = Decimal(300)

CLAMPED_TO_FLOOR = "floor"
CLAMPED_TO_CAP = "cap"


@dataclass(frozen=True)
class BaseDecision:
    """What a declaration screen shows: the wage declared, the base used, and why they differ."""

    declared: Decimal
    base: Decimal
    clamped: str | None  # CLAMPED_TO_FLOOR, CLAMPED_TO_CAP or None


def year_limits(
    average_annual_wage: Decimal,
    floor_pct: Decimal = DEFAULT_FLOOR_PCT,
    cap_pct: Decimal = DEFAULT_CAP_PCT,
) -> tuple[Decimal, Decimal]:
    """(floor, cap) as monthly amounts rounded to the yuan, from the annual average wage.

    The percentage is applied before dividing by 12 and rounded once, so no intermediate rounding
    of the monthly average can shift the result by a yuan.
    """
    annual = to_decimal(average_annual_wage)
    floor_pct, cap_pct = to_decimal(floor_pct), to_decimal(cap_pct)
    if annual <= 0:
        raise InvalidParameter(f"社平工资应大于0：{annual}")
    if not 0 < floor_pct <= cap_pct:
        raise InvalidParameter(f"基数下限比例应大于0且不高于上限比例：{floor_pct}% / {cap_pct}%")
    return to_yuan(annual * floor_pct / 1200), to_yuan(annual * cap_pct / 1200)


def check_window(start, end) -> None:
    """The C3 declaration window of a year: both days or neither (the whole year), in order."""
    if (start is None) != (end is None):
        raise InvalidParameter("申报开始日期和截止日期应同时填写，或同时不填（全年可申报）")
    if start is not None and end < start:
        raise InvalidParameter(f"申报截止日期{end}早于开始日期{start}")


def clamp_base(declared_wage: Decimal, floor: Decimal, cap: Decimal) -> Decimal:
    return decide_base(declared_wage, floor, cap).base


def decide_base(declared_wage: Decimal, floor: Decimal, cap: Decimal) -> BaseDecision:
    declared, floor, cap = to_fen(declared_wage), to_fen(floor), to_fen(cap)
    if floor > cap:
        raise InvalidParameter(f"基数下限高于上限：{floor} > {cap}")
    if declared < 0:
        raise InvalidParameter(f"申报工资不能为负数：{declared}")
    if declared < floor:
        return BaseDecision(declared, floor, CLAMPED_TO_FLOOR)
    if declared > cap:
        return BaseDecision(declared, cap, CLAMPED_TO_CAP)
    return BaseDecision(declared, declared, None)
