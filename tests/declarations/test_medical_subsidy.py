"""C14 医疗账户补助金申报 from end to end: the roster page with 批设置 and individual adjusting,
the batch (报盘) import, 核对 → 提交 → review → approval, the medical_account_subsidy rows the
approval writes, the printed 社会保险费申报表 (pdftotext), the refusals (not insured in 310 here,
another unit's person, a wrong name, amounts out of bounds, a month in the future, a second
subsidy of the same month) and tenancy (another unit's draft, print and roster: 404)."""
import re
import subprocess
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models.declaration import Declaration, DeclarationItem
from models.medical import MedicalAccountSubsidy
from models.person import Enrollment, Person
from models.reference import Insurance
from models.unit import Unit
from rules.money import rmb_upper
from rules.months import add_months
from tests.declarations.flows import (
    MONTH, ORDINARY, THIS_MONTH, VIP, Employer, field_errors, pk_from, session_of,
)
from tests.declarations.registry_support import end_enrollments, imported, page_of, text

ROSTER = "/declare/c14/roster/"


def medical_staff(app, unit_no, limit, skip=0) -> list[Person]:
    """Active people of the unit insured here in 310 whom no C14 names yet; detached."""
    named = select(DeclarationItem.id_number).join(
        Declaration, Declaration.id == DeclarationItem.declaration_id).where(
        Declaration.business_code == "C14")
    with session_of(app) as s:
        people = s.scalars(
            select(Person).join(Enrollment, Enrollment.person_id == Person.id)
            .join(Unit, Unit.id == Enrollment.unit_id)
            .join(Insurance, Insurance.id == Enrollment.insurance_id)
            .where(Unit.unit_no == unit_no, Enrollment.end_month.is_(None),
                   Enrollment.category == "active", Enrollment.status == "normal",
                   Insurance.code == "310", Person.id_number.not_in(named))
            .group_by(Person.id).order_by(Person.id).offset(skip).limit(limit)).all()
        assert len(people) == limit
        s.expunge_all()
        return people


def roster_post(client, people_values: dict, action="save", picks=(), url=ROSTER, **setting):
    """The roster form as the browser posts it: ``people_values`` ID number → amount (month this
    month unless given as a (month, amount) pair)."""
    data = {"action": action, "pick": list(picks)}
    for number, value in people_values.items():
        month, amount = value if isinstance(value, tuple) else (THIS_MONTH, value)
        data[f"month-{number}"], data[f"amount-{number}"] = month, amount
    data.update({f"set-{k}": v for k, v in setting.items()})
    return client.post(url, data=data)


def subsidies(app, declaration_id=None, person_id=None) -> list[tuple]:
    with session_of(app) as s:
        query = select(MedicalAccountSubsidy.person_id, MedicalAccountSubsidy.unit_id,
                       MedicalAccountSubsidy.month, MedicalAccountSubsidy.amount,
                       MedicalAccountSubsidy.declaration_id)
        if declaration_id is not None:
            query = query.where(MedicalAccountSubsidy.declaration_id == declaration_id)
        if person_id is not None:
            query = query.where(MedicalAccountSubsidy.person_id == person_id)
        return [tuple(r) for r in s.execute(query.order_by(MedicalAccountSubsidy.person_id))]


def declarations_count(app) -> int:
    with session_of(app) as s:
        return s.scalar(select(func.count(Declaration.id))
                        .where(Declaration.business_code == "C14"))


def pdf_words(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                         check=True).stdout.decode()
    return "".join(out.split())


# ---- the roster with 批设置, the review, the effect, the print ---------------------------------

