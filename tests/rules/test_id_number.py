from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.iso7064 import mod_11_2

from rules.errors import InvalidIdNumber, RuleError
from rules.id_number import (
    PROVINCE_CODES,
    birth_date,
    gender,
    is_valid,
    numbers_in,
    normalize,
    parse,
    upgrade_15,
)

TODAY = date(2025, 6, 1)


def with_check(body17: str) -> str:
    return body17 + mod_11_2.calc_check_digit(body17)


def reason_of(number, today=TODAY) -> str:
    with pytest.raises(InvalidIdNumber) as caught:
        normalize(number, today)
    return caught.value.reason


@pytest.mark.parametrize("number", ["11010519491231002X", "34052419800101001X"])
def test_spec_examples_are_valid(number):
    assert normalize(number, TODAY) == number
    assert is_valid(number, TODAY)


def test_unknown_county_is_accepted():
    # 340524 is one of the codes stdnum.cn.ric chokes on; 119999 does not exist at all.
    assert normalize(with_check("11999919800101001"), TODAY).startswith("119999")


def test_lowercase_x_is_stored_uppercase():
    assert normalize("11010519491231002x", TODAY) == "11010519491231002X"


def test_whitespace_and_full_width_are_cleaned():
    assert normalize("  11010519491231002X\t", TODAY) == "11010519491231002X"
    assert normalize("１１０１０５１９４９１２３１００２ｘ", TODAY) == "11010519491231002X"


def test_birth_before_1900_is_rejected_even_with_correct_check():
    assert mod_11_2.calc_check_digit("44052418800101001") == "4"
    assert reason_of("440524188001010014") == "出生日期无效"


@pytest.mark.parametrize(
    "number, reason",
    [
        ("1101051949123100", "长度不正确"),
        ("11010519491231002X1", "长度不正确"),
        ("", "长度不正确"),
        ("1101051949123100AX", "长度不正确"),
        ("11010519491231002Y", "校验位错误"),
        ("110105194912310021", "校验位错误"),
        (with_check("00010519800101001"), "地区码无效"),
        (with_check("99010519800101001"), "地区码无效"),
        (with_check("16010519800101001"), "地区码无效"),
        (with_check("11010519800230001"), "出生日期无效"),
        (with_check("11010519801301001"), "出生日期无效"),
        (with_check("11010518991231001"), "出生日期无效"),
        (with_check("11010520250602001"), "出生日期无效"),
        ("110105800230001", "出生日期无效"),
        ("990105800101001", "地区码无效"),
    ],
)
def test_each_fault_is_named(number, reason):
    assert reason_of(number) == reason


@pytest.mark.parametrize("number", [None, 11010519491231002, 110105194912310020, b"11010519491231002X"])
def test_non_strings_are_rejected_as_id_errors(number):
    with pytest.raises(InvalidIdNumber, match="长度不正确"):
        normalize(number, TODAY)
    assert not is_valid(number, TODAY)


def test_errors_are_value_errors_with_chinese_message():
    with pytest.raises(ValueError) as caught:
        normalize("11010519491231002Y", TODAY)
    assert isinstance(caught.value, RuleError)
    assert "校验位错误" in str(caught.value)
    assert str(caught.value).startswith("身份证号码")


def test_birth_on_today_is_allowed_and_1900_01_01_is_the_earliest():
    assert is_valid(with_check("11010520250601001"), TODAY)
    assert is_valid(with_check("11010519000101001"), TODAY)


def test_legacy_15_digit_number_is_upgraded():
    assert normalize("110105491231002", TODAY) == "11010519491231002X"
    assert upgrade_15("110105491231002") == "11010519491231002X"
    with pytest.raises(InvalidIdNumber, match="长度不正确"):
        upgrade_15("11010519491231002X")


def test_birth_date_and_gender():
    assert birth_date("11010519491231002X") == date(1949, 12, 31)
    assert gender("11010519491231002X") == "female"  # 17th digit 2
    assert gender(with_check("11010519800101001")) == "male"
    with pytest.raises(InvalidIdNumber):
        birth_date("11010519491231002Y")


