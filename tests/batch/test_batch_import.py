"""报盘 through the web: template → fill → import with a bad row → error workbook → fix →
re-import → submit → partial review → 审核失败人员列表."""
import io
import re

from openpyxl import load_workbook
from sqlalchemy import func, select

from models.declaration import Declaration, DeclarationItem
from tests.declarations.test_commands import THIS_MONTH, new_id
from tests.declarations.test_wizard_views import png


def filled(template: bytes, rows: list[list]) -> bytes:
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    for r, values in enumerate(rows, 2):
        for c, value in enumerate(values, 1):
            sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def name_of(seq: int) -> str:
    return "批量" + "零一二三四五六七八九"[seq % 10]


def person(seq, **change):
    row = {"id_number": new_id(seq), "name": name_of(seq), "gender": "男",
           "birth_date": "1990-01-01", "nation": "汉族", "retirement_category": "男",
           "phone": "13912345678", "address": "", "employment_form": "合同制",
           "person_category": "城镇职工", "add_reason": "新参加工作",
           "start_month": THIS_MONTH, "insurances": "110,310", "wage": "5000", "back_pay": "否"}
    row.update(change)
    return list(row.values())


def upload(client, url, data, name="staff.xlsx"):
    return client.post(url, data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_whole_batch_round_trip(app, as_user):
    employer, reviewer = as_user("37010000001"), as_user("reviewer")
    template = employer.get("/declare/c1/template.xlsx")
    assert template.status_code == 200
    bad = person(43, id_number="370102199001014X31")  # not an ID number
    response = upload(employer, "/declare/c1/batch/",
                      filled(template.data, [person(41), person(42), bad]))
    assert response.status_code == 302
    pk = int(re.search(r"/(\d+)/batch/", response.headers["Location"]).group(1))
    page = employer.get(f"/declare/c1/{pk}/batch/").get_data(as_text=True)
    assert 'id="good-count">2<' in page and 'id="bad-count">1<' in page
    assert "社会保障号码" in page and ">4<" in page  # row 4, the ID column
    errors = employer.get(f"/declare/c1/{pk}/errors.xlsx")
    sheet = load_workbook(io.BytesIO(errors.data)).worksheets[0]
    assert sheet.cell(row=2, column=1).value == 4
    assert "长度" in str(sheet.cell(row=2, column=sheet.max_column).value) or \
        "身份证" in str(sheet.cell(row=2, column=sheet.max_column).value)

    fixed = filled(template.data, [person(41), person(42), person(43)])
    upload(employer, f"/declare/c1/{pk}/batch/", fixed)
    page = employer.get(f"/declare/c1/{pk}/batch/").get_data(as_text=True)
    assert 'id="good-count">3<' in page and 'id="bad-count">0<' in page
    from app.extensions import db

    with app.app_context():
        assert db.session.scalar(select(func.count(DeclarationItem.id)).where(
            DeclarationItem.declaration_id == pk)) == 3  # replaced, not appended

    for kind in ("id_card", "contract"):
        employer.post(f"/declare/c1/{pk}/materials/", data={
            "material_type": kind, "file": (io.BytesIO(png()), f"{kind}.png")},
            content_type="multipart/form-data")
    assert employer.post(f"/declare/c1/{pk}/act/submit/").status_code == 302
    reviewer.post(f"/review/{pk}/claim/")
    detail = reviewer.get(f"/review/{pk}/").get_data(as_text=True)
    ids = re.findall(r'name="approve" value="(\d+)"', detail)
    assert len(ids) == 3
    reviewer.post(f"/review/{pk}/decide/", data={
        "verdict": "approve", "approve": ids[:2], "shown": ids, "opinion": "第三人材料不全"})
    with app.app_context():
        assert db.session.get(Declaration, pk).status == "partial"
    failures = employer.get(f"/declare/c1/{pk}/failures.xlsx")
    sheet = load_workbook(io.BytesIO(failures.data)).worksheets[0]
    assert sheet.cell(row=2, column=3).value == name_of(43)


def test_bad_files_are_refused_with_a_reason_and_nothing_staged(app, as_user):
    employer = as_user("37010000001")
    from app.extensions import db

    with app.app_context():
        before = db.session.scalar(select(func.count(Declaration.id)))
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    page = upload(employer, "/declare/c1/batch/", xls, "old.xls")
    assert "另存为.xlsx" in employer.get(page.headers["Location"]).get_data(as_text=True)
    wrong = employer.get("/declare/c2/template.xlsx").data
    page = upload(employer, "/declare/c1/batch/", wrong)
    assert "模板" in employer.get(page.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Declaration.id))) == before


