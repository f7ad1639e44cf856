"""The months a 工资申报缴费 bill covers (D3), as the unit types them: 2026-01 to 2026-03.

A month that does not parse, lies after the current month, or a range that runs backwards or
spans more than MAX_MONTHS is refused with the reason, before any query runs."""
import re
from datetime import date

from rules.errors import InvalidMonth
from rules.months import month_count, to_month, validate_month

MAX_MONTHS = 36  # one bill: at most three years of months
MONTH_RE = re.compile(r"^(\d{4})\s*[-/年.]?\s*(\d{1,2})\s*月?$")


def parse_month(text, label: str) -> int:
    """'2026-01', '2026-1', '202601', '2026年1月' → 202601; anything else refused."""
    match = MONTH_RE.match(str(text or "").strip())
    if not match:
        raise InvalidMonth(f"{label}格式应为YYYY-MM，如2026-01")
    try:
        return validate_month(int(match[1]) * 100 + int(match[2]))
    except InvalidMonth:
        raise InvalidMonth(f"{label}不是有效的年月") from None


def period(start_text, end_text, today: date) -> tuple[int, int]:
    """(first, last) month of a bill; the end defaults to the start when left empty."""
    first = parse_month(start_text, "所属期起")
    last = parse_month(end_text, "所属期止") if str(end_text or "").strip() else first
    if last < first:
        raise InvalidMonth("所属期止不能早于所属期起")
    if last > to_month(today):
        raise InvalidMonth("不能为以后的月份生成缴费单据")
    if month_count(first, last) > MAX_MONTHS:
        raise InvalidMonth(f"一张缴费单据最多包含{MAX_MONTHS}个月，请分段生成")
    return first, last
