"""Regression tests of issue 11 §1 (declarations agree with the registry), on the demo data:
each defect through the wizard (web POST as the employer) and, for batch businesses, through
the Excel import; where it applies, through the approval too."""
from datetime import date

import pytest
from sqlalchemy import select

from models.person import Person
from models.unit import Unit
from rules.months import add_months
from tests.declarations.flows import (
    LARGE,
    MONTH,
    ORDINARY,
    THIS_MONTH,
    VIP,
    Employer,
    declaration,
    free_person,
    new_id,
    new_person_form,
    open_spans,
    reduce_with_commands,
    retirable_person,
    session_of,
)
from tests.declarations.registry_support import (
    form,
    LAST_MONTH,
    NEXT_MONTH,
    bad_reasons,
    declarations_of,
    end_enrollments,
    imported,
    items_named,
    refused,
    staff_of,
    text,
)
from tests.own_database import own_app

app = own_app("module")  # C3 uses up units' years: the package's other tests keep theirs
YEAR = date.today().year
WRONG = "张冒名"


# ---- C2 / C2 batch: 减员年月 before the enrollment's start ------------------------------------

def test_c2_reduction_before_the_enrollment_start_is_refused(app, employer):
    person = free_person(app, ORDINARY)
    start = max(s[3] for s in open_spans(app, person.id, ORDINARY) if s[4] is None)
    reason = f"减员年月不能早于该人员在本单位的参保年月{text(start)}"
    refused(employer, "C2", form(person, reduce_reason="202", end_month="2001-01"), reason)
    good, bad, _, _ = imported(app, ORDINARY, "C2", [
        {"id_number": person.id_number, "name": person.name, "end_month": 200101}])
    assert good == 0 and [b["errors"] for b in bad] == [{"减员年月": reason}]
    assert declarations_of(app, person.id_number, "C2") == []
    assert open_spans(app, person.id, ORDINARY) and all(
        s[4] is None for s in open_spans(app, person.id, ORDINARY) if s[3] == start)


# ---- 姓名 against the registered name --------------------------------------------------------

def name_case(app, code):
    """(the unit's person for ``code``, the wizard's other fields)."""
    if code in ("C2", "C3", "C5", "C7", "C8"):
        person = free_person(app, ORDINARY)
    elif code == "C2R":
        person = free_person(app, ORDINARY, category="retired", born_after=date(1900, 1, 1))
    elif code == "C10":
        person = retirable_person(app, ORDINARY)
        reduce_with_commands(app, ORDINARY, person)
    else:  # C9, C18: a person this unit reduced (a resident now, and still the unit's to see)
        person = free_person(app, ORDINARY)
        reduce_with_commands(app, ORDINARY, person)
    fields = {
        "C2": {"reduce_reason": "202", "end_month": THIS_MONTH},
        "C2R": {"reduce_reason": "205", "end_month": THIS_MONTH},
        "C3": {"year": str(YEAR), "declared_wage": "6000"},
        "C5": {"start_month": text(LAST_MONTH), "end_month": text(LAST_MONTH), "base": "5000",
               "insurances": ["110"]},
        "C7": {"phone": "13600000009"},
        "C8": {"direction": "remove", "insurances": ["510"], "month": THIS_MONTH},
        "C9": {"reduce_reason": "201"},
        "C10": {"retire_month": THIS_MONTH},
        "C18": {"stop_month": THIS_MONTH, "reason": "employee"},
    }[code]
    return person, fields


@pytest.mark.parametrize("code", ["C2", "C2R", "C3", "C5", "C7", "C8", "C9", "C10", "C18"])
def test_a_name_other_than_the_registered_one_is_refused(app, employer, code):
    person, fields = name_case(app, code)
    reason = f"姓名与登记的姓名“{person.name}”不符"
    refused(employer, code, {**form(person, **fields), "name": WRONG}, reason)
    if code in ("C2", "C3", "C5", "C18"):  # the batch businesses
        good, bad, _, _ = imported(app, ORDINARY, code, [
            {"id_number": person.id_number, "name": WRONG}])
        assert good == 0 and bad[0]["errors"] == {"姓名": reason}
    # Nothing holds the wrong name: no 减员表 or approval can print or apply it.
    assert items_named(app, person.id_number, WRONG) == 0


# ---- C1 续保 of a known person --------------------------------------------------------------

def renewable(app):
    person = free_person(app, LARGE, born_after=date(1980, 1, 1))
    reduce_with_commands(app, LARGE, person)
    return person


