from datetime import date
from decimal import Decimal

import pytest
from stdnum.iso7064 import mod_11_2

from rules import business
from rules.errors import RuleError
from rules.fields import Field, clean

TODAY = date(2026, 11, 22)
CHOICES = {
    "gender": {"male": "男", "female": "女"},
    "retirement_category": {"male": "男", "female_55": "女(原55岁)", "female_50": "女(原50岁)"},
    "employment_form": {"01": "合同制"},
    "person_category": {"01": "城镇职工"},
    "change_reason:add": {"11": "新参加工作"},
    "change_reason:reduce": {"21": "辞职"},
    "nation": {"01": "汉族"},
}
GOOD_C1 = {
    "id_number": "34052419800101001X", "name": "李四", "gender": "male",
    "birth_date": "1980-01-01", "retirement_category": "male", "phone": "13912345678",
    "employment_form": "01", "person_category": "01", "add_reason": "新参加工作",
    "start_month": "2026-11", "insurances": "110，310, 210", "wage": "6000.00",
}


def test_every_business_is_complete():
    for code, b in business.BUSINESSES.items():
        assert b.code == code and b.name and b.effect and b.fields
        assert len({f.name for f in b.fields}) == len(b.fields)
        if b.subject == "person":
            assert b.fields[0].name == "id_number"


def test_good_enrollment_is_cleaned():
    cleaned, errors = business.validate(business.get("C1"), GOOD_C1, CHOICES, TODAY)
    assert errors == {}
    assert cleaned["add_reason"] == "11"  # the name in a template maps to its code
    assert cleaned["insurances"] == "110,210,310"
    assert cleaned["start_month"] == 202611 and cleaned["wage"] == Decimal("6000.00")


@pytest.mark.parametrize("change,field,reason", [
    ({"id_number": "34052419800101001"}, "id_number", "长度不正确"),
    ({"birth_date": "1980-01-02"}, "birth_date", "出生日期与身份证号码不符"),
    ({"gender": "female"}, "gender", "性别与身份证号码不符"),
    ({"start_month": "2027-01"}, "start_month", "不能晚于下月"),
    ({"start_month": "2026-05"}, "start_month", "需选择追溯补缴"),
    ({"start_month": "1990-01", "back_pay": "是"}, "start_month", "1995"),
    ({"insurances": "110,999"}, "insurances", "999"),
    ({"phone": "12345"}, "phone", "11位"),
    ({"add_reason": "99"}, "add_reason", "不在可选范围"),
    ({"name": ""}, "name", "不能为空"),
])
def test_bad_enrollment_names_the_field_and_reason(change, field, reason):
    _, errors = business.validate(business.get("C1"), {**GOOD_C1, **change}, CHOICES, TODAY)
    assert reason in errors[field]


def test_back_pay_allows_an_earlier_month():
    data = {**GOOD_C1, "start_month": "2026-05", "back_pay": "是"}
    assert business.validate(business.get("C1"), data, CHOICES, TODAY)[1] == {}


def test_person_past_retirement_age_cannot_be_enrolled():
    data = {**GOOD_C1, "id_number": "11010519491231002X", "birth_date": "1949-12-31",
            "gender": "female", "retirement_category": "female_50"}
    _, errors = business.validate(business.get("C1"), data, CHOICES, TODAY)
    assert "法定退休年龄" in errors["id_number"]


def test_unknown_business():
    with pytest.raises(RuleError, match="未知业务类型"):
        business.get("C99")


@pytest.mark.parametrize("raw,month", [("2026-11", 202611), ("202611", 202611),
                                       ("2026/1", 202601), (date(2026, 3, 5), 202603),
                                       ("２０２６－１１", 202611)])
def test_month_field_accepts_the_usual_spellings(raw, month):
    assert clean(Field("m", "年月", "month"), raw) == month


def test_money_field_refuses_three_decimals_and_negatives():
    f = Field("w", "工资", "money")
    with pytest.raises(RuleError):
        clean(f, "1.234")
    with pytest.raises(RuleError):
        clean(f, "-1")
    assert clean(f, "1,234.50") == Decimal("1234.50")


def test_an_id_number_is_judged_against_the_day_of_the_validation():
    born_today = "11010520261122001"
    number = born_today + mod_11_2.calc_check_digit(born_today)
    f = Field("id_number", "社会保障号码", "id_number")
    assert clean(f, number, today=TODAY) == number
    with pytest.raises(RuleError, match="出生日期无效"):
        clean(f, number, today=date(2026, 11, 21))


@pytest.mark.parametrize("raw", ["  李四 ", "李四\u3000", "ＬＩ Ｓｉ"])
def test_text_is_trimmed_and_folded_whether_ascii_or_not(raw):
    assert clean(Field("name", "姓名", "name"), raw) == {"  李四 ": "李四", "李四\u3000": "李四",
                                                      "ＬＩ Ｓｉ": "LI Si"}[raw]


def test_a_choice_by_name_or_by_code_gives_the_code():
    f = Field("nation", "民族", "choice", source="nation")
    choices = {"nation": {"01": "汉族", "02": "蒙古族"}}
    assert clean(f, "蒙古族", choices) == clean(f, "02", choices) == "02"
    with pytest.raises(RuleError, match="不在可选范围"):
        clean(f, "火星族", choices)


def test_a_memo_gives_the_same_verdicts_and_remembers_repetitive_fields():
    c1, memo = business.get("C1"), {}
    rows = [GOOD_C1, {**GOOD_C1, "wage": "1.234"}, {**GOOD_C1, "add_reason": "99"},
            {**GOOD_C1, "start_month": "2026-05"}, {**GOOD_C1, "insurances": ["110", "210"]},
            {**GOOD_C1, "id_number": "34052419800101001"}, GOOD_C1]
    for row in rows:
        assert business.validate(c1, row, CHOICES, TODAY, memo) == \
            business.validate(c1, row, CHOICES, TODAY)
    assert ("wage", "1.234") in memo and ("add_reason", "新参加工作") in memo
    assert all(name not in {"id_number", "name", "phone"} for name, _ in memo)
    assert all(not isinstance(raw, list) for _, raw in memo)  # lists are just cleaned



@pytest.mark.parametrize("raw, expected", [
    (" 9137010231455521xh ", "9137010231455521XH"),  # spaces and case as typed
    ("9137010231455521XA", "无效"),  # wrong check character
    ("91370102314555", "无效"),  # too short
    ("", None),  # optional: blank stays blank
])
def test_credit_code_is_checked_with_its_check_character(raw, expected):
    from rules.errors import RuleError
    from rules.fields import Field, clean

    field = Field("credit_code", "统一社会信用代码", "credit_code", required=False)
    if expected == "无效":
        with pytest.raises(RuleError, match="统一社会信用代码.*无效"):
            clean(field, raw)
    else:
        assert clean(field, raw) == expected


@pytest.mark.parametrize("raw, ok", [("250000", True), (" 250001 ", True), ("２５００００", True),
                                     ("25000", False), ("2500001", False), ("25000A", False)])
def test_postcode_is_six_digits(raw, ok):
    from rules.errors import RuleError
    from rules.fields import Field, clean

    field = Field("postcode", "邮政编码", "postcode")
    if ok:
        assert clean(field, raw) == raw.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    else:
        with pytest.raises(RuleError, match="邮政编码应为6位数字"):
            clean(field, raw)
