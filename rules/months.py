"""Fee months as YYYYMM ints (202403): they sort, compare and store like the paper forms write them."""
from collections.abc import Iterator
from datetime import date

from rules.errors import InvalidMonth, RuleError

FIRST_YEAR = 1900
LAST_YEAR = 9999


def validate_month(month: int) -> int:
    # Called several times per row of a 100,000-row import: a good month passes in one test
    # (the exact type check also keeps bool out).
    if type(month) is int and 190001 <= month <= 999912 and 1 <= month % 100 <= 12:
        return month
    # bool is an int subclass; True would otherwise pass as month 1 of year 0 and fail far away.
    if not isinstance(month, int) or isinstance(month, bool):
        raise InvalidMonth(f"年月无效，应为YYYYMM整数：{month!r}")
    year, mm = divmod(month, 100)
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= mm <= 12):
        raise InvalidMonth(f"年月无效，应为YYYYMM：{month}")
    return month


def to_month(day: date) -> int:
    return day.year * 100 + day.month


def month_start(month: int) -> date:
    validate_month(month)
    return date(month // 100, month % 100, 1)


def _index(month: int) -> int:
    # Counting months from year 0 turns month arithmetic into plain integer arithmetic.
    validate_month(month)
    return (month // 100) * 12 + (month % 100 - 1)


def _from_index(index: int) -> int:
    year, zero_based = divmod(index, 12)
    return validate_month(year * 100 + zero_based + 1)


def add_months(month: int, n: int) -> int:
    return _from_index(_index(month) + n)


def months_between(start: int, end: int) -> int:
    """Signed distance: months_between(202401, 202403) == 2; negative when end is earlier."""
    return _index(end) - _index(start)


def month_range(first: int, last: int) -> Iterator[int]:
    """Every month from first to last, both included; empty when last is before first."""
    for offset in range(months_between(first, last) + 1):
        yield add_months(first, offset)


def month_count(first: int, last: int) -> int:
    """How many months a period first..last covers, both ends included (0 if reversed)."""
    return max(months_between(first, last) + 1, 0)


def month_label(month: int | None) -> str:
    """201501 → "2015-01", as a clerk reads a month (and types it in a form)."""
    return "" if month is None else f"{month // 100}-{month % 100:02d}"


def parse_month(value, label: str = "年月") -> int:
    """A month as a clerk types it (2026-11, 2026/11, 202611, 2026年11月, 2026-1) or a date, as
    YYYYMM; a RuleError in the clerk's words otherwise."""
    if isinstance(value, date):
        return value.year * 100 + value.month
    text = str(value).strip().replace("-", "").replace("/", "").replace("年", "").replace("月", "")
    if not text.isdigit() or len(text) not in (5, 6):
        raise RuleError(f"{label}格式应为YYYY-MM，如2026-11")
    if len(text) == 5:  # 2026-1 → 202601
        text = text[:4] + "0" + text[4]
    try:
        return validate_month(int(text))
    except RuleError:
        raise RuleError(f"{label}不是有效的年月") from None
