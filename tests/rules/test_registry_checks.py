"""The registry checks of rules/checks/ over hand-built PersonFacts (no Flask, no database):
each refusal, each pass, and the wording a stranger's facts get (never their registered name,
birth date or phone: ``named`` says a registered value only to the person's own unit)."""
from datetime import date

import pytest

from rules.checks import changes, common, medical, retirement
from rules.checks import enrollment as enr
from rules.months import month_label
from rules.person_facts import PersonFacts, Span, named

TODAY = date(2026, 12, 7)
BIRTH = date(1985, 3, 15)
NUMBER = "370103198503150011"


def span(code="110", category="active", status="normal", start=201905, end=None, reason=None):
    return Span(code, category, status, start, end, reason)


def facts(here=(), **kw) -> PersonFacts:
    """A known person born 1985-03-15 named 何悦桂; ``here`` their spans at the declaring unit."""
    values = dict(id_number=NUMBER, known=True, name="何悦桂", gender="male", birth_date=BIRTH,
                  retirement_category="male", nation="01", phone="13912345678",
                  address="济南市历下区1号")
    values.update(kw)
    return PersonFacts(here=tuple(here), **values)


STAFF = (span("110"), span("210"), span("310", start=202001))
REDUCED = (span("110", status="ended", end=202401, reason="202"),
           span("210", status="ended", end=202401, reason="202"))
STRANGER = facts()  # known, never at this unit


def stranger_leaks(message: str, person: PersonFacts = STRANGER) -> bool:
    return any(v and v in message for v in (person.name, person.phone,
                                            person.birth_date.isoformat(), "1985-03"))


# ---- rules/person_facts.py -------------------------------------------------------------------

def test_person_facts_views():
    person = facts(STAFF + REDUCED + (span("310", category="retired", start=202501),))
    assert person.visible and not STRANGER.visible
    assert person.codes_here("active") == {"110", "210", "310"}
    assert person.codes_here("retired") == {"310"}
    assert person.codes_here(None) == {"110", "210", "310"}
    assert [s.end_month for s in person.ended_here()] == [202401, 202401]
    assert person.last_reduction().end_month == 202401
    assert facts().last_reduction() is None
    assert not span(status="ended").open and not span(end=202001).open
    assert span(status="suspended").open
    assert named(person, "有", "无") == "有" and named(STRANGER, "有", "无") == "无"
    assert (month_label(202401), month_label(None)) == ("2024-01", "")


# ---- common ----------------------------------------------------------------------------------

def test_readers_take_fresh_and_stored_values():
    assert common.month_of("202401") == common.month_of(202401) == 202401
    assert common.month_of("") is None and common.month_of("x") is None
    assert common.date_of("1985-03-15") == common.date_of(BIRTH) == BIRTH
    assert common.date_of("nonsense") is None and common.date_of(None) is None
    assert common.codes_of("110,210") == ["110", "210"] and common.codes_of(None) == []
    assert common.insurance_names(["310", "110"]) == "企业职工基本养老保险、职工基本医疗保险"


def test_no_unfinished_names_this_units_serial_and_never_another_units():
    assert common.no_unfinished({}, facts(), TODAY) == {}
    mine = common.no_unfinished({}, facts(unfinished=("SB202612070001",)), TODAY)
    assert "SB202612070001" in mine["id_number"] and "未办结" in mine["id_number"]
    other = common.no_unfinished({}, facts(at_center=True), TODAY)["id_number"]
    assert "正在经办机构审核" in other and "流水号" not in other


def test_name_matches():
    own = facts(STAFF)
    assert common.name_matches({"name": "何悦桂"}, own, TODAY) == {}
    assert common.name_matches({"name": " 何悦桂 "}, own, TODAY) == {}
    assert common.name_matches({"name": "张三"}, own, TODAY) == {
        "name": "姓名与登记的姓名“何悦桂”不符"}
    refused = common.name_matches({"name": "张三"}, STRANGER, TODAY)["name"]
    assert "不符" in refused and not stranger_leaks(refused)
    # An unknown person has no registered name to compare with; the person checks say so.
    assert common.name_matches({"name": "张三"}, PersonFacts(NUMBER), TODAY) == {}


