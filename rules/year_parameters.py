"""The money terms of a year the admin sets beside the base limits (G4): the 养老个人账户
记账利率 (RULES.md §4) and the 滞纳金 terms of that year's fee months (社会保险法 §86: the daily
rate and the day of the next month the contribution falls due; rules.late_fee applies them).

Bounds are wide enough for any published value and narrow enough to catch a percentage typed as
a fraction (8.31 for 0.0831) or a daily rate typed as a yearly one."""
from decimal import Decimal, InvalidOperation

from rules.errors import InvalidParameter, refusal

# 记账利率 published since 2016: 2.62 % to 8.31 %; a fraction of the balance.
INTEREST_RATE_MAX = Decimal("0.2")
# 滞纳金 is 0.05 % a day by law; a city may not exceed it much, and 0 waives it.
LATE_FEE_RATE_MAX = Decimal("0.01")
# rules.late_fee.due_date takes the day of any month (a day past a short month's end is its last).
DUE_DAYS = range(1, 32)


def check_year_terms(interest_rate, late_fee_rate, due_day) -> None:
    """Refuse a year's terms outside their bounds, naming the field (``error.field``). The
    記账利率 may be left empty until it is published; the late-fee terms may not."""
    if interest_rate is not None and not _within(interest_rate, INTEREST_RATE_MAX):
        raise refusal(InvalidParameter, "interest_rate",
                      "记账利率应为0至0.2之间的小数（0.0262表示2.62%%）：%(value)s",
                      value=interest_rate)
    if late_fee_rate is None or not _within(late_fee_rate, LATE_FEE_RATE_MAX):
        raise refusal(InvalidParameter, "late_fee_rate",
                      "滞纳金日费率应为0至0.01之间的小数（0.0005表示每日0.05%%）：%(value)s",
                      value=late_fee_rate)
    # type() rather than isinstance(): True would pass as 1.
    if type(due_day) is not int or due_day not in DUE_DAYS:
        raise refusal(InvalidParameter, "due_day",
                      "缴费截止日应为1至31之间的整数（次月的第几日）：%(value)s", value=due_day)


def _within(value, upper: Decimal) -> bool:
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return False
    return value.is_finite() and Decimal(0) <= value <= upper
