"""Late fee (滞纳金, 社会保险法 §86): 0.05 % of the unpaid amount per day late, no cap."""
import calendar
from datetime import date
from decimal import Decimal

from rules.errors import InvalidParameter, InvalidRate
from rules.months import add_months, month_start
from rules.money import to_decimal, to_fen

DEFAULT_DUE_DAY = 15
DAILY_RATE = Decimal("0.0005")


def due_date(fee_month: int, due_day: int = DEFAULT_DUE_DAY) -> date:
    """The due_day of the month after the fee month; a day past the month's end means its last day."""
    if not isinstance(due_day, int) or not 1 <= due_day <= 31:
        raise InvalidParameter(f"缴费截止日应为1至31：{due_day!r}")
    month = month_start(add_months(fee_month, 1))
    last_day = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=min(due_day, last_day))


def days_late(fee_month: int, pay_date: date, due_day: int = DEFAULT_DUE_DAY) -> int:
    """Days from the day after the due date through the pay date, both counted.

    That span is exactly (pay_date - due_date).days: paying the day after the due date is one day
    late, paying on or before the due date is zero.
    """
    return max((pay_date - due_date(fee_month, due_day)).days, 0)


def late_fee(
    amount: Decimal,
    fee_month: int,
    pay_date: date,
    rate: Decimal = DAILY_RATE,
    due_day: int = DEFAULT_DUE_DAY,
) -> Decimal:
    """amount × daily rate × days late, rounded half-up to the fen once at the end."""
    amount, rate = to_fen(amount), to_decimal(rate)
    if amount < 0:
        raise InvalidParameter(f"欠缴金额不能为负数：{amount}")
    if rate < 0:
        raise InvalidRate(f"滞纳金日费率不能为负数：{rate}")
    return to_fen(amount * rate * days_late(fee_month, pay_date, due_day))
