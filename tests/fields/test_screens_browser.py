"""The screens of issue 11 §6 in a real browser (Playwright, Debian's Chromium), as an employer
and as the reviewer, in Chinese and in English: the C1 entry with its new fields, several
material files with 页数 and 备注, the C5 notice, the C9 picker filling the person's facts and
姓名, the C3 Σ line and the reviewer's material list. Screenshots go to $FIELDS_SHOTS (else a
temporary folder), for a person to look at."""
import os
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.declarations.flows import (
    ORDINARY, VIP, free_person, new_id, reduce_with_commands,
)
from tests.declarations.test_batch_businesses import batch, user, wage_row
from tests.declarations.test_batch_businesses import staff as staff_of
from tests.support import PASSWORDS, browser_login, served

pytestmark = pytest.mark.e2e
# Material type codes and Python's None; "contract" and "other" are English words too.
CODES_A_CLERK_MUST_NOT_READ = re.compile(r"\b(id_card|back_pay_proof|change_proof|None)\b")


@pytest.fixture(scope="module")
def live(app, tmp_path_factory):
    with served(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path_factory.mktemp("e2e")) as url:
        yield url


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("FIELDS_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page, name):
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    shot.folder = folder
    return shot


def session(browser, live, username, lang):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    browser_login(page, live, username, PASSWORDS[username])
    assert "/login" not in page.url
    if lang == "en":
        page.goto(f"{live}/lang/en")
    return context, page


def body(page) -> str:
    return page.locator("body").inner_text()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_employer_screens(app, live, browser, shots, tmp_path, lang):
    seq = 90 if lang == "zh" else 91
    mine = free_person(app, ORDINARY)
    reduce_with_commands(app, ORDINARY, mine, reason="203")
    context, page = session(browser, live, ORDINARY, lang)
    english = lang == "en"
    try:
        # C1 录入 with 户口所在地, 参加工作日期, 二级单位
        page.goto(f"{live}/declare/c1/new/")
        page.fill("#id_number", new_id(seq))
        page.fill("#name", "页面测试")
        page.select_option("#gender", "male")
        page.fill("#birth_date", "1990-01-01")
        page.select_option("#retirement_category", "male")
        page.fill("#phone", "13912345678")
        page.select_option("#employment_form", index=1)
        page.select_option("#person_category", index=1)
        page.select_option("#add_reason", index=1)
        page.fill("#start_month", page.evaluate("new Date().toISOString().slice(0, 7)"))
        page.check("input[name=insurances][value='110']")
        page.fill("#wage", "6000")
        page.fill("#hukou_place", "山东省济南市长清区鲁安18-2")
        page.fill("#first_work_month", "2012-07")
        page.fill("#sub_unit", "二车间")
        text = body(page)
        for label in (("Household registration place", "Date of first employment", "Sub-unit")
                      if english else ("户口所在地", "参加工作日期", "二级单位")):
            assert label in text, label
        shots(page, f"{lang}-01-c1-entry")
        page.click("#entry-save")
        page.wait_for_load_state("networkidle")
        assert "/materials/" in page.url, body(page)[:500]

        # 上传材料: two files of one type with 页数 and 备注, then one of another type
        for n, (pages, remark) in enumerate((("3", "劳动合同正文"), ("2", "补充协议"))):
            scan = tmp_path / f"合同{n}.png"
            Image.new("RGB", (64, 40), ("white", "lightblue")[n]).save(scan, "PNG")
            page.set_input_files("#file-contract", str(scan))
            page.fill("#pages-contract", pages)
            page.fill("#remark-contract", remark)
            page.click("#upload-contract")
            page.wait_for_load_state("networkidle")
        scan = tmp_path / "身份证.png"
        Image.new("RGB", (64, 40), "pink").save(scan, "PNG")
        page.set_input_files("#file-id_card", str(scan))
        page.click("#upload-id_card")
        page.wait_for_load_state("networkidle")
        listed = page.locator("#material-contract").inner_text()
        assert "合同0.png" in listed and "合同1.png" in listed and "补充协议" in listed
        assert not CODES_A_CLERK_MUST_NOT_READ.search(body(page))
        shots(page, f"{lang}-02-materials")
        page.click("#to-check")
        page.wait_for_load_state("networkidle")
        text = body(page)
        assert "二车间" in text and "2012-07" in text and "劳动合同正文" in text
        assert "missing-materials" not in page.content()
        shots(page, f"{lang}-03-c1-check")

        # C5: the menu opens the notice; confirming leads to 录入, which links back
        page.goto(f"{live}/declare/c5/notice/")
        assert ("Notice on social insurance back payment" if english
                else "社会保险费补缴申报注意事项") in body(page)
        shots(page, f"{lang}-04-c5-notice")
        page.check("#notice-confirm")
        page.click("#notice-next")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/declare/c5/new/")
        assert page.locator("#to-notice").is_visible()
        shots(page, f"{lang}-05-c5-entry")

        # C9: picking a reduced person shows their facts and fills 姓名
        page.goto(f"{live}/declare/c9/new/")
        page.select_option("#id_number", mine.id_number)
        assert page.input_value("#name") == mine.name
        facts = page.locator("#reduced-person").inner_text()
        assert mine.birth_date.isoformat() in facts
        assert ("M" in facts or "F" in facts) if english else ("男" in facts or "女" in facts)
        shots(page, f"{lang}-06-c9-entry")
        page.select_option("#reduce_reason", index=1)
        page.click("#entry-save")
        page.wait_for_load_state("networkidle")
        page.goto(page.url.replace("/materials/", "/check/"))
        assert mine.birth_date.isoformat() in page.locator("#reduced-person").inner_text()
        shots(page, f"{lang}-07-c9-check")
    finally:
        context.close()


def test_wage_totals_and_reviewer_screens(app, live, browser, shots):
    from app.extensions import db

    with app.test_request_context():
        employer = user(db, VIP)
        people = staff_of(db, employer.unit_id, limit=2)
        from models.contribution import YearParameter
        from sqlalchemy import select

        year = db.session.scalar(select(YearParameter.year).order_by(YearParameter.year.desc()))
        d = batch(db, employer, "C3", [wage_row(p, 6000 + 500 * n, year)
                                       for n, p in enumerate(people)])
        pk = d.id
        submitted = _submitted_with_files(db)
        db.session.remove()
    for lang in ("zh", "en"):
        context, page = session(browser, live, VIP, lang)
        try:
            page.goto(f"{live}/declare/c3/{pk}/batch/")
            totals = page.locator("#wage-totals").inner_text()
            assert "12500.00" in totals
            shots(page, f"{lang}-08-c3-batch-totals")
        finally:
            context.close()
        context, page = session(browser, live, "reviewer", lang)
        try:
            page.goto(f"{live}/review/{submitted}/")
            listed = page.locator("#materials").inner_text()
            assert "合同第1页.png" in listed and "劳动合同正文" in listed and "补充协议" in listed
            shots(page, f"{lang}-09-review-materials")
        finally:
            context.close()
    _void(app, pk)  # one unfinished 工资申报 per unit and year: leave the year free


def test_back_pay_application_as_a_picture(app, shots):
    """The 补缴申请表 rendered to PNG (pdftoppm) for a person to look at; its text is checked in
    test_back_pay_notice_and_form.py."""
    from app.declarations import commands
    from app.extensions import db
    from reports.pdf import declaration_pdf
    from rules.months import add_months
    from tests.declarations.test_batch_businesses import THIS_MONTH, approve, back_pay_row

    with app.test_request_context():
        employer = user(db, VIP)
        start = add_months(THIS_MONTH, -40)
        people = staff_of(db, employer.unit_id, started_by=start, limit=3)[2:]
        d = commands.create(employer.unit_id, "C5", employer,
                            back_pay_row(people[0], start, add_months(start, 2), "5000.00",
                                         "110,210,310"))
        approve(db, d, employer)
        pdf = declaration_pdf(d)
    path = shots.folder / "zh-10-back-pay-application.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(path),
                    str(path.with_suffix(""))], check=True)
    assert path.with_suffix(".png").stat().st_size > 0


