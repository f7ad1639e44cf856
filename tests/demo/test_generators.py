"""The demo's pure generators: people, ID numbers, units and the history window (no database)."""
import random
from datetime import date

from stdnum.cn import uscc
from stdnum.iso7064 import mod_11_2

from app.demo.people import People, id_check_char, retirement_of
from app.demo.staff import Window
from app.demo.units import FIXED_UNIT_NOS, credit_code, plan_units
from rules import id_number
from rules.months import add_months, to_month
from rules.retirement import reaching_within

TODAY = date(2026, 3, 18)


def test_id_numbers_are_valid_unique_and_fast_to_make():
    people = People(random.Random(1), TODAY)
    made = [people.working_person() for _ in range(20_000)]
    numbers = [p["id_number"] for p in made]
    assert len(set(numbers)) == len(numbers)
    for person in made:
        number = person["id_number"]
        assert id_number.normalize(number, TODAY) == number
        assert number[-1] == mod_11_2.calc_check_digit(number[:17]) == id_check_char(number[:17])
        assert id_number.gender(number) == person["gender"]
        assert id_number.birth_date(number) == person["birth_date"]
        assert person["_retire"] > to_month(TODAY), "working people are below retirement age"


def test_one_birthday_in_one_county_never_runs_out_of_numbers():
    people = People(random.Random(2), TODAY)
    numbers = {people.id_number("370102", date(1990, 5, 1), "female") for _ in range(1200)}
    assert len(numbers) == 1200 and all(id_number.is_valid(n, TODAY) for n in numbers)


def test_retired_and_retiring_people():
    people = People(random.Random(3), TODAY)
    for _ in range(200):
        assert people.retired_person()["_retire"] <= to_month(TODAY)
    for months in (1, 2, 4, 5, 6):
        for category in ("male", "female_55", "female_50"):
            person = people.person_retiring_in(months, category)
            birth = person["birth_date"]
            assert retirement_of(to_month(birth), category) in (
                add_months(to_month(TODAY), months), add_months(to_month(TODAY), months + 1))
            assert reaching_within(birth, category, TODAY, months + 1)


def test_plan_puts_ten_percent_in_the_large_unit_and_the_rest_in_generated_units():
    plans = plan_units(200_000, random.Random(4))
    assert [p.unit_no for p in plans[:4]] == list(FIXED_UNIT_NOS)
    assert sum(p.size for p in plans) == 200_000
    assert plans[3].size == 20_000
    assert all(20 <= p.size <= 200 for p in plans[4:-1])
    assert len({p.unit_no for p in plans}) == len({p.name for p in plans}) == len(plans)
    assert all(len(p.unit_no) == 11 and p.unit_no.startswith("3701") for p in plans)


def test_credit_codes_are_valid_and_unique():
    codes = {credit_code(i, "370102") for i in range(1, 5000)}
    assert len(codes) == 4999 and all(uscc.is_valid(c) for c in codes)


def test_window_is_the_24_months_before_today():
    window = Window.of(date(2026, 1, 15))
    assert (window.first, window.last, window.years) == (202401, 202512, [2024, 2025])
    assert window.paid_through == 202510 and window.suspended_from == 202509
