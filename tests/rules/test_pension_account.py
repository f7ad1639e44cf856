"""养老个人账户 (RULES.md §4): 8 % credits, interest = opening × rate + credits × rate × 1.083 × ½."""
from decimal import Decimal as D

import pytest

from rules.errors import InvalidParameter, InvalidRate
from rules.pension_account import monthly_credit, statement, year_interest

RATES = {2016: D("0.0831"), 2017: D("0.0712"), 2018: D("0.0829"), 2019: D("0.0761"),
         2020: D("0.0604"), 2021: D("0.0669"), 2022: D("0.0612"), 2023: D("0.0397"),
         2024: D("0.0262")}


def test_monthly_credit_is_eight_percent_of_the_base():
    assert monthly_credit(D("5000")) == D("400.00")
    assert monthly_credit("3269.31") == D("261.54")  # 261.5448
    assert monthly_credit("3269.44") == D("261.56")  # 261.5552, half-up


def test_interest_worked_numbers():
    # 4800 × 3.97 % × 1.083 × ½ = 103.18824
    assert year_interest(0, D("4800"), D("0.0397")) == D("103.19")
    # 4903.19 × 2.62 % = 128.463578; 5760 × 2.62 % × 1.083 × ½ = 81.718848; sum 210.182426
    assert year_interest(D("4903.19"), D("5760"), D("0.0262")) == D("210.18")


def test_interest_rounds_half_up_not_to_even():
    assert year_interest(D("1.25"), 0, D("0.02")) == D("0.03")  # 0.025
    assert year_interest(D("1.75"), 0, D("0.02")) == D("0.04")  # 0.035


def test_factor_is_a_parameter():
    assert year_interest(0, D("1200"), D("0.05"), factor=D("1")) == D("30.00")


def test_two_years_carry_the_balance():
    bases = [(202300 + m, D("5000")) for m in range(1, 13)]
    bases += [(202400 + m, D("6000")) for m in range(1, 13)]
    y2023, y2024 = statement(bases, RATES)
    assert (y2023.year, y2023.opening, y2023.months, y2023.credits) == (2023, D("0.00"), 12,
                                                                         D("4800.00"))
    assert (y2023.interest, y2023.closing) == (D("103.19"), D("4903.19"))
    assert (y2024.opening, y2024.credits, y2024.interest) == (D("4903.19"), D("5760.00"),
                                                              D("210.18"))
    assert y2024.closing == D("10873.37")


def test_a_later_first_year_opens_with_the_carried_balance():
    bases = [(202300 + m, D("5000")) for m in range(1, 13)]
    bases += [(202400 + m, D("6000")) for m in range(1, 13)]
    only = statement(bases, RATES, first_year=2024, last_year=2024)
    assert [line.year for line in only] == [2024]
    assert only[0].opening == D("4903.19")


def test_a_year_without_an_announced_rate_earns_nothing_yet():
    bases = [(202501, D("5000")), (202502, D("5000"))]
    (line,) = statement(bases, RATES, opening=D("1000"))
    assert line.rate is None
    assert (line.opening, line.credits, line.interest, line.closing) == (
        D("1000.00"), D("800.00"), D("0.00"), D("1800.00"))


def test_empty_years_between_credits_still_earn_on_the_balance():
    lines = statement([(201601, D("10000"))], RATES, last_year=2017)
    assert [line.year for line in lines] == [2016, 2017]
    # 2016: 800 × 8.31 % × 1.083 × ½ = 35.99892 → 36.00; 2017: 836.00 × 7.12 % = 59.5232
    assert lines[0].interest == D("36.00")
    assert lines[1].months == 0 and lines[1].interest == D("59.52")
    assert lines[1].closing == D("895.52")


def test_nothing_credited_gives_no_lines():
    assert statement([], RATES) == []


def test_bad_input_is_refused():
    with pytest.raises(InvalidRate):
        year_interest(100, 100, D("2.62"))  # a percent where a fraction belongs
    with pytest.raises(InvalidParameter):
        monthly_credit(D("-1"))
    with pytest.raises(InvalidParameter):
        statement([(202401, D("1"))], RATES, first_year=2025, last_year=2024)
    with pytest.raises(TypeError):
        monthly_credit(5000.0)