def test_identity_matches():
    row = {"name": "何悦桂", "gender": "male", "birth_date": "1985-03-15"}
    assert common.identity_matches(row, STRANGER, TODAY) == {}
    assert common.identity_matches(dict(row, birth_date=BIRTH), STRANGER, TODAY) == {}
    assert common.identity_matches(dict(row, name="张三"), PersonFacts(NUMBER), TODAY) == {}
    wrong = {"name": "张三", "gender": "female", "birth_date": "1985-03-16"}
    own = common.identity_matches(wrong, facts(REDUCED), TODAY)
    assert own == {"name": "姓名与登记的姓名“何悦桂”不符", "gender": "性别与登记信息不符",
                   "birth_date": "出生日期与登记的出生日期1985-03-15不符"}
    hidden = common.identity_matches(wrong, STRANGER, TODAY)
    assert set(hidden) == {"name", "gender", "birth_date"}
    assert not any(stranger_leaks(m) for m in hidden.values()), hidden


@pytest.mark.parametrize("check, here, refused", [
    (common.staff_here, STAFF, None),
    (common.staff_here, REDUCED, "不是本单位在职参保人员"),
    (common.staff_here, (span(category="retired"),), "不是本单位在职参保人员"),
    (common.staff_here, (span(status="suspended"),), None),
    (common.retired_here, (span(category="retired"),), None),
    (common.retired_here, STAFF, "不是本单位离退休人员"),
    (common.reduced_here, REDUCED, None),
    (common.reduced_here, REDUCED + STAFF[:1], "仍在本单位参保"),
    (common.reduced_here, (), "不是本单位减员人员"),
])
def test_person_source_checks(check, here, refused):
    found = check({}, facts(here), TODAY)
    assert found == {} if refused is None else refused in found["id_number"]


# ---- enrollment: over the row ------------------------------------------------------------------

def test_row_checks_of_enrollment():
    assert enr.reduction_month({"end_month": 202701}, TODAY) == {}
    assert enr.reduction_month({"end_month": 202702}, TODAY) == {"end_month": "减员年月不能晚于下月"}
    assert enr.change_month({"month": 202701}, TODAY) == {}
    assert enr.change_month({"month": 202702}, TODAY) == {"month": "变更年月不能晚于下月"}
    assert enr.change_month({"month": 199412}, TODAY) == {"month": "变更年月不能早于1995年1月"}
    assert enr.enrollment_month({"start_month": 202612}, TODAY) == {}
    assert "追溯补缴" in enr.enrollment_month({"start_month": 202611}, TODAY)["start_month"]
    assert enr.enrollment_month({"start_month": 202611, "back_pay": True}, TODAY) == {}
    assert "晚于下月" in enr.enrollment_month({"start_month": 202702}, TODAY)["start_month"]
    assert enr.enrollment_month({"start_month": 199412, "back_pay": True}, TODAY) == {
        "start_month": "增员年月不能早于1995年1月"}


# ---- enrollment: over the row and the facts ---------------------------------------------------

def test_not_insured_anywhere():
    assert enr.not_insured_anywhere({}, PersonFacts(NUMBER), TODAY) == {}
    assert enr.not_insured_anywhere({}, facts(REDUCED), TODAY) == {}
    assert "本单位参保" in enr.not_insured_anywhere({}, facts(STAFF), TODAY)["id_number"]
    elsewhere = enr.not_insured_anywhere({}, facts(elsewhere=frozenset({"110"})), TODAY)
    assert "其他单位参保" in elsewhere["id_number"] and "单位“" not in elsewhere["id_number"]
    assert "已办理退休" in enr.not_insured_anywhere({}, facts(retired=True), TODAY)["id_number"]