def test_roster_batch_set_adjust_submit_approve_and_print(app, employer, reviewer, as_user):
    a, b, c = medical_staff(app, ORDINARY, 3)
    # The menu opens on the roster: every 310 person of the unit, with an amount each.
    page = page_of(employer.get("/declare/c14/roster/"))
    assert all(p.id_number in page for p in (a, b, c))
    assert 'id="batch-set"' in page and "批设置" in page

    # 批设置: 1200 for the three ticked rows, nothing saved yet, Σ 3600.00.
    before = declarations_count(app)
    response = roster_post(employer, {}, action="batch_set", picks=[a.id_number, b.id_number,
                                                                    c.id_number],
                           amount="1200")
    page = page_of(response)
    assert response.status_code == 200 and declarations_count(app) == before
    for p in (a, b, c):
        assert re.search(rf'name="amount-{p.id_number}"[^>]*value="1200"', page), p.id_number
    assert 'id="total-amount">3600.00<' in page

    # … then adjusted by hand: b gets 1500.50. 下一步 stages the three as one batch draft.
    response = roster_post(employer, {a.id_number: "1200", b.id_number: "1500.50",
                                      c.id_number: "1200"})
    assert response.status_code == 302, field_errors(response)
    assert response.headers["Location"].endswith("/materials/")
    pk = pk_from(response.headers["Location"])
    with session_of(app) as s:
        d = s.get(Declaration, pk)
        assert (d.batch, d.item_count, d.status, d.insurance_codes) == (True, 3, "draft", "310")
        assert {i.id_number: (i.payload["month"], i.payload["amount"]) for i in d.items} == {
            a.id_number: (MONTH, "1200"), b.id_number: (MONTH, "1500.50"),
            c.id_number: (MONTH, "1200")}

    # 修改 opens the roster again with the draft's amounts.
    response = employer.get(f"/declare/c14/{pk}/edit/")
    assert response.headers["Location"].endswith(f"/declare/c14/{pk}/roster/")
    page = page_of(employer.get(f"/declare/c14/{pk}/roster/"))
    assert re.search(rf'name="amount-{b.id_number}"[^>]*value="1500.50"', page)

    wizard = Employer(employer, "C14")
    page = page_of(employer.get(f"/declare/c14/{pk}/check/"))
    assert 'id="roster-totals"' in page and "3900.50" in page
    wizard.submit(pk)
    page = reviewer.claim(pk)
    assert "3900.50" in page and "本月申报金额" in page  # the reviewer sees amounts and Σ
    reviewer.decide(pk)

    with session_of(app) as s:
        unit_id = s.scalar(select(Unit.id).where(Unit.unit_no == ORDINARY))
        assert s.get(Declaration, pk).status == "approved"
    assert subsidies(app, pk) == sorted([
        (a.id, unit_id, MONTH, Decimal("1200.00"), pk),
        (b.id, unit_id, MONTH, Decimal("1500.50"), pk),
        (c.id, unit_id, MONTH, Decimal("1200.00"), pk)])
    status = page_of(employer.get(f"/declare/c14/{pk}/"))
    assert "医疗账户补助金已记账3人，合计3900.50元" in status
    # 医疗账户补助金查询: the unit's own subsidies; another unit sees none of them.
    listed = page_of(employer.get(f"/medicalsubsidyview/list/?_flt_0_person.id_number={b.id_number}"))
    assert b.id_number in listed and "1500.50" in listed and text(MONTH) in listed
    other = page_of(as_user(VIP).get("/medicalsubsidyview/list/"))
    assert all(p.id_number not in other for p in (a, b, c))

    response = employer.get(f"/declare/c14/{pk}/print.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    words = pdf_words(response.data)
    for expected in ("社会保险费申报表", "医疗账户补助金", "37010000001", a.name, b.id_number,
                     text(MONTH), "1500.50", "3900.50", rmb_upper(Decimal("3900.50"))):
        assert expected in words, expected
    assert rmb_upper(Decimal("3900.50")) == "叁仟玖佰元伍角"

    # A second subsidy of the same month for a: refused on its row, nothing saved.
    before = declarations_count(app)
    response = roster_post(employer, {a.id_number: "100"})
    page = page_of(response)
    assert response.status_code == 200 and declarations_count(app) == before
    assert f"该人员{text(MONTH)}的医疗账户补助金已申报成功，同一月份不能重复申报" in page


def test_a_vip_units_roster_and_single_entry_are_approved_at_once(app, as_user):
    client = as_user(VIP)
    p, q = medical_staff(app, VIP, 2)
    response = roster_post(client, {p.id_number: "800"})
    assert response.status_code == 302, field_errors(response)
    pk = pk_from(response.headers["Location"])
    Employer(client, "C14").submit(pk)
    rows = subsidies(app, pk)
    assert [(r[0], r[2], r[3]) for r in rows] == [(p.id, MONTH, Decimal("800.00"))]
    # The single-person 录入 of the same business (one item, not a batch).
    assert 'id="to-roster"' in page_of(client.get("/declare/c14/new/"))
    pk = Employer(client, "C14").through_submit({
        "id_number": q.id_number, "name": q.name, "month": text(add_months(MONTH, -1)),
        "amount": "66.6"})
    rows = subsidies(app, pk)
    assert [(r[0], r[2], r[3]) for r in rows] == [(q.id, add_months(MONTH, -1), Decimal("66.60"))]


# ---- refusals: nothing saved, the reason on the row ----------------------------------------

@pytest.mark.parametrize("amount, reason", [
    ("10000.01", "本月申报金额不能超过10,000.00元，请核对"),
    ("-5", "本月申报金额应为不小于0、最多两位小数的金额"),
    ("12.345", "本月申报金额应为不小于0、最多两位小数的金额"),
    ("abc", "本月申报金额应为金额"),
])
def test_amounts_out_of_bounds_are_refused_on_their_row(app, employer, amount, reason):
    good, bad = medical_staff(app, ORDINARY, 2, skip=5)
    before = declarations_count(app)
    response = roster_post(employer, {good.id_number: "100", bad.id_number: amount})
    page = page_of(response)
    assert response.status_code == 200 and declarations_count(app) == before
    row = re.search(rf'data-id="{bad.id_number}".*?roster-error.*?class="text-danger">(.*?)</td>',
                    page, re.S)
    assert row and reason in row.group(1), page[:300]
    assert "有1行未通过核对" in page
    with session_of(app) as s:  # the refusal is audited
        from models.audit import AuditLog

        last = s.scalars(select(AuditLog).where(AuditLog.action == "batch_import")
                         .order_by(AuditLog.id.desc()).limit(1)).one()
        assert (last.success, last.username, last.detail["bad"], last.detail["good"]) == (
            False, ORDINARY, 1, 1)


def test_the_upper_bound_itself_and_zero_rows(app, employer):
    """10,000.00 is allowed; a row left at 0 or empty declares nothing (not an error)."""
    a, b, c = medical_staff(app, ORDINARY, 3, skip=8)
    response = roster_post(employer, {a.id_number: "10000", b.id_number: "0",
                                      c.id_number: ""})
    assert response.status_code == 302, field_errors(response)
    pk = pk_from(response.headers["Location"])
    with session_of(app) as s:
        assert [i.id_number for i in s.get(Declaration, pk).items] == [a.id_number]
    assert employer.post(f"/declare/c14/{pk}/act/void/").status_code == 302
    # Nothing declared at all: a clear message, no draft.
    before = declarations_count(app)
    page = page_of(roster_post(employer, {b.id_number: "0"}))
    assert "请至少为一名人员录入申报内容" in page and declarations_count(app) == before


def test_a_month_in_the_future_or_before_the_310_enrollment_is_refused(app, employer):
    (p,) = medical_staff(app, ORDINARY, 1, skip=12)
    page = page_of(roster_post(employer, {p.id_number: (text(add_months(MONTH, 1)), "100")}))
    assert "申报年月不能晚于本月" in page
    page = page_of(roster_post(employer, {p.id_number: ("1990-01", "100")}))
    assert "申报年月不能早于1995年1月" in page
    page = page_of(roster_post(employer, {p.id_number: ("1996-01", "100")}))
    assert "申报年月不能早于该人员在本单位参加医疗保险的年月" in page


def test_not_insured_in_310_another_units_person_and_a_wrong_name(app, employer):
    """The single-person 录入 (the roster lists only 310 people) runs the same registry checks."""
    (no_medical,) = medical_staff(app, ORDINARY, 1, skip=14)
    end_enrollments(app, no_medical.id, ORDINARY, codes=["310"])
    page = page_of(employer.get(ROSTER))
    assert no_medical.id_number not in page  # not listed: not insured in 310 here
    # A value posted for them anyway is never read: nothing to declare.
    assert "请至少为一名人员录入申报内容" in page_of(
        roster_post(employer, {no_medical.id_number: "100"}))

    def single(person, name=None):
        return page_of(employer.post("/declare/c14/new/", data={
            "id_number": person.id_number, "name": name or person.name, "month": THIS_MONTH,
            "amount": "100"}))

    assert "该人员未在本单位参加职工基本医疗保险，不能申报医疗账户补助金" in single(no_medical)
    (stranger,) = medical_staff(app, VIP, 1, skip=3)
    page = single(stranger, name="张冒名")  # nothing of the registry's about them is said
    assert "该人员不是本单位在职参保人员" in page and stranger.name not in page
    (p,) = medical_staff(app, ORDINARY, 1, skip=15)
    assert f"姓名与登记的姓名“{p.name}”不符" in single(p, name="张冒名")


# ---- the batch (报盘) -----------------------------------------------------------------------

def test_batch_import_with_a_bad_row_then_approval(app, employer, reviewer):
    a, b = medical_staff(app, ORDINARY, 2, skip=20)
    (stranger,) = medical_staff(app, VIP, 1, skip=5)
    good, bad, pk, error_file = imported(app, ORDINARY, "C14", [
        {"id_number": a.id_number, "name": a.name, "month": MONTH, "amount": "350"},
        {"id_number": b.id_number, "name": b.name, "month": MONTH, "amount": "20000"},
        {"id_number": stranger.id_number, "name": stranger.name, "month": MONTH,
         "amount": "350"}])
    assert (good, len(bad)) == (1, 2) and error_file
    reasons = [list(r["errors"].values())[0] for r in bad]
    assert reasons == ["本月申报金额不能超过10,000.00元，请核对", "该人员不是本单位在职参保人员"]
    errors = employer.get(f"/declare/c14/{pk}/errors.xlsx")
    assert errors.status_code == 200 and errors.data[:2] == b"PK"
    Employer(employer, "C14").submit(pk)
    reviewer.claim(pk)
    reviewer.decide(pk)
    assert [(r[0], r[3]) for r in subsidies(app, pk)] == [(a.id, Decimal("350.00"))]


def test_the_template_with_data_lists_the_310_staff_only(app, employer):
    from io import BytesIO

    from openpyxl import load_workbook

    (p,) = medical_staff(app, ORDINARY, 1, skip=25)
    end_enrollments(app, p.id, ORDINARY, codes=["310"])
    response = employer.get("/declare/c14/template.xlsx?data=1")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data)).worksheets[0]
    rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    numbers = {row[0] for row in rows}
    assert numbers and p.id_number not in numbers
    assert {str(row[2]).replace("-", "")[:6] for row in rows} == {str(MONTH)}  # this month
    assert {row[3] for row in rows} == {None}  # the amount is the clerk's to fill
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["社会保障号码", "姓名", "申报年月", "本月申报金额"]


