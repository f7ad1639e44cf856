"""The wizard and the back office through the test client, as employer then reviewer."""
import io
import re
import subprocess

from PIL import Image
from sqlalchemy import select

from models.declaration import Declaration
from tests.declarations.test_commands import THIS_MONTH, new_id


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


def form(seq: int, **change) -> dict:
    data = {"id_number": new_id(seq), "name": "王五", "gender": "male",
            "birth_date": "1990-01-01", "retirement_category": "male", "phone": "13912345678",
            "employment_form": "01", "person_category": "01", "add_reason": "101",
            "start_month": THIS_MONTH, "insurances": ["110", "310", "410"], "wage": "6000"}
    data.update(change)
    return data


def declaration_of(app, location: str) -> Declaration:
    pk = int(re.search(r"/(\d+)/", location).group(1))
    from app.extensions import db

    with app.app_context():
        d = db.session.get(Declaration, pk)
        db.session.expunge(d)
        return d


def enroll_and_submit(app, employer, seq):
    response = employer.post("/declare/c1/new/", data=form(seq))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    d = declaration_of(app, response.headers["Location"])
    for kind in ("id_card", "contract"):
        upload = employer.post(f"/declare/c1/{d.id}/materials/", data={
            "material_type": kind, "file": (io.BytesIO(png()), f"{kind}.png")},
            content_type="multipart/form-data")
        assert upload.status_code == 302
    check = employer.get(f"/declare/c1/{d.id}/check/").get_data(as_text=True)
    assert "cost-preview" in check and "960.00" in check  # 6000 × 16 %
    assert employer.post(f"/declare/c1/{d.id}/act/submit/").status_code == 302
    return d


def test_enrollment_wizard_review_print_and_read(app, as_user, tmp_path):
    employer, reviewer = as_user("37010000001"), as_user("reviewer")
    d = enroll_and_submit(app, employer, 31)
    status = employer.get(f"/declare/c1/{d.id}/").get_data(as_text=True)
    assert 'data-status="submitted"' in status

    queue = reviewer.get("/review/").get_data(as_text=True)
    assert d.serial_no in queue
    reviewer.post(f"/review/{d.id}/claim/")
    detail = reviewer.get(f"/review/{d.id}/").get_data(as_text=True)
    assert "王五" in detail and "身份证复印件" in detail
    item_id = re.search(r'name="approve" value="(\d+)"', detail).group(1)
    reviewer.post(f"/review/{d.id}/decide/", data={"verdict": "approve", "approve": item_id})
    assert 'data-status="approved"' in reviewer.get(f"/review/{d.id}/").get_data(as_text=True)

    pdf = employer.get(f"/declare/c1/{d.id}/print.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "王五" in text and d.serial_no in text
    employer.post(f"/declare/c1/{d.id}/act/read/")
    assert "act-read" not in employer.get(f"/declare/c1/{d.id}/").get_data(as_text=True)


def test_bad_input_is_shown_on_the_step_and_nothing_saved(app, as_user):
    employer = as_user("37010000001")
    from app.extensions import db

    with app.app_context():
        before = db.session.scalar(select(Declaration.id).order_by(Declaration.id.desc()))
    page = employer.post("/declare/c1/new/", data=form(32, id_number="370102199001013201",
                                                       birth_date="1990-02-01"))
    assert page.status_code == 200
    assert "校验位错误" in page.get_data(as_text=True)
    page = employer.post("/declare/c1/new/", data=form(32, birth_date="1990-02-01"))
    assert "出生日期与身份证号码不符" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Declaration.id).order_by(Declaration.id.desc())) == before


def test_a_file_that_is_not_what_its_name_says_is_refused(app, as_user):
    employer = as_user("37010000001")
    response = employer.post("/declare/c1/new/", data=form(33))
    d = declaration_of(app, response.headers["Location"])
    page = employer.post(f"/declare/c1/{d.id}/materials/", data={
        "material_type": "id_card", "file": (io.BytesIO(b"MZ\x90\x00fake"), "scan.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "文件内容与扩展名不符" in page.get_data(as_text=True)
    page = employer.post(f"/declare/c1/{d.id}/act/submit/", follow_redirects=True)
    assert "请先上传必扫材料" in page.get_data(as_text=True)


def test_renewal_of_another_units_former_staff_confirms_the_number_only(app, as_user):
    employer = as_user("37010000002")
    from sqlalchemy.orm import aliased

    from app.extensions import db
    from models.person import Enrollment, Person
    from models.unit import Unit

    with app.app_context():
        unit1, unit2 = (db.session.scalar(select(Unit.id).where(Unit.unit_no == no))
                        for no in ("37010000001", "37010000002"))
        at_2 = aliased(Enrollment)
        never_at_2 = ~select(at_2.id).where(at_2.person_id == Person.id,
                                            at_2.unit_id == unit2).exists()
        ended = db.session.scalar(select(Person).join(Enrollment).where(
            Enrollment.unit_id == unit1, Enrollment.end_month.is_not(None), never_at_2).limit(1))
        assert ended is not None, "the demo city has staff who left 37010000001"
        number, name, birth = ended.id_number, ended.name, ended.birth_date.isoformat()
    page = employer.get(f"/declare/c1/new/?id_number={number}").get_data(as_text=True)
    assert "该社会保障号码已登记（续保）" in page and number in page
    assert name not in page and birth not in page  # the registry is not read out to a stranger


def test_other_units_cannot_reach_a_declaration(app, as_user):
    owner, other = as_user("37010000001"), as_user("37010000002")
    response = owner.post("/declare/c1/new/", data=form(34))
    d = declaration_of(app, response.headers["Location"])
    for path in (f"/declare/c1/{d.id}/", f"/declare/c1/{d.id}/check/",
                 f"/declare/c1/{d.id}/materials/", f"/declare/c1/{d.id}/edit/",
                 f"/declare/c1/{d.id}/print.pdf", f"/declare/c1/{d.id}/materials/1"):
        assert other.get(path).status_code == 404, path
    assert other.post(f"/declare/c1/{d.id}/act/void/").status_code == 404
    assert other.post(f"/declare/c1/{d.id}/materials/", data={
        "material_type": "id_card", "file": (io.BytesIO(png()), "a.png")},
        content_type="multipart/form-data").status_code == 404
    assert owner.get(f"/declare/c2/{d.id}/").status_code == 404  # wrong business


def test_employers_never_reach_the_back_office(as_user):
    employer = as_user("37010000001")
    for path in ("/review/", "/review/1/"):
        response = employer.get(path)
        assert response.status_code in (302, 403)
        assert "/review" not in response.headers.get("Location", "")
    assert employer.post("/review/1/claim/").status_code in (302, 403)


def test_an_admin_takes_back_a_reviewers_claim(app, as_user):
    employer, reviewer, admin = as_user("37010000001"), as_user("reviewer"), as_user("admin")
    d = enroll_and_submit(app, employer, 71)
    reviewer.post(f"/review/{d.id}/claim/")
    assert "收回受理" not in reviewer.get(f"/review/{d.id}/").get_data(as_text=True)
    page = admin.get(f"/review/{d.id}/").get_data(as_text=True)
    assert 'id="release"' in page and "收回受理" in page
    assert admin.post(f"/review/{d.id}/release/").status_code == 302
    page = reviewer.get(f"/review/{d.id}/").get_data(as_text=True)
    assert 'id="claim"' in page and "系统管理员收回了reviewer的受理" in page
    assert 'data-status="submitted"' in employer.get(f"/declare/c1/{d.id}/").get_data(as_text=True)