def test_other_units_cannot_reach_a_batch(app, as_user):
    owner, other = as_user("37010000001"), as_user("37010000002")
    template = owner.get("/declare/c1/template.xlsx").data
    response = upload(owner, "/declare/c1/batch/", filled(template, [person(44)]))
    pk = int(re.search(r"/(\d+)/batch/", response.headers["Location"]).group(1))
    for path in (f"/declare/c1/{pk}/batch/", f"/declare/c1/{pk}/errors.xlsx",
                 f"/declare/c1/{pk}/failures.xlsx"):
        assert other.get(path).status_code == 404, path
    assert other.post(f"/declare/c1/{pk}/drop/", data={"item": "1"}).status_code == 404
    assert upload(other, f"/declare/c1/{pk}/batch/", template).status_code == 404


def test_export_with_data_lists_current_staff(as_user):
    employer = as_user("37010000001")
    data = employer.get("/declare/c2/template.xlsx?data=1").data
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.max_row >= 50
    assert re.fullmatch(r"\d{17}[\dX]", str(sheet.cell(row=2, column=1).value))


def test_batch_pages_are_not_offered_for_single_businesses(as_user):
    assert as_user("37010000001").get("/declare/c6/batch/").status_code == 404


def test_a_file_that_inflates_large_is_imported_by_the_job_whatever_its_size(app, as_user,
                                                                              monkeypatch):
    """A file of repeated rows compresses a hundred thousand rows into 256 KB: the inflated size
    sends it to the memory-limited job too, not into the web worker."""
    from app import jobs
    from app.batch.workbook import unzipped_size
    from views import batch_steps

    employer = as_user("37010000001")
    data = filled(employer.get("/declare/c1/template.xlsx").data,
                  [person(s) for s in range(60, 62)])
    assert len(data) <= batch_steps.BACKGROUND_BYTES
    monkeypatch.setattr(batch_steps, "BACKGROUND_UNZIPPED", unzipped_size(data))
    inline = upload(employer, "/declare/c1/batch/", data)
    assert "/jobs/" not in inline.headers["Location"]
    data = filled(employer.get("/declare/c1/template.xlsx").data,
                  [person(s) for s in range(62, 64)])
    monkeypatch.setattr(batch_steps, "BACKGROUND_UNZIPPED", unzipped_size(data) - 1)
    to_job = upload(employer, "/declare/c1/batch/", data).headers["Location"]
    assert "/jobs/" in to_job
    job_id = re.search(r"/jobs/([0-9a-f-]{36})/", to_job).group(1)
    with app.app_context():
        assert jobs.wait(job_id, timeout=60).status == "done"


def test_large_files_are_imported_by_a_background_job(app, as_user, monkeypatch):
    from app import jobs
    from views import batch_steps

    monkeypatch.setattr(batch_steps, "BACKGROUND_BYTES", 0)
    employer = as_user("37010000001")
    template = employer.get("/declare/c1/template.xlsx").data
    response = upload(employer, "/declare/c1/batch/",
                      filled(template, [person(s) for s in range(45, 50)]))
    assert "/jobs/" in response.headers["Location"]
    job_id = re.search(r"/jobs/([0-9a-f-]{36})/", response.headers["Location"]).group(1)
    with app.app_context():
        row = jobs.wait(job_id, timeout=60)
        assert row.status == "done", row.message
    landing = employer.get(f"/declare/c1/batch/job/{job_id}/")
    assert re.search(r"/declare/c1/\d+/batch/", landing.headers["Location"])
    page = employer.get(landing.headers["Location"]).get_data(as_text=True)
    assert 'id="good-count">5<' in page
    other = as_user("37010000002")
    assert other.get(f"/declare/c1/batch/job/{job_id}/").status_code == 404
    assert other.get(f"/jobs/{job_id}.json").status_code == 404
