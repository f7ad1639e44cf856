from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.errors import InvalidParameter, InvalidRetirementCategory
from rules.retirement import (
    CATEGORIES,
    minimum_contribution_years,
    payment_months_for_age,
    payment_months_for_age_months,
    reaching_within,
    retirement_age_months,
    retirement_month,
    retirement_month_number,
)


@pytest.mark.parametrize(
    "born, category, retires",
    [
        ((1964, 12), "male", (2024, 12)),
        ((1965, 1), "male", (2025, 2)),
        ((1965, 5), "male", (2025, 7)),
        ((1965, 12), "male", (2026, 3)),
        ((1976, 9), "male", (2039, 9)),
        ((1971, 4), "female_55", (2026, 8)),
        ((1981, 9), "female_55", (2039, 9)),
        ((1975, 3), "female_50", (2025, 5)),
        ((1984, 11), "female_50", (2039, 11)),
    ],
)
def test_spec_examples(born, category, retires):
    # The day of birth must not matter: try the first and the last day of the month.
    for day in (1, 28):
        assert retirement_month(date(*born, day), category) == date(*retires, 1)
        assert retirement_month_number(date(*born, day), category) == retires[0] * 100 + retires[1]


def test_age_in_months_and_maximum_delay():
    assert retirement_age_months(date(1964, 12, 15), "male") == 720
    assert retirement_age_months(date(1965, 1, 15), "male") == 721
    assert retirement_age_months(date(1990, 1, 1), "male") == 63 * 12
    assert retirement_age_months(date(1990, 1, 1), "female_55") == 58 * 12
    assert retirement_age_months(date(1990, 1, 1), "female_50") == 55 * 12


@pytest.mark.parametrize("category", ["female", "男", "", None, "MALE"])
def test_unknown_category_is_a_value_error(category):
    with pytest.raises(InvalidRetirementCategory, match="退休年龄类别无效"):
        retirement_month(date(1970, 1, 1), category)
    with pytest.raises(ValueError):
        retirement_age_months(date(1970, 1, 1), category)


@given(st.dates(date(1930, 1, 1), date(2010, 12, 31)), st.sampled_from(sorted(CATEGORIES)))
def test_delay_never_shrinks_and_stays_within_the_cap(born, category):
    rule = CATEGORIES[category]
    age = retirement_age_months(born, category)
    assert rule.original_age * 12 <= age <= rule.original_age * 12 + rule.max_delay
    next_month = date(born.year + born.month // 12, born.month % 12 + 1, 1)
    assert retirement_age_months(next_month, category) >= age
    assert retirement_month(born, category).day == 1


@pytest.mark.parametrize(
    "year, years",
    [(2025, "15"), (2029, "15"), (2030, "15.5"), (2031, "16"), (2038, "19.5"), (2039, "20"), (2050, "20")],
)
def test_minimum_contribution_years(year, years):
    assert minimum_contribution_years(year) == Decimal(years)


@pytest.mark.parametrize(
    "age, months",
    [(50, 195), (55, 170), (56, 164), (57, 158), (58, 152), (59, 145), (60, 139), (61, 132),
     (62, 125), (63, 117), (65, 101), (70, 56), (64, 109), (66, 93), (69, 65)],
)
def test_payment_months_at_whole_ages(age, months):
    assert payment_months_for_age(age) == Decimal(months)
    assert payment_months_for_age(Decimal(age)) == Decimal(months)


def test_payment_months_interpolate_and_round_to_one_decimal():
    assert payment_months_for_age(Decimal("60.5")) == Decimal("135.5")
    # 60 years 1 month: 139 - 7/12 = 138.4166… → 138.4
    assert payment_months_for_age_months(60 * 12 + 1) == Decimal("138.4")
    # 63 years 3 months: 117 - 8/4 = 115
    assert payment_months_for_age_months(63 * 12 + 3) == Decimal("115.0")
    # 50 years 5 months: 195 - 5*5/12 = 192.9166… → 192.9
    assert payment_months_for_age_months(50 * 12 + 5) == Decimal("192.9")


@pytest.mark.parametrize("age", [Decimal("49.9"), Decimal("70.1"), 45, 75])
def test_payment_months_outside_table(age):
    with pytest.raises(InvalidParameter):
        payment_months_for_age(age)


def test_payment_months_refuse_float():
    with pytest.raises(TypeError):
        payment_months_for_age(60.5)


@given(st.integers(50 * 12, 70 * 12 - 1))
def test_payment_months_between_neighbouring_whole_years(age_months):
    whole = age_months // 12
    months = payment_months_for_age_months(age_months)
    assert payment_months_for_age(whole + 1) <= months <= payment_months_for_age(whole)
    assert months == months.quantize(Decimal("0.1"))


def test_reaching_within_horizon():
    born = date(1965, 5, 20)  # male → 2025-07
    assert reaching_within(born, "male", date(2025, 7, 31), 0)
    assert reaching_within(born, "male", date(2025, 4, 1), 3)
    assert not reaching_within(born, "male", date(2025, 3, 31), 3)
    assert not reaching_within(born, "male", date(2025, 8, 1), 12)  # already past
    assert reaching_within(born, "female_55", date(2021, 1, 1), 12) is False
