"""A year's 记账利率 and 滞纳金 terms as the admin enters them (rules.year_parameters)."""
from decimal import Decimal

import pytest

from rules.errors import InvalidParameter
from rules.year_parameters import check_year_terms


@pytest.mark.parametrize("interest, rate, day", [
    (Decimal("0.0831"), Decimal("0.0005"), 15),
    (None, Decimal("0.0005"), 15),  # not yet published
    (Decimal("0"), Decimal("0"), 1),
    (Decimal("0.2"), Decimal("0.01"), 31),
])
def test_terms_within_bounds_pass(interest, rate, day):
    check_year_terms(interest, rate, day)


@pytest.mark.parametrize("interest, rate, day, field, message", [
    (Decimal("8.31"), Decimal("0.0005"), 15, "interest_rate",
     "记账利率应为0至0.2之间的小数（0.0262表示2.62%）：8.31"),
    (Decimal("0.2001"), Decimal("0.0005"), 15, "interest_rate", "记账利率应为0至0.2"),
    (Decimal("-0.01"), Decimal("0.0005"), 15, "interest_rate", "记账利率应为0至0.2"),
    (Decimal("NaN"), Decimal("0.0005"), 15, "interest_rate", "记账利率应为0至0.2"),
    (None, Decimal("0.05"), 15, "late_fee_rate",
     "滞纳金日费率应为0至0.01之间的小数（0.0005表示每日0.05%）：0.05"),
    (None, Decimal("-0.0005"), 15, "late_fee_rate", "滞纳金日费率应为0至0.01"),
    (None, None, 15, "late_fee_rate", "滞纳金日费率应为0至0.01"),
    (None, Decimal("0.0005"), 0, "due_day", "缴费截止日应为1至31之间的整数（次月的第几日）：0"),
    (None, Decimal("0.0005"), 32, "due_day", "缴费截止日应为1至31"),
    (None, Decimal("0.0005"), None, "due_day", "缴费截止日应为1至31"),
    (None, Decimal("0.0005"), True, "due_day", "缴费截止日应为1至31"),
])
def test_terms_out_of_bounds_are_refused_naming_the_field(interest, rate, day, field, message):
    with pytest.raises(InvalidParameter) as caught:
        check_year_terms(interest, rate, day)
    assert caught.value.field == field
    assert str(caught.value).startswith(message)
    assert caught.value.template % caught.value.params == str(caught.value)
