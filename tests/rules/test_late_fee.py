from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.errors import InvalidMonth, InvalidParameter, InvalidRate
from rules.late_fee import days_late, due_date, late_fee


def test_due_date_is_the_15th_of_the_next_month():
    assert due_date(202403) == date(2024, 4, 15)
    assert due_date(202412) == date(2025, 1, 15)
    assert due_date(202401, due_day=20) == date(2024, 2, 20)


def test_due_day_past_month_end_means_last_day():
    assert due_date(202401, due_day=31) == date(2024, 2, 29)
    assert due_date(202301, due_day=30) == date(2023, 2, 28)


@pytest.mark.parametrize("due_day", [0, 32, "15", None])
def test_bad_due_day(due_day):
    with pytest.raises(InvalidParameter):
        due_date(202401, due_day=due_day)


def test_bad_fee_month():
    with pytest.raises(InvalidMonth):
        due_date(202413)


@pytest.mark.parametrize(
    "pay_date, days",
    [(date(2024, 4, 1), 0), (date(2024, 4, 15), 0), (date(2024, 4, 16), 1), (date(2024, 5, 15), 30),
     (date(2025, 4, 15), 365)],
)
def test_days_count_from_the_day_after_the_due_date_through_the_pay_date(pay_date, days):
    assert days_late(202403, pay_date) == days


def test_late_fee_examples():
    # 1000 × 0.0005 × 30 = 15.00
    assert late_fee(Decimal("1000"), 202403, date(2024, 5, 15)) == Decimal("15.00")
    # 784.56 × 0.0005 × 1 = 0.39228 → 0.39
    assert late_fee(Decimal("784.56"), 202403, date(2024, 4, 16)) == Decimal("0.39")
    # 523.04 × 0.0005 × 3 = 0.78456 → 0.78 ; 10 days: 2.6152 → 2.62
    assert late_fee(Decimal("523.04"), 202403, date(2024, 4, 18)) == Decimal("0.78")
    assert late_fee(Decimal("523.04"), 202403, date(2024, 4, 25)) == Decimal("2.62")
    # 10 × 0.0005 × 1 = 0.005 → half-up 0.01
    assert late_fee(Decimal("10"), 202403, date(2024, 4, 16)) == Decimal("0.01")


def test_no_fee_when_paid_on_time_and_no_cap():
    assert late_fee(Decimal("1000"), 202403, date(2024, 4, 15)) == Decimal("0.00")
    # Twenty-five years late: the fee passes the amount itself, nothing caps it.
    fee = late_fee(Decimal("2000"), 200001, date(2025, 2, 15))
    assert fee == Decimal("2000") * Decimal("0.0005") * (date(2025, 2, 15) - date(2000, 2, 15)).days
    assert fee > Decimal("2000")


def test_other_rate_and_due_day():
    assert late_fee(Decimal("1000"), 202403, date(2024, 4, 25), rate=Decimal("0.001"), due_day=20) == Decimal("5.00")


def test_refusals():
    with pytest.raises(InvalidParameter):
        late_fee(Decimal("-1"), 202403, date(2024, 5, 1))
    with pytest.raises(InvalidRate):
        late_fee(Decimal("1"), 202403, date(2024, 5, 1), rate=Decimal("-0.0005"))
    with pytest.raises(TypeError):
        late_fee(1000.0, 202403, date(2024, 5, 1))


@given(st.decimals(min_value=0, max_value=10**6, places=2),
       st.dates(date(2000, 1, 1), date(2030, 12, 31)).map(lambda d: d.year * 100 + d.month),
       st.dates(date(2000, 1, 1), date(2031, 12, 31)))
def test_fee_grows_with_days_and_is_zero_before_due(amount, fee_month, pay_date):
    fee = late_fee(amount, fee_month, pay_date)
    days = days_late(fee_month, pay_date)
    assert fee >= 0 and fee == fee.quantize(Decimal("0.01"))
    assert abs(fee - amount * Decimal("0.0005") * days) <= Decimal("0.005")
    if pay_date <= due_date(fee_month):
        assert days == 0 and fee == 0