def renewal_form(person, seq, **change):
    return new_person_form(seq, **{
        "id_number": person.id_number, "name": person.name, "gender": person.gender,
        "birth_date": person.birth_date.isoformat(),
        "retirement_category": person.retirement_category, "add_reason": "103", **change})


def test_c1_renewal_with_another_identity_is_refused(app, employer):
    person = renewable(app)
    other_gender = "female" if person.gender == "male" else "male"
    for change, reason, registered in (
            ({"name": WRONG}, "姓名与该社会保障号码登记的姓名不符", person.name),
            ({"gender": other_gender}, "性别与", None),
            ({"birth_date": "1979-02-03"}, "出生日期与", person.birth_date.isoformat())):
        page = refused(employer, "C1", renewal_form(person, 0, **change), reason)
        # Never employed here: the registry's value is not read out (the form keeps what
        # was typed, so only the refused field's registered value is looked for).
        if registered:
            assert registered not in page, registered
    good, bad, _, _ = imported(app, ORDINARY, "C1", [{
        "id_number": person.id_number, "name": WRONG, "gender": person.gender,
        "birth_date": person.birth_date, "retirement_category": person.retirement_category,
        "add_reason": "103"}])
    assert good == 0 and "姓名与该社会保障号码登记的姓名不符" in bad[0]["errors"]["姓名"]
    assert person.name not in str(bad)
    assert items_named(app, person.id_number, WRONG) == 0


def test_c1_renewal_by_import_on_a_vip_unit_leaves_the_person_row_alone(app):
    person = renewable(app)
    good, bad, pk, _ = imported(app, VIP, "C1", [{
        "id_number": person.id_number, "name": person.name, "gender": person.gender,
        "birth_date": person.birth_date, "retirement_category": person.retirement_category,
        "add_reason": "103", "phone": "13700000077", "address": "济南市槐荫区新地址9号"}],
        submit=True)
    assert (good, bad) == (1, [])
    d = declaration(app, pk)
    assert (d.status, d.auto_decided) == ("approved", True), d.return_reason
    assert d.items[0].person_id == person.id
    with session_of(app) as s:
        after = s.get(Person, person.id)
        # Contact facts only fill what the registry lacks; a change of them is a C7.
        assert (after.name, after.gender, after.birth_date, after.phone, after.address) == (
            person.name, person.gender, person.birth_date, person.phone or "13700000077",
            person.address or "济南市槐荫区新地址9号")
    assert sorted(s[0] for s in open_spans(app, person.id, VIP) if s[4] is None)


def test_c1_renewal_in_the_wizard_on_a_vip_unit_leaves_the_person_row_alone(app, as_user):
    person = renewable(app)
    pk = Employer(as_user(VIP), "C1").through_submit(renewal_form(
        person, 0, phone="13700000078", address="济南市天桥区新地址8号"))
    d = declaration(app, pk)
    assert (d.status, d.auto_decided) == ("approved", True), d.return_reason
    with session_of(app) as s:
        after = s.get(Person, person.id)
        assert (after.name, after.phone, after.address) == (
            person.name, person.phone or "13700000078", person.address or "济南市天桥区新地址8号")


# ---- C10 中断转退休 ----------------------------------------------------------------------------

def test_c10_refuses_below_age_too_few_years_and_a_future_month(app, employer):
    person = retirable_person(app, ORDINARY)  # 男, born 1960-01: statutory 2020-01
    reduce_with_commands(app, ORDINARY, person)
    refused(employer, "C10", form(person, retire_month="2019-12"),
            "该人员2020-01达到法定退休年龄，退休年月不能早于该月")
    refused(employer, "C10", form(person, retire_month=text(NEXT_MONTH)), "退休年月不能晚于本月")
    few = retirable_person(app, ORDINARY, paid_years=10)
    reduce_with_commands(app, ORDINARY, few)
    refused(employer, "C10", form(few, retire_month=THIS_MONTH),
            "累计缴费10年0个月，不足最低缴费年限")
    assert declarations_of(app, person.id_number, "C10") == []
    assert declarations_of(app, few.id_number, "C10") == []


# ---- C8 人员险种增加/减少, C6/C7 a change that changes nothing -------------------------------

