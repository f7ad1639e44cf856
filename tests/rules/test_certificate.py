"""参保缴费证明 rules (RULES.md §9): the code, the masked ID, the purposes and the month range."""
from datetime import date

import pytest

from rules import certificate as rules
from rules.errors import RuleError
from rules.months import parse_month

TODAY = date(2026, 12, 7)


def test_codes_are_long_random_and_typeable():
    codes = {rules.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == rules.CODE_LENGTH >= 16 for c in codes)
    assert set("".join(codes)) == set(rules.CODE_ALPHABET)  # every letter is used …
    assert not set("".join(codes)) & set("01OIL")  # … and no look-alike


def test_a_typed_code_is_read_without_dashes_spaces_or_case():
    code = "ABCDEFGHJKMNPQRSTUVW"
    assert rules.grouped(code) == "ABCD-EFGH-JKMN-PQRS-TUVW"
    assert rules.normalize_code(" abcd-efgh jkmn-pqrs-tuvw ") == code
    for bad in ("", None, "ABCD", code + "X", "ABCDEFGHJKMNPQRSTUV0", "' OR 1=1 --"):
        assert rules.normalize_code(bad) is None


def test_the_id_shows_its_first_six_and_last_four():
    assert rules.masked_id("370102199001011234") == "370102********1234"
    assert rules.masked_id("37010219900101123X") == "370102********123X"
    assert rules.masked_id("12345") == "*****"


def test_purposes():
    assert rules.purpose_of(" 购房 ") == "购房"
    with pytest.raises(RuleError, match="请选择打印用途"):
        rules.purpose_of("随便")


@pytest.mark.parametrize("start, end, expected", [
    ("2025-01", "2025-12", (202501, 202512)),
    ("2025/1", "202611", (202501, 202611)),
    ("2025年3月", "2025年3月", (202503, 202503)),
])
def test_good_periods(start, end, expected):
    assert rules.period(start, end, TODAY) == expected


@pytest.mark.parametrize("start, end, reason", [
    ("2025-13", "2025-12", "起始年月不是有效的年月"),
    ("abc", "2025-12", "起始年月格式应为YYYY-MM"),
    ("2025-01", "2027-01", "终止年月不能晚于本月"),
    ("2025-06", "2025-01", "终止年月不能早于起始年月"),
    ("1989-12", "2025-01", "起始年月不能早于1990年1月"),
    ("2025-01", "", "终止年月格式应为YYYY-MM"),
])
def test_bad_periods(start, end, reason):
    with pytest.raises(RuleError, match=reason):
        rules.period(start, end, TODAY)


def test_parse_month_takes_dates_too():
    assert parse_month(date(2026, 3, 9)) == 202603
