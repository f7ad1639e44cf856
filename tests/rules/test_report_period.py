"""The statistics page's period (rules.report_period): defaults, and every refusal at once."""
from datetime import date

import pytest

from rules.errors import RuleError
from rules.report_period import days_back, month_period

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize("start, end, period", [
    ("", "", (202601, 202612)),
    (None, None, (202601, 202612)),
    ("2026-03", "2026-05", (202603, 202605)),
    ("202603", "", (202603, 202612)),  # twelve months from the start, not past this month
    ("2024-01", "", (202401, 202412)),
    ("", "2025-06", (202407, 202506)),
    ("2026年3月", "2026/4", (202603, 202604)),
    ("", "1900-05", (190001, 190005)),
    ("", "1901-05", (190006, 190105)),
])
def test_periods(start, end, period):
    assert month_period(start, end, TODAY) == period


@pytest.mark.parametrize("start, end, message", [
    ("abc", "", "统计起始年月格式应为YYYY-MM，如2026-11"),
    ("2026-13", "", "统计起始年月不是有效的年月"),
    ("abc", "2026-13", "统计起始年月格式应为YYYY-MM，如2026-11；统计截止年月不是有效的年月"),
    ("", "2027-01", "统计截止年月不能晚于本月"),
    ("2026-05", "2026-04", "统计起始年月不能晚于截止年月"),
    ("2020-01", "2026-12", "统计期间最多60个月，请缩短期间"),
    ("9999-12", "", "统计起始年月不能晚于本月"),
    ("9999-12", "9999-12", "统计起始年月不能晚于本月；统计截止年月不能晚于本月"),
])
def test_bad_periods_are_refused(start, end, message):
    with pytest.raises(RuleError) as caught:
        month_period(start, end, TODAY)
    assert str(caught.value) == message


def test_days():
    assert days_back("") == 30
    assert days_back("7") == 7
    assert days_back(" 90 ") == 90
    for bad in ("31", "-7", "abc", "1e3"):
        with pytest.raises(RuleError, match="统计天数应为7、30、90之一"):
            days_back(bad)