def test_c8_refuses_a_no_op_and_a_future_month(app, employer):
    person = free_person(app, ORDINARY)
    assert "110" in [s[0] for s in open_spans(app, person.id, ORDINARY) if s[4] is None]
    refused(employer, "C8", form(person, direction="add", insurances=["110"], month=THIS_MONTH),
            "该人员已参加企业职工基本养老保险，无需增加")
    end_enrollments(app, person.id, ORDINARY, codes={"510"})
    refused(employer, "C8", form(person, direction="remove", insurances=["510"],
                                 month=THIS_MONTH), "该人员未在本单位参加生育保险，不能减少")
    refused(employer, "C8", form(person, direction="add", insurances=["510"],
                                 month=text(add_months(MONTH, 2))), "变更年月不能晚于下月")
    assert declarations_of(app, person.id_number, "C8") == []


def test_c6_and_c7_changes_that_change_nothing_are_refused(app, employer):
    with session_of(app) as s:
        unit = s.scalar(select(Unit).where(Unit.unit_no == ORDINARY))
        facts = {k: getattr(unit, k) or "" for k in (
            "name", "address", "postcode", "legal_person", "contact_name", "contact_phone")}
    refused(employer, "C6", facts, "变更内容与单位现有登记信息相同，无需变更")
    person = free_person(app, ORDINARY)
    refused(employer, "C7", form(person, new_name=person.name), "与登记信息相同，无需变更")
    assert declarations_of(app, person.id_number, "C7") == []


# ---- a rejected declaration in 待办 is unfinished ---------------------------------------------

def test_a_rejected_c1_in_the_inbox_holds_its_person_until_voided(app, employer, reviewer):
    wizard = Employer(employer, "C1")
    data = new_person_form(61, name="被退回人")
    first = wizard.through_submit(data)
    reviewer.claim(first)
    assert 'data-status="rejected"' in reviewer.decide(first, verdict="reject",
                                                       opinion="劳动合同缺页")
    serial = declaration(app, first).serial_no
    refused(employer, "C1", data, f"流水号{serial}")
    good, bad, _, _ = imported(app, ORDINARY, "C1", [{
        "id_number": new_id(61), "name": "被退回人", "gender": "male",
        "birth_date": date(1990, 1, 1), "retirement_category": "male"}])
    assert good == 0 and serial in bad_reasons(bad)

    assert wizard.act(first, "void").status_code == 302
    assert declaration(app, first).status == "void"
    second = wizard.through_submit(data)  # the person is free again
    reviewer.claim(second)
    reviewer.decide(second, verdict="reject", opinion="照片不清晰")
    response = wizard.act(second, "reopen")
    assert response.status_code == 302 and response.headers["Location"].endswith("/edit/")
    wizard.submit(second)
    assert declaration(app, second).status == "submitted"


# ---- C3: one person's declaration leaves the year open for the rest --------------------------

def test_c3_single_person_then_the_batch_of_the_other_staff(app, as_user):
    people = staff_of(app, VIP, limit=4)
    single, others = people[0], people[1:]
    pk = Employer(as_user(VIP), "C3").through_submit(
        form(single, year=str(YEAR), declared_wage="7000"))
    d = declaration(app, pk)
    assert d.status == "approved", d.return_reason
    rows = [{"id_number": p.id_number, "name": p.name, "year": YEAR, "declared_wage": "6500"}
            for p in others]
    good, bad, _, _ = imported(app, VIP, "C3", rows)
    assert (good, bad) == (len(others), [])
    good, bad, _, _ = imported(app, VIP, "C3", [
        {"id_number": single.id_number, "name": single.name, "year": YEAR,
         "declared_wage": "6500"}])
    assert good == 0 and f"流水号{d.serial_no}" in bad_reasons(bad)
    refused(as_user(VIP), "C3", form(single, year=str(YEAR), declared_wage="7000"),
            f"流水号{d.serial_no}")


# ---- C18: another unit's employee -----------------------------------------------------------

def test_c18_refuses_another_units_employee(app, employer):
    stranger = free_person(app, VIP)
    reason = "该人员不是城乡居民医疗保险参保人员，不能办理居民医疗停保"
    page = refused(employer, "C18", form(stranger, stop_month=THIS_MONTH, reason="employee"),
                   reason)
    good, bad, _, _ = imported(app, ORDINARY, "C18", [
        {"id_number": stranger.id_number, "name": stranger.name}])
    assert good == 0 and bad[0]["errors"] == {"社会保障号码": reason}
    assert declarations_of(app, stranger.id_number, "C18") == []
    assert stranger.birth_date.isoformat() not in page
