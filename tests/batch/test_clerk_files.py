"""Batch files as clerks fill them (issue 11 §4), through the upload route: an upload with no
good row makes no draft; export-with-data rows left blank are skipped, not failed; hidden and
filtered rows are skipped and counted; a reason of the whole file is said once; dropping rows
updates the count; a reopened batch lands on its batch page; title rows, added columns and
险种 by name are taken."""
import io
import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select

from models.declaration import Declaration, DeclarationEvent, DeclarationItem
from models.person import Enrollment, Person
from tests.batch.test_batch_import import filled, person, upload
from tests.own_database import own_app

app = own_app("module")  # C3 and C2 batches here change the unit's staff and years

EMPLOYER = "37010000001"
YEAR = date.today().year
THIS_MONTH = f"{YEAR}-{date.today().month:02d}"


def db_():
    from app.extensions import db

    return db


def declarations(app, code=None) -> int:
    with app.app_context():
        query = select(func.count(Declaration.id))
        if code:
            query = query.where(Declaration.business_code == code)
        return db_().session.scalar(query)


def sheet_of(data: bytes):
    return load_workbook(io.BytesIO(data)).worksheets[0]


def save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def declared_c2(book, rows):
    """Fills 减员原因 and 减员年月 of the given rows of an exported C2 file from its 示例 sheet."""
    sheet, example = book.worksheets[0], book["示例"]
    for r in rows:
        sheet.cell(row=r, column=3, value=example.cell(row=2, column=3).value)
        sheet.cell(row=r, column=4, value=THIS_MONTH)


def test_an_upload_without_a_good_row_makes_no_draft_and_still_shows_its_errors(app, as_user):
    employer, other = as_user(EMPLOYER), as_user("37010000002")
    template = employer.get("/declare/c1/template.xlsx").data
    before = declarations(app)
    bad = filled(template, [person(71, id_number="370102199001014X31"),
                            person(72, wage="abc")])
    response = upload(employer, "/declare/c1/batch/", bad)
    assert response.status_code == 302 and "/batch/report/" in response.headers["Location"]
    assert declarations(app) == before  # no empty draft holding nobody
    report = response.headers["Location"]
    page = employer.get(report).get_data(as_text=True)
    assert 'id="good-count">0<' in page and 'id="bad-count">2<' in page
    assert "没有可导入的人员，未生成申报" in page
    errors = employer.get(report + "errors.xlsx")
    assert errors.status_code == 200
    assert [c.value for c in sheet_of(errors.data)["A"]][1:] == [2, 3]
    # Another unit, another business, a made-up key: nothing.
    assert other.get(report).status_code == 404
    assert other.get(report + "errors.xlsx").status_code == 404
    assert employer.get(report.replace("/c1/", "/c2/")).status_code == 404
    assert employer.get("/declare/c1/batch/report/" + "0" * 64 + "/").status_code == 404
    assert employer.get("/declare/c1/batch/report/..%2F..%2Fetc/").status_code == 404
    with app.app_context():
        from models.audit import AuditLog

        logged = db_().session.scalars(select(AuditLog).where(
            AuditLog.action == "batch_import").order_by(AuditLog.id.desc())).first()
        assert logged.detail["good"] == 0 and logged.detail["draft"] is False


def test_a_reimport_with_no_good_row_keeps_the_draft_holding_nobody(app, as_user):
    employer = as_user(EMPLOYER)
    template = employer.get("/declare/c1/template.xlsx").data
    response = upload(employer, "/declare/c1/batch/", filled(template, [person(73)]))
    pk = int(re.search(r"/(\d+)/batch/", response.headers["Location"]).group(1))
    again = upload(employer, f"/declare/c1/{pk}/batch/",
                   filled(template, [person(73, wage="abc")]))
    assert f"/{pk}/batch/" in again.headers["Location"]
    page = employer.get(f"/declare/c1/{pk}/batch/").get_data(as_text=True)
    assert 'id="good-count">0<' in page and 'id="empty-batch"' in page
    with app.app_context():
        assert db_().session.get(Declaration, pk).item_count == 0
        assert db_().session.scalar(select(func.count(DeclarationItem.id)).where(
            DeclarationItem.declaration_id == pk)) == 0
    # Holding nobody: the same person goes into a new upload.
    fresh = upload(employer, "/declare/c1/batch/", filled(template, [person(73)]))
    assert re.search(r"/\d+/batch/$", fresh.headers["Location"])
    assert 'id="good-count">1<' in employer.get(fresh.headers["Location"]).get_data(as_text=True)


