from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.contribution_base import (
    CLAMPED_TO_CAP,
    CLAMPED_TO_FLOOR,
    BaseDecision,
    clamp_base,
    decide_base,
    year_limits,
)
from rules.errors import InvalidParameter


def test_shandong_2018_example():
    assert year_limits(Decimal("65383")) == (Decimal("3269"), Decimal("16346"))
    assert year_limits(Decimal("65383"), Decimal("60"), Decimal("300")) == (Decimal(3269), Decimal(16346))


def test_limits_are_whole_yuan_rounded_half_up():
    # annual 20010 → monthly 1667.5 → rounds half-up to 1668.
    floor, cap = year_limits(Decimal("20010"), Decimal("100"), Decimal("100"))
    assert floor == cap == Decimal("1668")
    assert floor.as_tuple().exponent == 0


def test_other_percentages():
    assert year_limits(Decimal("120000"), Decimal("40"), Decimal("200")) == (Decimal("4000"), Decimal("20000"))


@pytest.mark.parametrize(
    "annual, floor_pct, cap_pct",
    [(Decimal("0"), 60, 300), (Decimal("-1"), 60, 300), (Decimal("65383"), 0, 300),
     (Decimal("65383"), 300, 60)],
)
def test_bad_parameters(annual, floor_pct, cap_pct):
    with pytest.raises(InvalidParameter):
        year_limits(annual, Decimal(floor_pct), Decimal(cap_pct))


@pytest.mark.parametrize(
    "declared, base, clamped",
    [("2000", "3269", CLAMPED_TO_FLOOR), ("3269", "3269", None), ("5000.55", "5000.55", None),
     ("16346", "16346", None), ("30000", "16346", CLAMPED_TO_CAP), ("0", "3269", CLAMPED_TO_FLOOR)],
)
def test_decide_base_shows_declared_and_used(declared, base, clamped):
    decision = decide_base(Decimal(declared), Decimal("3269"), Decimal("16346"))
    assert decision == BaseDecision(Decimal(declared), Decimal(base), clamped)
    assert clamp_base(Decimal(declared), Decimal("3269"), Decimal("16346")) == Decimal(base)


def test_decision_is_frozen():
    decision = decide_base(Decimal("5000"), Decimal("3269"), Decimal("16346"))
    with pytest.raises(AttributeError):
        decision.base = Decimal("1")


def test_clamp_refuses_inverted_limits_and_negative_wage():
    with pytest.raises(InvalidParameter):
        clamp_base(Decimal("5000"), Decimal("16346"), Decimal("3269"))
    with pytest.raises(InvalidParameter):
        clamp_base(Decimal("-1"), Decimal("3269"), Decimal("16346"))


def test_clamp_refuses_float():
    with pytest.raises(TypeError):
        clamp_base(5000.0, Decimal("3269"), Decimal("16346"))


money = st.decimals(min_value=0, max_value=10**7, places=2)


@given(money, money, money)
def test_clamp_always_within_limits(declared, a, b):
    floor, cap = min(a, b), max(a, b)
    decision = decide_base(declared, floor, cap)
    assert floor <= decision.base <= cap
    assert decision.declared == declared
    assert (decision.clamped is None) == (decision.base == declared)


@given(st.decimals(min_value=1000, max_value=10**6, places=0))
def test_floor_and_cap_follow_the_percentages(annual):
    floor, cap = year_limits(annual)
    assert abs(floor - annual * Decimal("0.6") / 12) <= Decimal("0.5")
    assert abs(cap - annual * 3 / 12) <= Decimal("0.5")
    assert floor <= cap


def test_the_declaration_window_is_both_days_or_neither_in_order():
    from datetime import date

    from rules.contribution_base import check_window

    check_window(None, None)
    check_window(date(2026, 7, 1), date(2026, 7, 1))
    for start, end, reason in ((date(2026, 7, 1), None, "同时填写"),
                               (None, date(2026, 7, 1), "同时填写"),
                               (date(2026, 7, 2), date(2026, 7, 1), "早于开始日期")):
        with pytest.raises(InvalidParameter, match=reason):
            check_window(start, end)