def test_starts_after_last_reduction():
    reduced = facts(REDUCED)
    assert enr.starts_after_last_reduction({"start_month": 202401}, reduced, TODAY) == {}
    assert enr.starts_after_last_reduction({"start_month": "202612"}, reduced, TODAY) == {}
    assert enr.starts_after_last_reduction({"start_month": 202312}, reduced, TODAY) == {
        "start_month": "增员年月不能早于该人员在本单位的减员年月2024-01"}
    assert enr.starts_after_last_reduction({"start_month": 200001}, STRANGER, TODAY) == {}


def test_reduction_after_start():
    staff = facts(STAFF)  # latest open start 2020-01
    assert enr.reduction_after_start({"end_month": 202001}, staff, TODAY) == {}
    assert enr.reduction_after_start({"end_month": "202612"}, staff, TODAY) == {}
    assert enr.reduction_after_start({"end_month": 200101}, staff, TODAY) == {
        "end_month": "减员年月不能早于该人员在本单位的参保年月2020-01"}
    retired = facts((span("310", category="retired", start=202305),))
    assert "2023-05" in enr.reduction_after_start({"end_month": 202301}, retired,
                                                  TODAY)["end_month"]
    assert enr.reduction_after_start({"end_month": 200101}, facts(REDUCED), TODAY) == {}


@pytest.mark.parametrize("row, refused", [
    ({"direction": "add", "insurances": "410,510"}, None),
    ({"direction": "add", "insurances": "110,410"}, ("insurances", "已参加企业职工基本养老保险，无需增加")),
    ({"direction": "remove", "insurances": "210"}, None),
    ({"direction": "remove", "insurances": "510"}, ("insurances", "未在本单位参加生育保险，不能减少")),
    ({"direction": "remove", "insurances": "110,210,310"}, ("insurances", "停止参保请办理在职减员")),
    ({"direction": "remove", "insurances": "310", "month": 201912},
     ("month", "变更年月不能早于该险种的参保年月2020-01")),
    ({"direction": "remove", "insurances": "310", "month": "202001"}, None),
])
def test_insurances_change(row, refused):
    found = enr.insurances_change(row, facts(STAFF), TODAY)
    if refused is None:
        assert found == {}
    else:
        field, text = refused
        assert set(found) == {field} and text in found[field]


def test_reduce_reason_changes():
    reduced = facts(REDUCED)
    assert enr.reduce_reason_changes({"reduce_reason": "201"}, reduced, TODAY) == {}
    assert enr.reduce_reason_changes({"reduce_reason": "202"}, reduced, TODAY) == {
        "reduce_reason": "变更后减员原因与当前减员原因相同"}


# ---- changes --------------------------------------------------------------------------------

def test_person_changes_something():
    own = facts(STAFF)
    assert changes.something_changes({}, TODAY) == {"new_name": "请至少填写一项变更内容"}
    assert changes.something_changes({"phone": "13900000000"}, TODAY) == {}
    assert changes.person_changes_something({"phone": "13900000000"}, own, TODAY) == {}
    # One field new, one the same: something changes.
    assert changes.person_changes_something({"phone": "13912345678", "address": "新地址"},
                                            own, TODAY) == {}
    same = {"new_name": "何悦桂", "phone": "13912345678", "address": "济南市历下区1号",
            "nation": "01"}
    assert changes.person_changes_something(same, own, TODAY) == {
        field: "与登记信息相同，无需变更" for field in same}
    assert changes.person_changes_something({"phone": "13912345678"}, own, TODAY) == {
        "phone": "与登记信息相同，无需变更"}


def test_unit_changes_something():
    unit = {"name": "甲公司", "address": "经十路1号", "postcode": None, "legal_person": "张三",
            "contact_name": "李四", "contact_phone": "13900000000"}
    assert changes.unit_changes_something(dict(unit, postcode=""), unit, TODAY) == {
        "name": "变更内容与单位现有登记信息相同，无需变更"}
    assert changes.unit_changes_something(dict(unit, postcode="250000"), unit, TODAY) == {}
    assert changes.unit_changes_something(dict(unit, name="乙公司"), unit, TODAY) == {}


# ---- medical ---------------------------------------------------------------------------------