def test_export_with_data_rows_left_blank_are_skipped_not_failed(app, as_user):
    employer = as_user(EMPLOYER)
    told = employer.get("/declare/c2/batch/").get_data(as_text=True)
    assert 'id="upload-habits"' in told and "没有填写申报内容的人员跳过" in told
    assert "没有填写申报内容的人员跳过" not in employer.get("/declare/c1/batch/").get_data(
        as_text=True)  # C1 has no export-with-data
    book = load_workbook(io.BytesIO(employer.get("/declare/c2/template.xlsx?data=1").data))
    exported = book.worksheets[0].max_row - 1
    assert exported > 10
    declared_c2(book, [2, 3])
    book.worksheets[0].cell(row=4, column=4, value=THIS_MONTH)  # declared half: a failure
    response = upload(employer, "/declare/c2/batch/", save(book))
    page = employer.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="good-count">2<' in page and 'id="bad-count">1<' in page
    assert f'id="skipped-count">{exported - 3}<' in page
    assert f"导入<strong id=\"good-count\">2</strong>人，跳过<strong id=\"skipped-count\">" \
           f"{exported - 3}</strong>行（未填写申报内容），失败" in page
    flashed = re.search(r"导入完成：成功2人，跳过(\d+)行，失败1人", page)
    assert flashed and int(flashed.group(1)) == exported - 3


def test_hidden_and_filtered_rows_are_skipped_and_counted(app, as_user):
    employer = as_user(EMPLOYER)
    book = load_workbook(io.BytesIO(employer.get("/declare/c2/template.xlsx?data=1").data))
    sheet = book.worksheets[0]
    hidden_id = sheet.cell(row=6, column=1).value
    declared_c2(book, [5, 6, 7])
    sheet.row_dimensions[6].hidden = True  # as a filter leaves it
    response = upload(employer, "/declare/c2/batch/", save(book))
    location = response.headers["Location"]
    page = employer.get(location).get_data(as_text=True)
    assert 'id="good-count">3<' not in page and 'id="good-count">2<' in page
    assert 'id="hidden-note"' in page and "1行在Excel中已隐藏或被筛选掉" in page
    pk = int(re.search(r"/(\d+)/batch/", location).group(1))
    with app.app_context():
        numbers = db_().session.scalars(select(DeclarationItem.id_number).where(
            DeclarationItem.declaration_id == pk)).all()
    assert hidden_id not in numbers and len(numbers) == 2
    employer.post(f"/declare/c2/{pk}/act/void/")


def staff_ids(app, unit_username, limit):
    from models.user import ShebaoUser

    with app.app_context():
        db = db_()
        unit_id = db.session.scalar(select(ShebaoUser.unit_id)
                                    .where(ShebaoUser.username == unit_username))
        return db.session.execute(
            select(Person.id_number, Person.name).join(Enrollment)
            .where(Enrollment.unit_id == unit_id, Enrollment.end_month.is_(None),
                   Enrollment.category == "active").distinct()
            .order_by(Person.id_number).limit(limit)).all()


def declared_this_year(app, unit_username):
    """(ID number, name) of the people whose base of this year the unit's C3 approved."""
    from models.user import ShebaoUser

    with app.app_context():
        db = db_()
        unit_id = db.session.scalar(select(ShebaoUser.unit_id)
                                    .where(ShebaoUser.username == unit_username))
        people = db.session.execute(
            select(DeclarationItem.id_number, DeclarationItem.name)
            .join(Declaration, Declaration.id == DeclarationItem.declaration_id)
            .where(Declaration.unit_id == unit_id, Declaration.business_code == "C3",
                   Declaration.status.in_(("approved", "partial")),
                   DeclarationItem.status == "approved",
                   DeclarationItem.payload["year"].as_integer() == YEAR)
            .order_by(DeclarationItem.id_number)).all()
        assert len(people) >= 2, "the demo's C3 of this year approved fewer than two people"
        return people


