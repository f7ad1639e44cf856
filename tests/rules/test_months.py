from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.errors import InvalidMonth, RuleError
from rules.months import (
    add_months,
    month_count,
    month_range,
    month_start,
    months_between,
    to_month,
    validate_month,
)


def test_to_month_and_month_start():
    assert to_month(date(2024, 3, 31)) == 202403
    assert month_start(202403) == date(2024, 3, 1)


@pytest.mark.parametrize(
    "month, n, expected",
    [(202401, 1, 202402), (202412, 1, 202501), (202401, -1, 202312), (202403, 24, 202603),
     (202403, -15, 202212), (196501, 721, 202502), (202405, 0, 202405)],
)
def test_add_months(month, n, expected):
    assert add_months(month, n) == expected


def test_months_between_is_signed():
    assert months_between(202401, 202403) == 2
    assert months_between(202403, 202401) == -2
    assert months_between(199501, 202412) == 359


def test_month_range_includes_both_ends():
    assert list(month_range(202311, 202402)) == [202311, 202312, 202401, 202402]
    assert list(month_range(202402, 202402)) == [202402]
    assert list(month_range(202403, 202402)) == []
    assert month_count(202401, 202412) == 12
    assert month_count(202403, 202402) == 0


@pytest.mark.parametrize("bad", [202413, 202400, 189912, 2024, 20240101, "202401", 2024.01, None, True,
                                 -202401, 1000001, 190000, 999913])
def test_invalid_months_are_refused(bad):
    with pytest.raises(InvalidMonth) as caught:
        validate_month(bad)
    assert isinstance(caught.value, RuleError) and isinstance(caught.value, ValueError)
    assert "年月无效" in str(caught.value)


@pytest.mark.parametrize("good", [190001, 190012, 999901, 999912, 202402])
def test_the_ends_of_the_range_are_months(good):
    assert validate_month(good) == good


def test_helpers_validate_their_input():
    with pytest.raises(InvalidMonth):
        month_start(202413)
    with pytest.raises(InvalidMonth):
        add_months(202400, 1)


# Kept away from the 1900 and 9999 limits so adding up to ±100 years stays valid.
months = st.dates(date(2000, 1, 1), date(2100, 12, 31)).map(to_month)


@given(months, st.integers(-1200, 1200))
def test_add_then_measure_round_trips(month, n):
    later = add_months(month, n)
    assert months_between(month, later) == n
    assert add_months(later, -n) == month
    assert validate_month(later) == later


@given(months, st.integers(0, 60))
def test_range_length_and_order(first, span):
    last = add_months(first, span)
    listed = list(month_range(first, last))
    assert len(listed) == span + 1 == month_count(first, last)
    assert listed == sorted(listed) and listed[0] == first and listed[-1] == last