# ---- tenancy ---------------------------------------------------------------------------------

def test_another_units_draft_roster_print_and_result_are_not_found(app, employer, as_user):
    (p,) = medical_staff(app, ORDINARY, 1, skip=30)
    response = roster_post(employer, {p.id_number: "66"})
    assert response.status_code == 302, field_errors(response)
    pk = pk_from(response.headers["Location"])
    other = as_user(VIP)
    for path in (f"/declare/c14/{pk}/roster/", f"/declare/c14/{pk}/", f"/declare/c14/{pk}/check/",
                 f"/declare/c14/{pk}/print.pdf", f"/declare/c14/{pk}/batch/"):
        assert other.get(path).status_code == 404, path
    response = roster_post(other, {p.id_number: "99999"}, url=f"/declare/c14/{pk}/roster/")
    assert response.status_code == 404
    with session_of(app) as s:
        assert [i.payload["amount"] for i in s.get(Declaration, pk).items] == ["66"]
    # The VIP unit's own roster never lists the ORDINARY unit's person.
    assert p.id_number not in page_of(other.get(ROSTER))
    # A roster route of a business without one: 404.
    assert employer.get("/declare/c2/roster/").status_code == 404


def test_a_unit_too_big_for_one_page_is_sent_to_the_batch(app, employer, monkeypatch):
    from views import roster_steps

    monkeypatch.setattr(roster_steps, "ROSTER_LIMIT", 2)
    response = employer.get(ROSTER)
    assert response.status_code == 302 and response.headers["Location"].endswith("/declare/c14/batch/")
    # The page's limit keeps a full roster's POST under Werkzeug's form-part limit.
    assert 3 * 300 + 10 < app.config.get("MAX_FORM_PARTS", 1000)


def test_an_export_with_data_file_imports_only_the_rows_given_an_amount(app, as_user):
    """导出含数据报盘文件 → fill two amounts → 批量导入: the others are skipped, not failed."""
    from io import BytesIO

    from openpyxl import load_workbook

    from app.batch import importer
    from tests.declarations.registry_support import acting

    client = as_user(ORDINARY)
    book = load_workbook(BytesIO(client.get("/declare/c14/template.xlsx?data=1").data))
    sheet = book.worksheets[0]
    a, b = medical_staff(app, ORDINARY, 2, skip=35)
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in (a.id_number, b.id_number):
            row[3].value = "321.5" if row[0].value == a.id_number else "0.5"
    buffer = BytesIO()
    book.save(buffer)
    with acting(app, ORDINARY) as (db, user):
        result = importer.import_file(user.unit_id, "C14", user, buffer.getvalue(), "c14.xlsx")
        assert (result.good, result.bad) == (2, 0)
        assert result.report["skipped"] > 0
        assert sorted(i.payload["amount"] for i in result.declaration.items) == ["0.5", "321.5"]
