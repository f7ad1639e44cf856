"""C1 在职增员 takes the 济南 manual's 户口所在地, 参加工作日期 and 二级单位 (issue 11 §6): through
the wizard and the review into the registry, and through the Excel template, where a file made
without the new columns still imports."""
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from models.declaration import DeclarationItem
from models.person import Enrollment, Person
from tests.batch.test_batch_import import filled, person, upload
from tests.declarations.flows import (
    ORDINARY, Employer, Reviewer, field_errors, new_id, new_person_form, session_of,
)

NEW_COLUMNS = ["户口所在地", "参加工作日期", "二级单位"]


def test_the_wizard_writes_the_new_fields_to_the_person_and_the_enrollments(app, as_user):
    employer = Employer(as_user(ORDINARY), "C1")
    pk = employer.enter(new_person_form(
        70, name="户口甲", hukou_place="山东省济南市长清区鲁安18-2", first_work_month="2012-07",
        sub_unit="二车间"))
    employer.upload_required(pk)
    page = employer.check(pk)
    for shown in ("户口所在地", "山东省济南市长清区鲁安18-2", "参加工作日期", "2012-07",
                  "二级单位", "二车间"):
        assert shown in page, shown
    employer.submit(pk)
    reviewer = Reviewer(as_user("reviewer"))
    reviewer.claim(pk)
    assert 'data-status="approved"' in reviewer.decide(pk)
    with session_of(app) as s:
        p = s.scalar(select(Person).where(Person.id_number == new_id(70)))
        assert (p.hukou_place, p.first_work_month) == ("山东省济南市长清区鲁安18-2", 201207)
        spans = s.scalars(select(Enrollment).where(Enrollment.person_id == p.id)).all()
        assert spans and {e.sub_unit for e in spans} == {"二车间"}


def test_the_new_fields_are_optional(app, as_user):
    employer = Employer(as_user(ORDINARY), "C1")
    pk = employer.enter(new_person_form(71, name="户口乙"))
    with session_of(app) as s:
        item = s.scalar(select(DeclarationItem).where(DeclarationItem.declaration_id == pk))
        assert item.payload.get("hukou_place") is None
        assert item.payload.get("first_work_month") is None
        assert item.payload.get("sub_unit") is None


def test_a_work_month_after_the_enrollment_is_refused_on_the_form(as_user):
    client = as_user(ORDINARY)
    response = client.post("/declare/c1/new/", data=new_person_form(
        72, name="户口丙", first_work_month="2099-01"))
    assert response.status_code == 200
    assert "参加工作日期不能晚于本月" in field_errors(response)
    response = client.post("/declare/c1/new/", data=new_person_form(
        72, name="户口丙", sub_unit="车" * 101))
    assert response.status_code == 200
    assert "二级单位不能超过100个字符" in field_errors(response)


def _template_columns(client) -> tuple[bytes, list[str]]:
    template = client.get("/declare/c1/template.xlsx").data
    sheet = load_workbook(io.BytesIO(template)).worksheets[0]
    return template, [str(c.value) for c in sheet[1]]


def _batch_pk(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(re.search(r"/(\d+)/batch/", response.headers["Location"]).group(1))


def test_the_template_carries_the_new_columns_last(as_user):
    _template, headers = _template_columns(as_user(ORDINARY))
    assert [h.rstrip("*").strip() for h in headers[-3:]] == NEW_COLUMNS


def test_a_file_without_the_new_columns_still_imports(app, as_user):
    client = as_user(ORDINARY)
    template, headers = _template_columns(client)
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    sheet.delete_cols(len(headers) - 2, 3)  # the template as it was before issue 11
    out = io.BytesIO()
    book.save(out)
    pk = _batch_pk(upload(client, "/declare/c1/batch/", filled(out.getvalue(), [person(73)])))
    page = client.get(f"/declare/c1/{pk}/batch/").get_data(as_text=True)
    assert 'id="good-count">1<' in page and 'id="bad-count">0<' in page


def test_a_file_with_the_new_columns_carries_them_into_the_declaration(app, as_user):
    client = as_user(ORDINARY)
    template, _headers = _template_columns(client)
    row = person(74) + ["山东省济南市历下区", "2015-09", "销售部"]
    pk = _batch_pk(upload(client, "/declare/c1/batch/", filled(template, [row])))
    with session_of(app) as s:
        item = s.scalar(select(DeclarationItem).where(DeclarationItem.declaration_id == pk))
        assert (item.payload["hukou_place"], item.payload["first_work_month"],
                item.payload["sub_unit"]) == ("山东省济南市历下区", 201509, "销售部")
