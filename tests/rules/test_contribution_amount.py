from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.contribution_amount import monthly_amounts
from rules.errors import InvalidParameter, InvalidRate
from rules.rates import (
    DEFAULT_RATES,
    INSURANCE_TYPES,
    INJURY_CLASS_RATES,
    Rate,
    injury_rate,
    rates_for,
)


def test_pension_on_the_shandong_floor():
    assert monthly_amounts(Decimal("3269"), Decimal("0.16"), Decimal("0.08")) == (Decimal("523.04"), Decimal("261.52"))


def test_each_share_rounds_half_up_on_its_own():
    # 3333.50 × 0.007 = 23.3345 → 23.33; × 0.003 = 10.0005 → 10.00
    unit, personal = monthly_amounts(Decimal("3333.50"), Decimal("0.007"), Decimal("0.003"))
    assert (unit, personal) == (Decimal("23.33"), Decimal("10.00"))
    # 2502.50 × 0.002 = 5.005 → 5.01 half-up (banker's rounding would give 5.00)
    assert monthly_amounts(Decimal("2502.50"), Decimal("0.002"), Decimal("0")) == (Decimal("5.01"), Decimal("0.00"))


def test_injury_share_is_unit_only():
    rate = rates_for("410", risk_class=3)
    assert monthly_amounts(Decimal("5000"), rate.unit, rate.personal) == (Decimal("35.00"), Decimal("0.00"))


@pytest.mark.parametrize("rate", [Decimal("16"), Decimal("1"), Decimal("-0.01")])
def test_percent_numbers_and_negative_rates_are_refused(rate):
    with pytest.raises(InvalidRate, match="费率"):
        monthly_amounts(Decimal("5000"), rate, Decimal("0.08"))


def test_negative_base_and_float_inputs_are_refused():
    with pytest.raises(InvalidParameter):
        monthly_amounts(Decimal("-1"), Decimal("0.16"), Decimal("0.08"))
    with pytest.raises(TypeError):
        monthly_amounts(Decimal("5000"), 0.16, Decimal("0.08"))


@given(st.decimals(min_value=0, max_value=10**6, places=2),
       st.decimals(min_value=0, max_value=Decimal("0.5"), places=4),
       st.decimals(min_value=0, max_value=Decimal("0.5"), places=4))
def test_amounts_equal_decimal_half_up(base, unit_rate, personal_rate):
    fen = Decimal("0.01")
    unit, personal = monthly_amounts(base, unit_rate, personal_rate)
    assert unit == (base * unit_rate).quantize(fen, rounding=ROUND_HALF_UP)
    assert personal == (base * personal_rate).quantize(fen, rounding=ROUND_HALF_UP)
    assert abs(unit - base * unit_rate) <= Decimal("0.005")


def test_insurance_types():
    assert INSURANCE_TYPES == {
        "110": "企业职工基本养老保险",
        "210": "失业保险",
        "310": "职工基本医疗保险",
        "410": "工伤保险",
        "510": "生育保险",
    }


def test_default_rates_match_rules_section_2():
    assert DEFAULT_RATES["110"] == Rate(Decimal("0.16"), Decimal("0.08"))
    assert DEFAULT_RATES["210"] == Rate(Decimal("0.007"), Decimal("0.003"))
    assert DEFAULT_RATES["310"] == Rate(Decimal("0.075"), Decimal("0.02"))
    assert DEFAULT_RATES["510"] == Rate(Decimal("0"), Decimal("0"))
    assert rates_for("110") == DEFAULT_RATES["110"]


@pytest.mark.parametrize(
    "risk_class, percent", [(1, "0.2"), (2, "0.4"), (3, "0.7"), (4, "0.9"), (5, "1.1"), (6, "1.3"), (7, "1.6"), (8, "1.9")]
)
def test_injury_class_rates(risk_class, percent):
    assert injury_rate(risk_class) == Decimal(percent) / 100
    assert INJURY_CLASS_RATES[risk_class] == Decimal(percent) / 100


def test_injury_rate_floats():
    assert injury_rate(8, 50) == Decimal("0.0095")
    assert injury_rate(8, 80) == Decimal("0.0152")
    assert injury_rate(8, 150) == Decimal("0.0285")
    assert injury_rate(1, 120) == Decimal("0.0024")
    assert injury_rate(1, 150) == Decimal("0.003")


@pytest.mark.parametrize(
    "risk_class, float_pct",
    [(1, 50), (1, 80), (2, 90), (2, 200), (0, 100), (9, 100), (True, 100), (1.0, 100), (3, 100.0)],
)
def test_injury_rate_refuses_what_the_rules_do_not_allow(risk_class, float_pct):
    with pytest.raises(InvalidRate):
        injury_rate(risk_class, float_pct)


def test_rates_for_unknown_code_or_missing_class():
    with pytest.raises(InvalidRate, match="未知险种"):
        rates_for("999")
    with pytest.raises(InvalidRate, match="风险类别"):
        rates_for("410")
