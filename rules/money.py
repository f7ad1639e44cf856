"""Money is Decimal in yuan, rounded half-up to the fen; RMB amounts in capitals for printed forms."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import cn2an

from rules.errors import InvalidAmount

FEN = Decimal("0.01")
YUAN = Decimal("1")


def to_decimal(value: Decimal | int | str) -> Decimal:
    """A finite Decimal from Decimal, int or str; floats are refused because they already lost fen."""
    if isinstance(value, (float, bool)) or not isinstance(value, (Decimal, int, str)):
        raise TypeError(f"金额应为 Decimal、int 或 str，不能是 {type(value).__name__}")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise InvalidAmount(f"金额格式不正确：{value!r}") from None
    if not number.is_finite():
        raise InvalidAmount(f"金额格式不正确：{value!r}")
    return number


def to_fen(value: Decimal | int | str) -> Decimal:
    return to_decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def to_yuan(value: Decimal | int | str) -> Decimal:
    return to_decimal(value).quantize(YUAN, rounding=ROUND_HALF_UP)


def rmb_upper(amount: Decimal | int | str, prefix: bool = False) -> str:
    """叁仟伍佰元整 style capitals (RULES.md §8); prefix=True adds 人民币 for forms that ask for it.

    cn2an's an2cn(.., "rmb") produces exactly the §8 choices (checked against every example there),
    so we use it instead of our own converter. It is fed the fen-rounded plain string.
    """
    fen = to_fen(amount)
    if fen == 0:
        fen = abs(fen)  # "-0.00" would otherwise print as 负零元整
    words = cn2an.an2cn(format(fen, "f"), "rmb")
    return "人民币" + words if prefix else words
