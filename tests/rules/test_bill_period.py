from datetime import date

import pytest

from rules.bill_period import MAX_MONTHS, parse_month, period
from rules.errors import InvalidMonth

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize("text,month", [("2026-01", 202601), ("2026-1", 202601),
                                        ("202601", 202601), ("2026年1月", 202601),
                                        (" 2025/12 ", 202512)])
def test_months_parse(text, month):
    assert parse_month(text, "所属期起") == month


@pytest.mark.parametrize("text", ["", None, "2026", "2026-13", "2026-00", "abc", "2026-01-05",
                                  "0000-01", "'; drop table bill;--", "2026-1x"])
def test_bad_months_refused(text):
    with pytest.raises(InvalidMonth, match="所属期起"):
        parse_month(text, "所属期起")


def test_period():
    assert period("2026-01", "2026-03", TODAY) == (202601, 202603)
    assert period("2026-02", "", TODAY) == (202602, 202602)


def test_future_backwards_and_long_periods_refused():
    with pytest.raises(InvalidMonth, match="以后的月份"):
        period("2026-03", "2026-04", TODAY)
    with pytest.raises(InvalidMonth, match="不能早于"):
        period("2026-02", "2026-01", TODAY)
    with pytest.raises(InvalidMonth, match=str(MAX_MONTHS)):
        period("2020-01", "2026-01", TODAY)
    assert period("2026-03", "2026-03", TODAY) == (202603, 202603)  # the current month is due
