"""Monthly contribution per person and 险种 (RULES.md §4)."""
from decimal import Decimal

from rules.errors import InvalidParameter, InvalidRate
from rules.money import to_decimal, to_fen


def monthly_amounts(base: Decimal, unit_rate: Decimal, personal_rate: Decimal) -> tuple[Decimal, Decimal]:
    """(unit, personal) = base × rate, each rounded half-up to the fen on its own.

    Rates are fractions (Decimal("0.16") for 16 %). A rate of 1 or more is refused: it almost
    always means a percent number was passed where a fraction belongs.
    """
    base = to_fen(base)
    if base < 0:
        raise InvalidParameter(f"缴费基数不能为负数：{base}")
    return to_fen(base * _fraction(unit_rate)), to_fen(base * _fraction(personal_rate))


def _fraction(rate: Decimal) -> Decimal:
    value = to_decimal(rate)
    if not 0 <= value < 1:
        raise InvalidRate(f"费率应为0到1之间的小数（0.16表示16%）：{value}")
    return value
