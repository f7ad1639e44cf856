"""Refusals reach the English pages in English and the Chinese pages unchanged: a login failure
(flash), a 增员 of a person already insured here (a wizard field error), an import's bad row (the
report on the page and the error workbook written at import time)."""
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from models.user import ShebaoUser
from tests.batch.test_batch_import import filled, person, upload
from tests.declarations.flows import ORDINARY, free_person, new_person_form

CJK = re.compile(r"[\u4e00-\u9fff]")


def in_language(client, language):
    assert client.get(f"/lang/{language}").status_code == 302
    return client


@pytest.fixture
def unlocked(app):
    from app.extensions import db

    def _unlock():
        with app.app_context():
            db.session.execute(update(ShebaoUser).where(ShebaoUser.username == "37010000002")
                               .values(locked_until=None, fail_login_count=0))
            db.session.commit()
    _unlock()
    yield
    _unlock()


def alerts(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>|&times;", "", a).strip()
            for a in re.findall(r'class="alert alert-danger">(.*?)</div>', page, re.S)]


@pytest.mark.parametrize("language, expected", [
    ("en", "Wrong username or password; 4 more failures will lock the account for 15 minutes"),
    ("zh", "用户名或密码错误，再错4次账号将被锁定15分钟"),
])
def test_a_login_failure_in_the_readers_language(app, unlocked, language, expected):
    client = in_language(app.test_client(), language)
    page = client.post("/login/", data={"username": "37010000002", "password": "bad"},
                       follow_redirects=True).get_data(as_text=True)
    assert expected in alerts(page)


def field_error(page: str, field: str) -> str:
    block = re.search(rf'for="{field}".*?class="help-block field-error">([^<]*)<', page, re.S)
    assert block, page[:3000]
    return block.group(1)


def test_enrolling_a_person_insured_here_is_refused_in_english(app, as_user):
    employer = in_language(as_user(ORDINARY), "en")
    insured = free_person(app, ORDINARY)
    form = new_person_form(96, id_number=insured.id_number, name=insured.name,
                           gender=insured.gender, birth_date=insured.birth_date.isoformat(),
                           retirement_category=insured.retirement_category)
    english = employer.post("/declare/c1/new/", data=form).get_data(as_text=True)
    assert field_error(english, "id_number") == \
        "This person is already insured at this unit and cannot be enrolled again"

    chinese = in_language(employer, "zh").post("/declare/c1/new/", data=form)
    assert field_error(chinese.get_data(as_text=True), "id_number") == \
        "该人员已在本单位参保，不能重复增员"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_an_import_bad_row_in_the_uploaders_language(as_user, language):
    employer = in_language(as_user(ORDINARY), language)
    template = employer.get("/declare/c1/template.xlsx").data
    bad = person(97, id_number="370102199001014X31")  # not an ID number
    good = person(98 if language == "en" else 99)
    response = upload(employer, "/declare/c1/batch/", filled(template, [good, bad]))
    assert response.status_code == 302
    pk = int(re.search(r"/(\d+)/batch/", response.headers["Location"]).group(1))
    page = employer.get(f"/declare/c1/{pk}/batch/").get_data(as_text=True)
    rows = re.search(r'<table[^>]*id="bad-rows".*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", rows)]
    assert cells[0] == "3"
    reason = load_workbook(io.BytesIO(employer.get(f"/declare/c1/{pk}/errors.xlsx").data))\
        .worksheets[0]
    written = str(reason.cell(row=2, column=reason.max_column).value)
    shown = employer.get(f"/declarationview/show/{pk}").get_data(as_text=True)  # E8, timeline
    if language == "en":
        assert "File staff.xlsx: Imported 1, failed 1" in shown
        assert cells[1] == "Social security number"
        assert cells[2].startswith("The ID number "), cells
        assert written.startswith("The ID number "), written
        assert not CJK.search(cells[2] + written)
    else:
        assert cells[1] == "社会保障号码"
        assert cells[2].startswith("身份证号码") and written.startswith("身份证号码")
        assert "文件staff.xlsx：导入1人，失败1人" in shown
    assert employer.post(f"/declare/c1/{pk}/act/void/").status_code == 302  # frees the person


def test_a_background_import_writes_its_error_workbook_in_the_uploaders_language(
        app, as_user, monkeypatch):
    from app import jobs
    from views import batch_steps

    monkeypatch.setattr(batch_steps, "BACKGROUND_BYTES", 0)
    employer = in_language(as_user(ORDINARY), "en")
    template = employer.get("/declare/c1/template.xlsx").data
    bad = person(91, id_number="370102199001014X31")
    response = upload(employer, "/declare/c1/batch/", filled(template, [person(90), bad]))
    job_id = re.search(r"/jobs/([0-9a-f-]{36})/", response.headers["Location"]).group(1)
    with app.app_context():
        assert jobs.wait(job_id, timeout=60).status == "done"
    landing = employer.get(f"/declare/c1/batch/job/{job_id}/").headers["Location"]
    pk = int(re.search(r"/(\d+)/batch/", landing).group(1))
    sheet = load_workbook(io.BytesIO(employer.get(f"/declare/c1/{pk}/errors.xlsx").data))\
        .worksheets[0]
    written = str(sheet.cell(row=2, column=sheet.max_column).value)
    assert written.startswith("The ID number "), written
    assert employer.post(f"/declare/c1/{pk}/act/void/").status_code == 302
