"""Refusals in a real browser after choosing English (GET /lang/en): a wrong password, a 增员 of a
person already insured at the unit, an import with a bad row. Screenshots go to $SHOTS_DIR (or
the test's temporary folder)."""
import re

import pytest

from tests.batch.test_batch_import import person
from tests.declarations.flows import ORDINARY, THIS_MONTH, free_person
from tests.e2e.test_batch_flow import download, fill
from tests.support import PASSWORDS, browser_login, shots_folder

pytestmark = pytest.mark.e2e

CJK = re.compile(r"[\u4e00-\u9fff]")
SEQS = (94, 95)


@pytest.fixture
def shots(tmp_path):
    folder = shots_folder(tmp_path)
    return lambda page, name: page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_refusals_read_english(app, live_server, page, shots, tmp_path):
    page.goto(f"{live_server}/lang/en")
    page.goto(f"{live_server}/login/")
    page.fill("input[name=username]", "37010000001")
    page.fill("input[name=password]", "not-the-password")
    page.click("[type=submit]")
    page.wait_for_load_state("networkidle")
    alert = page.locator(".alert-danger").first.inner_text()
    assert "Wrong username or password; 4 more failures" in alert, alert
    shots(page, "1-login-failure-en")

    browser_login(page, live_server, ORDINARY, PASSWORDS[ORDINARY])
    page.goto(f"{live_server}/lang/en")
    insured = free_person(app, ORDINARY)
    page.goto(f"{live_server}/declare/c1/new/")
    page.fill("#id_number", insured.id_number)
    page.fill("#name", insured.name)
    page.select_option("#gender", insured.gender)
    page.fill("#birth_date", insured.birth_date.isoformat())
    page.select_option("#nation", "01")
    page.select_option("#retirement_category", insured.retirement_category)
    page.fill("#phone", "13912345678")
    page.select_option("#employment_form", "01")
    page.select_option("#person_category", "01")
    page.select_option("#add_reason", "101")
    page.fill("#start_month", THIS_MONTH)
    page.check("input[name=insurances][value='110']")
    page.fill("#wage", "6000")
    page.click("#entry-save")
    page.wait_for_load_state("networkidle")
    errors = " ".join(page.locator(".field-error").all_inner_texts())
    assert "already insured at this unit" in errors, errors
    assert not CJK.search(errors), errors
    shots(page, "2-enrol-insured-person-en")

    page.goto(f"{live_server}/declare/c1/batch/")
    template = download(page, "#download-template", tmp_path / "template.xlsx")
    bad = person(SEQS[1], id_number="370102199001014X31")  # not an ID number
    page.set_input_files("#batch-file",
                         str(fill(template, tmp_path / "staff.xlsx", [person(SEQS[0]), bad])))
    page.click("#batch-import")
    page.wait_for_load_state("networkidle")
    assert "Import finished: 1 imported, 1 failed" in page.inner_text(".alert-warning")
    reasons = page.inner_text("#bad-rows")
    assert "The ID number" in reasons and not CJK.search(reasons), reasons
    shots(page, "3-import-bad-row-en")
    result = page.url
    page.goto(f"{live_server}/lang/zh")
    page.goto(result)
    shots(page, "4-import-bad-row-zh")
    assert "身份证号码" in page.inner_text("#bad-rows")


def test_a_reviewers_refusal_reads_english(app, live_server, page, shots):
    from tests.declarations.flows import Employer, new_person_form
    from tests.support import login

    employer = app.test_client()
    login(employer, ORDINARY)
    pk = Employer(employer, "C1").through_submit(new_person_form(92, name="英文审核"))
    browser_login(page, live_server, "reviewer", PASSWORDS["reviewer"])
    page.goto(f"{live_server}/lang/en")
    page.goto(f"{live_server}/review/{pk}/")
    page.click("#claim")
    page.wait_for_load_state("networkidle")
    page.click("#reject")  # without the opinion a rejection needs
    page.wait_for_load_state("networkidle")
    alert = page.locator(".alert-danger").first.inner_text()
    assert "A rejection needs a review opinion" in alert, alert
    shots(page, "5-review-refusal-en")
    page.fill("#opinion", "Documents incomplete")
    page.click("#reject")
    page.wait_for_load_state("networkidle")
    assert not CJK.search(page.locator(".alert").first.inner_text())
