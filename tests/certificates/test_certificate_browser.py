"""In a real browser (Playwright, Debian's Chromium), in Chinese and in English: the employer's
certificate page, a printed certificate's QR URL opened in a fresh context (no login), and the
养老个人账户对账单. Screenshots go to $CERTS_SHOTS (else a temporary folder) to be looked at."""
import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from models.certificate import Certificate
from rules.certificate import masked_id
from rules.months import month_label
from tests.declarations.flows import ORDINARY, session_of
from tests.support import PASSWORDS, browser_login, served

pytestmark = pytest.mark.e2e
RAW = re.compile(r"\b(None|normal|suspended|ended|retired|msgid)\b|%\(")


@pytest.fixture(scope="module")
def live(app, tmp_path_factory):
    with served(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path_factory.mktemp("e2e")) as url:
        yield url


@pytest.fixture
def shot(tmp_path):
    folder = Path(os.environ.get("CERTS_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return lambda page, name: page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def text_of(page) -> str:
    return page.locator("body").inner_text()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_print_and_verify_in_the_browser(app, live, browser, shot, ours, lang):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    browser_login(page, live, ORDINARY, PASSWORDS[ORDINARY])
    if lang == "en":
        page.goto(f"{live}/lang/en")
    start, end = month_label(ours[3]), month_label(ours[4])
    page.goto(f"{live}/certificates/?start={start}&end={end}&q={ours[2]}")
    body = text_of(page)
    assert ours[1] in body and not RAW.search(body)
    assert ("Print staff contribution certificates" in body) == (lang == "en")
    shot(page, f"{lang}-01-certificate-form")
    page.check(f"input[name=person_id][value='{ours[0]}']")
    page.select_option("#purpose", "购房")
    # The print button opens the PDF in a tab of its own: post the same form from the page.
    with page.expect_popup() as popup:
        page.click("#print-selected")
    popup.value.wait_for_load_state()
    with session_of(app) as s:
        code = s.scalar(sa.select(Certificate.code).where(Certificate.person_id == ours[0])
                        .order_by(Certificate.id.desc()))
    context.close()

    public = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    anyone = public.new_page()
    if lang == "en":
        anyone.goto(f"{live}/lang/en")
    anyone.goto(f"{live}/verify/{code}")
    body = text_of(anyone)
    assert ours[1] in body and masked_id(ours[2]) in body and ours[2] not in body
    assert not RAW.search(body)
    shot(anyone, f"{lang}-02-verify-found")
    anyone.goto(f"{live}/verify/ABCDEFGHJKMNPQRSTUVW")
    assert ("not issued by this system" in text_of(anyone)) == (lang == "en")
    shot(anyone, f"{lang}-03-verify-not-found")
    public.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pension_statement_in_the_browser(app, live, browser, shot, ours, lang):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    browser_login(page, live, ORDINARY, PASSWORDS[ORDINARY])
    if lang == "en":
        page.goto(f"{live}/lang/en")
    page.goto(f"{live}/pension-account/")
    page.fill("#id_number", ours[2])
    page.click("#statement-query")
    page.wait_for_load_state()
    body = text_of(page)
    assert ours[1] in body and "2024" in body and not RAW.search(body)
    assert ("Balance at year end" in body) == (lang == "en")
    shot(page, f"{lang}-04-pension-statement")
    context.close()