def c3_file(employer, rows) -> bytes:
    template = employer.get("/declare/c3/template.xlsx").data
    return filled(template, [[number, name, year, "6000"] for number, name, year in rows])


def test_one_odd_year_fails_only_its_row(app, as_user):
    employer = as_user("37010000002")
    people = staff_ids(app, "37010000002", 4)
    years = [YEAR, YEAR, YEAR - 1, YEAR]
    response = upload(employer, "/declare/c3/batch/",
                      c3_file(employer, [(n, m, y) for (n, m), y in zip(people, years)]))
    page = employer.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="good-count">3<' in page and 'id="bad-count">1<' in page
    assert f"申报年度与本申报其他行（{YEAR}）不同" in page
    assert "file-error" not in page


def test_the_already_declared_year_is_said_once(app, as_user):
    """Unit 37010000001 has this year's C3 from the demo: a file of the people it approved
    would carry the refusal on every row."""
    employer = as_user(EMPLOYER)
    people = declared_this_year(app, EMPLOYER)
    before = declarations(app, "C3")
    response = upload(employer, "/declare/c3/batch/",
                      c3_file(employer, [(n, m, YEAR) for n, m in people]))
    location = response.headers["Location"]
    assert "/batch/report/" in location and declarations(app, "C3") == before
    page = employer.get(location).get_data(as_text=True)
    assert page.count(f"该人员{YEAR}年度已申报缴费基数") == 1
    assert f'id="bad-count">{len(people)}<' in page and 'id="bad-rows"' not in page
    sheet = sheet_of(employer.get(location + "errors.xlsx").data)
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert sum(f"{YEAR}年度已申报" in t for t in texts) == 1
    assert f"整个文件（{len(people)}行）" in texts[0]
    assert sheet.cell(row=2, column=1).value == "原行号"


def test_dropping_rows_updates_the_count_and_leaves_an_event(app, as_user):
    employer = as_user(EMPLOYER)
    template = employer.get("/declare/c1/template.xlsx").data
    response = upload(employer, "/declare/c1/batch/",
                      filled(template, [person(81, insurances="110,210,310"), person(82),
                                        person(83)]))
    pk = int(re.search(r"/(\d+)/batch/", response.headers["Location"]).group(1))
    with app.app_context():
        first = db_().session.scalar(select(DeclarationItem.id).where(
            DeclarationItem.declaration_id == pk).order_by(DeclarationItem.seq))
    employer.post(f"/declare/c1/{pk}/drop/", data={"item": ["999999"]})  # not this batch's
    employer.post(f"/declare/c1/{pk}/drop/", data={"item": [str(first)]})
    page = employer.get(f"/declare/c1/{pk}/batch/").get_data(as_text=True)
    assert 'id="good-count">2<' in page and 'id="dropped-count">1<' in page
    with app.app_context():
        assert db_().session.scalars(select(DeclarationEvent.message).where(
            DeclarationEvent.declaration_id == pk, DeclarationEvent.action == "drop")).all() \
            == ["删除1人，现有2人"]
        assert db_().session.get(Declaration, pk).insurance_codes == "110,310"
    employer.post(f"/declare/c1/{pk}/act/void/")


