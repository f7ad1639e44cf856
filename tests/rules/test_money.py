from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.errors import InvalidAmount
from rules.money import rmb_upper, to_decimal, to_fen, to_yuan


@pytest.mark.parametrize(
    "value, expected",
    [(Decimal("1.005"), "1.01"), (Decimal("1.004"), "1.00"), (Decimal("-1.005"), "-1.01"),
     (Decimal("2.675"), "2.68"), (3, "3.00"), ("12.345", "12.35"), (" 7.5 ", "7.50")],
)
def test_to_fen_rounds_half_up(value, expected):
    result = to_fen(value)
    assert result == Decimal(expected)
    assert str(result) == expected


def test_to_yuan_rounds_half_up():
    assert to_yuan(Decimal("3269.5")) == Decimal("3270")
    assert to_yuan(Decimal("3269.49")) == Decimal("3269")


@pytest.mark.parametrize("value", [1.5, 0.1, True, None, [1]])
def test_floats_and_other_types_are_refused(value):
    with pytest.raises(TypeError):
        to_fen(value)


@pytest.mark.parametrize("value", ["abc", "", "NaN", "Infinity", Decimal("NaN")])
def test_bad_text_is_an_amount_error(value):
    with pytest.raises(InvalidAmount, match="金额格式不正确"):
        to_decimal(value)


@pytest.mark.parametrize(
    "amount, words",
    [
        ("3500", "叁仟伍佰元整"),
        ("1409.50", "壹仟肆佰零玖元伍角"),
        ("6007.14", "陆仟零柒元壹角肆分"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("107000.53", "壹拾万柒仟元伍角叁分"),
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("1005", "壹仟零伍元整"),
        ("10", "壹拾元整"),
        ("0.05", "伍分"),
        ("0", "零元整"),
    ],
)
def test_spec_examples(amount, words):
    assert rmb_upper(Decimal(amount)) == words
    assert rmb_upper(amount) == words


def test_amount_is_rounded_to_the_fen_first():
    assert rmb_upper(Decimal("3499.995")) == "叁仟伍佰元整"
    assert rmb_upper(Decimal("0.004")) == "零元整"
    assert rmb_upper(3500) == "叁仟伍佰元整"


def test_negative_amounts_and_negative_zero():
    assert rmb_upper(Decimal("-1409.50")) == "负壹仟肆佰零玖元伍角"
    assert rmb_upper(Decimal("-0.001")) == "零元整"


def test_prefix_for_forms():
    assert rmb_upper(Decimal("10"), prefix=True) == "人民币壹拾元整"


def test_float_is_refused():
    with pytest.raises(TypeError):
        rmb_upper(3500.0)


DIGITS = "零壹贰叁肆伍陆柒捌玖"
ALLOWED = set(DIGITS + "拾佰仟万亿元角分整负")


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_never_crashes_and_ends_with_a_unit(amount):
    words = rmb_upper(amount)
    assert words[-1] in "整角分"
    assert set(words) <= ALLOWED
    assert words.endswith("整") == (amount == amount.to_integral_value())


@given(st.integers(0, 99))
def test_fen_part_is_spelled_out(cents):
    # Independent spelling of the 角/分 tail for amounts 1.00–1.99 (1 yuan avoids the leading-zero case).
    jiao, fen = divmod(cents, 10)
    expected = "壹元"
    if cents == 0:
        expected += "整"
    else:
        expected += (DIGITS[jiao] + "角") if jiao else "零"
        expected += (DIGITS[fen] + "分") if fen else ""
    amount = (Decimal(100 + cents) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert rmb_upper(amount) == expected
