"""The period a statistics page covers (G5), as the center types it: months 2026-01 to 2026-12
and a number of days back. Bad input is refused with every reason at once, before any query."""
from datetime import date

from rules.errors import RuleError
from rules.fields import Field, clean
from rules.months import add_months, month_count, to_month

DEFAULT_MONTHS = 12
FIRST_MONTH = 190001  # rules.months: the first month there is
MAX_MONTHS = 60  # five years of months still read as bars
DAY_CHOICES = (7, 30, 90)
DEFAULT_DAYS = 30
START = Field("start", "统计起始年月", "month", required=False)
END = Field("end", "统计截止年月", "month", required=False)


def month_period(start_text, end_text, today: date) -> tuple[int, int]:
    """(first, last) month, both included: by default the DEFAULT_MONTHS up to this month;
    a start alone runs DEFAULT_MONTHS from it (not past this month)."""
    errors, months = [], {}
    for field, text in ((START, start_text), (END, end_text)):
        try:
            months[field.name] = clean(field, text)
        except RuleError as refused:
            errors.append(str(refused))
    if errors:
        raise RuleError("；".join(errors))
    this_month = to_month(today)
    first, last = months["start"], months["end"]
    for field, month in ((START, first), (END, last)):
        if month is not None and month > this_month:
            errors.append(f"{field.label}不能晚于本月")
    if errors:
        raise RuleError("；".join(errors))
    if last is None:
        last = this_month if first is None else min(add_months(first, DEFAULT_MONTHS - 1),
                                                     this_month)
    if first is None:
        # The months before 1900 do not exist: a period ending in 1900 starts with it.
        first = add_months(last, 1 - DEFAULT_MONTHS) if last >= FIRST_MONTH + 100 \
            else FIRST_MONTH
    if first > last:
        errors.append("统计起始年月不能晚于截止年月")
    elif month_count(first, last) > MAX_MONTHS:
        errors.append(f"统计期间最多{MAX_MONTHS}个月，请缩短期间")
    if errors:
        raise RuleError("；".join(errors))
    return first, last


def days_back(text) -> int:
    """How many days the per-day counts cover: one of DAY_CHOICES (DEFAULT_DAYS if empty)."""
    text = str(text or "").strip()
    if not text:
        return DEFAULT_DAYS
    if not text.isdigit() or int(text) not in DAY_CHOICES:
        choices = "、".join(map(str, DAY_CHOICES))
        raise RuleError(f"统计天数应为{choices}之一")
    return int(text)
