"""The admin's rate table (G4): what a row may hold (rules.rates.check_rate)."""
from decimal import Decimal

import pytest

from rules.errors import InvalidRate
from rules.rates import RatePeriod, check_rate

OPEN_SINCE_2019 = RatePeriod(201905, None)


def refused(*args) -> str:
    with pytest.raises(InvalidRate) as caught:
        check_rate(*args)
    return str(caught.value)


def test_a_new_period_after_the_old_one_is_closed():
    check_rate("110", None, Decimal("0.16"), Decimal("0.08"), RatePeriod(202701, None),
               [RatePeriod(201905, 202612)])
    check_rate("410", 3, Decimal("0.007"), Decimal("0"), RatePeriod(201905, 202012), [])


def test_an_open_period_must_be_closed_first():
    message = refused("110", None, Decimal("0.15"), Decimal("0.08"), RatePeriod(202701, None),
                      [OPEN_SINCE_2019])
    assert message == ("执行期与已有费率（2019年5月起，未设终止年月）重叠："
                       "请先为已有费率设置执行终止年月")


@pytest.mark.parametrize("period, other", [
    (RatePeriod(202001, 202012), RatePeriod(202012, 202106)),  # one month shared
    (RatePeriod(202001, None), RatePeriod(202106, 202112)),  # an open end runs over it
    (RatePeriod(202103, 202104), RatePeriod(202101, 202112)),  # inside
])
def test_overlapping_periods_are_refused(period, other):
    assert "重叠" in refused("310", None, Decimal("0.075"), Decimal("0.02"), period, [other])


def test_periods_that_touch_are_fine():
    check_rate("310", None, Decimal("0.075"), Decimal("0.02"), RatePeriod(202101, 202112),
               [RatePeriod(202001, 202012), RatePeriod(202201, None)])


def test_a_period_runs_forwards():
    assert refused("110", None, Decimal("0.16"), Decimal("0.08"), RatePeriod(202012, 202001),
                   []) == "执行终止年月2020年1月早于起始年月2020年12月"


@pytest.mark.parametrize("code, risk_class, reason", [
    ("410", None, "须指定工伤风险类别"),
    ("410", 9, "须指定工伤风险类别"),
    ("110", 3, "只有工伤保险费率按工伤风险类别设置"),
])
def test_risk_class_only_and_always_for_injury(code, risk_class, reason):
    assert reason in refused(code, risk_class, Decimal("0.01"), Decimal("0"),
                             RatePeriod(202001, None), [])


@pytest.mark.parametrize("unit, personal", [
    (Decimal("16"), Decimal("0.08")), (Decimal("0.16"), Decimal("-0.01")), (None, Decimal("0")),
    (Decimal("1"), Decimal("0")),
])
def test_rates_are_fractions_of_the_base(unit, personal):
    assert "0.16表示16%" in refused("110", None, unit, personal, RatePeriod(202001, None), [])


def test_months_are_yyyymm():
    with pytest.raises(ValueError, match="年月无效"):
        check_rate("110", None, Decimal("0.16"), Decimal("0.08"), RatePeriod(202013, None), [])


def test_the_earliest_overlapping_period_is_named():
    message = refused("110", None, Decimal("0.16"), Decimal("0.08"), RatePeriod(201806, 201906),
                      [OPEN_SINCE_2019, RatePeriod(201801, 201812)])
    assert "（2018年1月至2018年12月）" in message
