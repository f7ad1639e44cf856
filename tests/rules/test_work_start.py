"""参加工作日期 of a 增员 (rules/work_start.py) and its place in the C1 registry entry."""
from datetime import date

from rules import business
from rules.work_start import first_work_month

TODAY = date(2026, 12, 7)
NUMBER = "110101199003070011"  # born 1990-03-07


def test_empty_is_accepted():
    assert first_work_month({"start_month": 202612}, TODAY) == {}


def test_a_month_between_working_age_and_the_enrollment_is_accepted():
    assert first_work_month({"first_work_month": 200603, "start_month": 202612,
                             "id_number": NUMBER}, TODAY) == {}
    assert first_work_month({"first_work_month": 202612, "start_month": 202612}, TODAY) == {}


def test_not_after_this_month():
    assert first_work_month({"first_work_month": 202701, "start_month": 202701}, TODAY) == {
        "first_work_month": "参加工作日期不能晚于本月"}


def test_not_after_the_enrollment_month():
    assert first_work_month({"first_work_month": 202611, "start_month": 202610}, TODAY) == {
        "first_work_month": "参加工作日期不能晚于增员年月"}


def test_not_before_sixteen_by_the_id_number_or_the_birth_date():
    young = {"first_work_month": 200602, "start_month": 202612, "id_number": NUMBER}
    assert first_work_month(young, TODAY) == {
        "first_work_month": "参加工作日期早于该人员年满16周岁"}
    typed = {"first_work_month": 200001, "start_month": 202612,
             "birth_date": date(1985, 6, 1)}
    assert first_work_month(typed, TODAY) == {
        "first_work_month": "参加工作日期早于该人员年满16周岁"}


def test_c1_takes_the_manual_fields_as_optional_and_checks_the_month():
    c1 = business.get("C1")
    for name, kind in (("hukou_place", "text"), ("first_work_month", "month"),
                       ("sub_unit", "text")):
        assert c1.field(name).kind == kind and c1.field(name).required is False
    choices = {"gender": {"male": "男"}, "retirement_category": {"male": "男"},
               "employment_form": {"01": "合同制"}, "person_category": {"01": "城镇职工"},
               "change_reason:add": {"101": "新参加工作"}, "nation": {}}
    row = {"id_number": NUMBER, "name": "张三", "gender": "male", "birth_date": "1990-03-07",
           "retirement_category": "male", "phone": "13912345678", "employment_form": "01",
           "person_category": "01", "add_reason": "101", "start_month": "2026-12",
           "insurances": "110", "wage": "5000", "hukou_place": "山东省济南市长清区",
           "first_work_month": "2027-01", "sub_unit": "二车间"}
    cleaned, errors = business.validate(c1, row, choices, TODAY)
    assert errors == {"first_work_month": "参加工作日期不能晚于本月"}
    cleaned, errors = business.validate(c1, {**row, "first_work_month": "2012-07"},
                                        choices, TODAY)
    assert errors == {}
    assert (cleaned["hukou_place"], cleaned["first_work_month"], cleaned["sub_unit"]) == (
        "山东省济南市长清区", 201207, "二车间")
    _cleaned, errors = business.validate(c1, {**row, "sub_unit": "车" * 101,
                                              "first_work_month": ""}, choices, TODAY)
    assert errors == {"sub_unit": "二级单位不能超过100个字符"}