def test_parse_gives_number_birth_and_gender_at_once():
    person = parse("11010519491231002x", TODAY)
    assert person == ("11010519491231002X", date(1949, 12, 31), "female")
    assert (person.number, person.birth, person.gender) == tuple(person)


def test_the_remembered_parse_still_judges_the_birth_against_each_today():
    number = with_check("11010520250601001")
    assert parse(number, TODAY).birth == TODAY  # now remembered …
    with pytest.raises(InvalidIdNumber, match="出生日期无效"):  # … and still too young a day before
        parse(number, date(2025, 5, 31))


def test_a_future_birth_is_named_before_a_wrong_check_character():
    body = "11010520250602001"
    wrong = next(c for c in "0123456789X" if c != mod_11_2.calc_check_digit(body))
    assert reason_of(body + wrong) == "出生日期无效"
    assert reason_of(body + wrong, date(2025, 6, 2)) == "校验位错误"


@pytest.mark.parametrize("number", [["11010519491231002X"], {"a": 1}])
def test_unhashable_values_are_id_errors_too(number):
    with pytest.raises(InvalidIdNumber, match="长度不正确"):
        parse(number, TODAY)


provinces = st.sampled_from(sorted(PROVINCE_CODES))
counties = st.integers(0, 9999)
sequences = st.integers(0, 999)


@given(provinces, counties, st.dates(date(1900, 1, 1), TODAY), sequences)
def test_any_well_formed_number_normalizes_to_itself(province, county, born, sequence):
    number = with_check(f"{province:02d}{county:04d}{born:%Y%m%d}{sequence:03d}")
    assert normalize(number, TODAY) == number
    assert normalize(number.lower(), TODAY) == number
    assert birth_date(number) == born
    assert gender(number) == ("male" if sequence % 2 else "female")


@given(provinces, counties, st.dates(date(1900, 1, 1), date(1999, 12, 31)), sequences)
def test_15_to_18_upgrade_round_trip(province, county, born, sequence):
    address = f"{province:02d}{county:04d}"
    legacy = f"{address}{born:%y%m%d}{sequence:03d}"
    upgraded = normalize(legacy, TODAY)
    assert upgraded == with_check(f"{address}{born:%Y%m%d}{sequence:03d}")
    assert normalize(upgraded, TODAY) == upgraded
    assert birth_date(upgraded) == born


@given(provinces, counties, st.dates(date(1900, 1, 1), TODAY), sequences,
       st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_is_caught(province, county, born, sequence, position, shift):
    # MOD 11-2 detects every single substitution, whichever rule reports it first.
    number = with_check(f"{province:02d}{county:04d}{born:%Y%m%d}{sequence:03d}")
    changed_digit = str((int(number[position]) + shift) % 10)
    changed = number[:position] + changed_digit + number[position + 1:]
    assert not is_valid(changed, TODAY)


@given(provinces, counties, st.dates(date(1900, 1, 1), TODAY), sequences,
       st.sampled_from("0123456789X"))
def test_a_wrong_check_character_is_named(province, county, born, sequence, check):
    body = f"{province:02d}{county:04d}{born:%Y%m%d}{sequence:03d}"
    if check != mod_11_2.calc_check_digit(body):
        assert reason_of(body + check) == "校验位错误"


def test_numbers_in_a_pasted_list():
    a, b = with_check("11010519491231002"), with_check("37010219900101001")
    assert a.endswith("X") and b.endswith("X")
    text = f" {a}\n{b.lower()}，{a}；１２３、\t\n{b[:-1]}0 "
    numbers, refused = numbers_in(text, TODAY)
    assert numbers == [a, b]  # normalized (x → X), each once, in the order given
    assert refused == ["123", b[:-1] + "0"]  # full-width digits folded; a wrong check digit
    assert numbers_in("", TODAY) == ([], []) and numbers_in(" \n ", TODAY) == ([], [])