def test_a_reopened_batch_lands_on_its_batch_page(app, as_user):
    from tests.declarations.test_wizard_views import png

    employer, reviewer = as_user(EMPLOYER), as_user("reviewer")
    template = employer.get("/declare/c1/template.xlsx").data
    response = upload(employer, "/declare/c1/batch/", filled(template, [person(85)]))
    pk = int(re.search(r"/(\d+)/batch/", response.headers["Location"]).group(1))
    for kind in ("id_card", "contract"):
        employer.post(f"/declare/c1/{pk}/materials/", data={
            "material_type": kind, "file": (io.BytesIO(png()), f"{kind}.png")},
            content_type="multipart/form-data")
    employer.post(f"/declare/c1/{pk}/act/submit/")
    reviewer.post(f"/review/{pk}/claim/")
    ids = re.findall(r'name="approve" value="(\d+)"',
                     reviewer.get(f"/review/{pk}/").get_data(as_text=True))
    reviewer.post(f"/review/{pk}/decide/", data={
        "verdict": "approve", "approve": [], "shown": ids, "opinion": "材料不清晰"})
    with app.app_context():
        assert db_().session.get(Declaration, pk).status == "rejected"
    reopened = employer.post(f"/declare/c1/{pk}/act/reopen/", follow_redirects=True)
    assert reopened.request.path == f"/declare/c1/{pk}/batch/"
    page = reopened.get_data(as_text=True)
    assert 'id="reimport"' in page and 'id="drop-form"' in page and 'id="to-check"' in page
    assert 'id="return-reason"' in page and "材料不清晰" in page
    assert employer.get(f"/declare/c1/{pk}/edit/").headers["Location"].endswith(
        f"/declare/c1/{pk}/batch/")


def test_a_title_row_an_added_column_and_insurances_by_name(app, as_user):
    employer = as_user(EMPLOYER)
    book = load_workbook(io.BytesIO(employer.get("/declare/c1/template.xlsx").data))
    sheet = book.worksheets[0]
    last = sheet.max_column
    sheet.cell(row=1, column=last + 1, value="备注")
    sheet.insert_rows(1)
    sheet.cell(row=1, column=1, value="在职增员人员名单")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    names = ["养老,医疗", "养老保险、医疗保险", "养老，失业，医疗"]
    for r, (seq, insurances) in enumerate(zip((91, 92, 93), names), start=3):
        for c, value in enumerate(person(seq, insurances=insurances), start=1):
            sheet.cell(row=r, column=c, value=value)
        sheet.cell(row=r, column=last + 1, value="新入职")
    response = upload(employer, "/declare/c1/batch/", save(book))
    location = response.headers["Location"]
    page = employer.get(location).get_data(as_text=True)
    assert 'id="good-count">3<' in page and 'id="bad-count">0<' in page, page
    assert "模板中没有的列已忽略：备注" in page and "表头在第2行" in page
    pk = int(re.search(r"/(\d+)/batch/", location).group(1))
    with app.app_context():
        stored = db_().session.scalars(select(DeclarationItem.payload).where(
            DeclarationItem.declaration_id == pk).order_by(DeclarationItem.seq)).all()
    assert [p["insurances"] for p in stored] == ["110,310", "110,310", "110,210,310"]
    employer.post(f"/declare/c1/{pk}/act/void/")


def test_a_background_import_without_a_good_row_lands_on_its_report(app, as_user, monkeypatch):
    from app import jobs
    from views import batch_steps

    monkeypatch.setattr(batch_steps, "BACKGROUND_BYTES", 0)
    employer = as_user(EMPLOYER)
    before = declarations(app)
    template = employer.get("/declare/c1/template.xlsx").data
    response = upload(employer, "/declare/c1/batch/",
                      filled(template, [person(s, wage="abc") for s in range(95, 98)]))
    job_id = re.search(r"/jobs/([0-9a-f-]{36})/", response.headers["Location"]).group(1)
    with app.app_context():
        row = jobs.wait(job_id, timeout=60)
        assert row.status == "done", row.message
    landing = employer.get(f"/declare/c1/batch/job/{job_id}/").headers["Location"]
    assert "/declare/c1/batch/report/" in landing and declarations(app) == before
    page = employer.get(landing).get_data(as_text=True)
    assert 'id="good-count">0<' in page and 'id="bad-count">3<' in page
    assert as_user("37010000002").get(landing).status_code == 404
