"""The declaration screens of issue 11 §3 in a real browser, as employer and reviewer, in
Chinese and English: the person picker fills 姓名, 提交 asks in a dialog, 核对 and the result page
show bases and amounts, the reviewer reads old → new, the home counters, a draft's print. Each
screen is saved (SHOTS_DIR, else the test's temporary folder) to be looked at; the test checks
that no payload key or code reaches the page text. On a demo city of its own."""
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from models.declaration import Declaration, DeclarationItem
from rules.months import add_months
from tests.declarations.flows import MONTH, ORDINARY, THIS_MONTH, VIP, free_person
from tests.declarations.test_batch_businesses import YEAR, staff, user
from tests.own_database import own_app
from tests.support import browser_as, served, shoot_without

app = own_app("module")

KEYS = re.compile(r"\b(new_name|reduce_reason|end_month|serial_no|revoked_declaration_id|"
                  r"declared_wage|error_file|registry_before|start_month|auto_approve|"
                  r"id_card|change_proof|wage_proof)\b")


@pytest.fixture(scope="module")
def server(app, tmp_path_factory):
    with served(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path_factory.mktemp("see")) as url:
        yield url


def shoot(page, shots, name) -> str:
    return shoot_without(page, shots, name, KEYS)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_walk_the_declaration_screens(app, server, page, shots, lang):
    person = free_person(app, ORDINARY)
    with app.test_request_context():
        # Whose base of this year no C3 holds yet: a person's base is declared once a year.
        declared = set(db.session.scalars(
            select(DeclarationItem.id_number)
            .join(Declaration, Declaration.id == DeclarationItem.declaration_id)
            .where(Declaration.business_code == "C3", Declaration.status != "void")))
        wage_person = [p for p in staff(db, user(db, VIP).unit_id, year=YEAR, limit=20)
                       if p.id_number not in declared][0 if lang == "zh" else 1]
        wage_person = (wage_person.id_number, wage_person.name)
        start = add_months(MONTH, -30)
        back = staff(db, user(db, VIP).unit_id, started_by=start, limit=4)[2 if lang == "zh" else 3]
        back = (back.id_number, back.name)
        db.session.remove()

    browser_as(page, server, ORDINARY, lang)
    page.goto(f"{server}/declare/c7/new/")
    page.select_option("select[name=id_number]", person.id_number)
    assert page.input_value("input[name=name]") == person.name  # filled by person_pick.js
    page.fill("input[name=phone]", "13700003333")
    shoot(page, shots, f"{lang}-01-c7-entry-picked")
    page.click("#entry-save")
    page.wait_for_load_state("networkidle")
    page.set_input_files("#file-change_proof", str(_png(shots)))
    page.click("#upload-change_proof")
    page.click("#to-check")
    page.click("#act-submit")
    page.wait_for_selector("#confirm-submit.in", state="visible")
    shoot(page, shots, f"{lang}-02-c7-check-confirm")
    page.click("#confirm-submit-ok")
    page.wait_for_load_state("networkidle")
    shoot(page, shots, f"{lang}-03-c7-submitted")
    c7_url = page.url

    page.goto(f"{server}/declare/c4/new/")
    assert page.locator("select[name=serial_no] option").count() >= 2
    shoot(page, shots, f"{lang}-04-c4-picker")
    if lang == "zh":  # one C4 per C3: the English walk reviews this one
        page.select_option("select[name=serial_no]", index=1)
        page.click("#entry-save")
        page.wait_for_load_state("networkidle")
        page.goto(page.url.replace("/materials/", "/check/"))
        page.click("#act-submit")
        page.wait_for_selector("#confirm-submit.in", state="visible")
        page.click("#confirm-submit-ok")
        page.wait_for_load_state("networkidle")

    page.goto(f"{server}/declare/c2/new/")
    other = free_person(app, ORDINARY)
    page.select_option("select[name=id_number]", other.id_number)
    page.select_option("select[name=reduce_reason]", "202")
    page.fill("input[name=end_month]", THIS_MONTH)
    page.click("#entry-save")
    page.wait_for_load_state("networkidle")
    draft = re.search(r"/declare/c2/(\d+)/", page.url).group(1)
    page.goto(f"{server}/declare/c2/{draft}/print.pdf")
    shoot(page, shots, f"{lang}-05-c2-draft-print")

    browser_as(page, server, VIP, lang)
    if lang == "zh":  # one wage declaration per unit and year: the English walk reads it
        page.goto(f"{server}/declare/c3/new/")
        page.select_option("select[name=id_number]", wage_person[0])
        page.fill("input[name=year]", str(YEAR))
        page.fill("input[name=declared_wage]", "1000")
        page.click("#entry-save")
        page.wait_for_load_state("networkidle")
        page.goto(page.url.replace("/materials/", "/check/"))
        assert page.locator("#cost-summary").is_visible()
        shoot(page, shots, f"{lang}-06-c3-check")
        page.click("#act-submit")
        page.wait_for_selector("#confirm-submit.in", state="visible")
        page.click("#confirm-submit-ok")
        page.wait_for_load_state("networkidle")
        shown = shoot(page, shots, f"{lang}-07-c3-status-vip")
        assert "自动审核通过" in shown
    with app.app_context():
        c3 = db.session.scalar(select(Declaration.id).where(
            Declaration.business_code == "C3", Declaration.status == "approved",
            Declaration.unit_id == user(db, VIP).unit_id).order_by(Declaration.id.desc()))
        db.session.remove()
    if lang == "en":
        page.goto(f"{server}/declare/c3/{c3}/")
        assert page.locator("#cost-summary").is_visible()
        shoot(page, shots, f"{lang}-07-c3-status-vip")
    page.goto(f"{server}/declare/c5/new/")
    page.select_option("select[name=id_number]", back[0])
    page.fill("input[name=start_month]", _month(start))
    page.fill("input[name=end_month]", _month(add_months(start, 2)))
    page.fill("input[name=base]", "5000")
    page.check("input[name=insurances][value='110']")
    page.check("input[name=insurances][value='310']")
    page.click("#entry-save")
    page.wait_for_load_state("networkidle")
    page.goto(page.url.replace("/materials/", "/check/"))
    assert page.locator("#total-late-fee").is_visible()
    shoot(page, shots, f"{lang}-12-c5-check")

    browser_as(page, server, "reviewer", lang)
    with app.app_context():
        c4 = db.session.scalar(select(Declaration.id).where(Declaration.business_code == "C4")
                               .order_by(Declaration.id.desc()))
        db.session.remove()
    page.goto(f"{server}/review/{c4}/")
    shoot(page, shots, f"{lang}-13-review-c4")
    page.goto(f"{server}/")
    shoot(page, shots, f"{lang}-08-reviewer-home")
    pk = re.search(r"/declare/c7/(\d+)/", c7_url).group(1)
    page.goto(f"{server}/review/{pk}/")
    page.click("#claim")
    page.wait_for_load_state("networkidle")
    shown = shoot(page, shots, f"{lang}-09-review-c7")
    assert "13700003333" in shown
    page.fill("#opinion", "长" * 400)
    page.evaluate("document.getElementById('opinion').removeAttribute('maxlength')")
    page.fill("#opinion", "长" * 501)
    page.click("#reject")
    page.wait_for_load_state("networkidle")
    shoot(page, shots, f"{lang}-10-review-opinion-too-long")
    page.goto(f"{server}/review/{c3}/")
    shoot(page, shots, f"{lang}-11-review-c3")


def _month(month: int) -> str:
    return f"{month // 100}-{month % 100:02d}"


def _png(folder: Path) -> Path:
    from PIL import Image

    path = folder / "scan.png"
    Image.new("RGB", (40, 40), "white").save(path)
    return path