def _submitted_with_files(db) -> int:
    """A C1 of the ordinary unit, submitted with two files of one type (页数, 备注)."""
    from app.declarations import commands, materials
    from tests.declarations.flows import png
    from tests.declarations.test_commands import THIS_MONTH

    employer = user(db, ORDINARY)
    d = commands.create(employer.unit_id, "C1", employer, {
        "id_number": new_id(92), "name": "审核看材料", "gender": "male",
        "birth_date": "1990-01-01", "retirement_category": "male", "phone": "13912345678",
        "employment_form": "01", "person_category": "01", "add_reason": "101",
        "start_month": THIS_MONTH, "insurances": "110,310", "wage": "6000"})
    materials.upload(d, employer, "id_card", "身份证.png", png(), pages=1)
    materials.upload(d, employer, "contract", "合同第1页.png", png("red"), pages=3,
                     remark="劳动合同正文")
    materials.upload(d, employer, "contract", "合同第2页.png", png("blue"), pages=2,
                     remark="补充协议")
    commands.submit(d, employer)
    return d.id


def _void(app, pk) -> None:
    from app.declarations import commands
    from app.extensions import db
    from models.declaration import Declaration

    with app.test_request_context():
        commands.void(db.session.get(Declaration, pk), user(db, VIP))
        db.session.remove()