def test_stop_month():
    assert medical.stop_month({"stop_month": 202612}, TODAY) == {}
    assert medical.stop_month({"stop_month": 202702}, TODAY) == {"stop_month": "停保年月不能晚于下月"}
    assert medical.stop_month({"stop_month": 199001}, TODAY) == {
        "stop_month": "停保年月不能早于1995年1月"}


def test_resident_here_or_unemployed():
    assert medical.resident_here_or_unemployed({}, STRANGER, TODAY) == {}
    assert medical.resident_here_or_unemployed({}, facts(REDUCED), TODAY) == {}
    assert "未找到该人员" in medical.resident_here_or_unemployed(
        {}, PersonFacts(NUMBER), TODAY)["id_number"]
    employee = facts(elsewhere=frozenset({"310"}))
    refused = medical.resident_here_or_unemployed({}, employee, TODAY)["id_number"]
    assert "不是城乡居民医疗保险参保人员" in refused and not stranger_leaks(refused, employee)


# ---- retirement ------------------------------------------------------------------------------

OLD = dict(birth_date=date(1960, 1, 10), retirement_category="male")  # statutory 2020-01


def retiree(paid_years=15, **kw) -> PersonFacts:
    return facts(REDUCED, paid_months=paid_years * 12, **OLD | kw)


def test_retire_month_not_future():
    assert retirement.retire_month_not_future({"retire_month": 202612}, TODAY) == {}
    assert retirement.retire_month_not_future({"retire_month": 202701}, TODAY) == {
        "retire_month": "退休年月不能晚于本月"}


@pytest.mark.parametrize("person, month, refused", [
    (retiree(), 202401, None),
    (retiree(), "202612", None),
    (retiree(retired=True), 202401, ("id_number", "已办理退休，不能重复办理")),
    (retiree(elsewhere=frozenset({"110"})), 202401, ("id_number", "须该单位先办理减员")),
    (retiree(), 202312, ("retire_month", "退休年月不能早于减员年月2024-01")),
    (retiree(birth_date=date(1970, 1, 10)), 202401,
     ("retire_month", "该人员2031-05达到法定退休年龄，退休年月不能早于该月")),  # 延迟退休
    (retiree(paid_years=10), 202401, ("id_number", "累计缴费10年0个月，不足最低缴费年限15年")),
    (facts(REDUCED, paid_months=179, **OLD), 202401, ("id_number", "累计缴费14年11个月")),
])
def test_may_retire(person, month, refused):
    found = retirement.may_retire({"retire_month": month}, person, TODAY)
    if refused is None:
        assert found == {}
    else:
        field, text = refused
        assert set(found) == {field} and text in found[field], found


def test_may_retire_asks_for_the_contribution_months():
    assert "paid_months" in retirement.may_retire.needs


def valid_id(birth: str, seq: str = "001") -> str:
    from stdnum.iso7064 import mod_11_2

    body = f"370103{birth}{seq}"  # odd 17th digit: 男
    return body + mod_11_2.calc_check_digit(body)


def test_person_matches_id():
    number = valid_id("19850315")
    row = {"id_number": number, "birth_date": BIRTH, "gender": "male",
           "retirement_category": "male"}
    assert enr.person_matches_id(row, TODAY) == {}
    assert enr.person_matches_id({}, TODAY) == {}
    wrong = dict(row, birth_date=date(1985, 3, 16), gender="female",
                 retirement_category="female_55")
    assert enr.person_matches_id(wrong, TODAY) == {
        "birth_date": "出生日期与身份证号码不符", "gender": "性别与身份证号码不符",
        "retirement_category": "退休年龄类别与性别不符"}


def test_below_retirement_age():
    young = {"id_number": valid_id("19850315"), "retirement_category": "male",
             "start_month": 202612}
    assert enr.below_retirement_age(young, TODAY) == {}
    assert enr.below_retirement_age({"id_number": young["id_number"]}, TODAY) == {}
    old = dict(young, id_number=valid_id("19600110"))
    assert enr.below_retirement_age(old, TODAY) == {
        "id_number": "该人员已于2020-01达到法定退休年龄，不能增员"}
