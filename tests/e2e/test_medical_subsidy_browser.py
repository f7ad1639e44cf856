"""C14 医疗账户补助金 in a real browser: the employer opens it from the menu on the roster, ticks
three people, sets one amount for them with 批设置, changes one by hand (Σ follows as typed),
saves and submits; the reviewer sees the amounts and Σ and approves. Screenshots of the roster
and of the reviewer's detail, in Chinese and English, go to /tmp/shots/c14/."""
import re
from pathlib import Path

import pytest

from tests.e2e.test_declaration_flow import log_in, log_out, open_menu

pytestmark = pytest.mark.e2e

EMPLOYER, REVIEWER = "37010000001", "reviewer"
SHOTS = Path("/tmp/shots/c14")


def shot(page, base, name):
    """The page in Chinese, then in English (GET /lang/en), back to Chinese."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    url = page.url
    page.screenshot(path=str(SHOTS / f"{name}_zh.png"), full_page=True)
    page.goto(f"{base}/lang/en")
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / f"{name}_en.png"), full_page=True)
    page.goto(f"{base}/lang/zh")
    page.goto(url)
    page.wait_for_load_state("networkidle")


def batch_set(page, numbers):
    """批设置 of 1200 for the ticked ``numbers``, then the second changed by hand to 1500.50."""
    for number in numbers:
        page.check(f"input.pick[value='{number}']")
    page.fill("#set-amount", "1200")
    page.click("#batch-set")
    page.wait_for_load_state("networkidle")
    for number in numbers:
        assert page.input_value(f"input[name='amount-{number}']") == "1200"
    assert page.locator("#total-amount").inner_text() == "3600.00"
    page.fill(f"input[name='amount-{numbers[1]}']", "1500.50")
    assert page.locator("#total-amount").inner_text() == "3900.50"  # as typed, by script


def test_roster_batch_set_submit_and_review(live_server, page):
    base = live_server
    log_in(page, base, EMPLOYER)
    open_menu(page, "其他申报", "医疗账户补助金申报")
    assert "/declare/c14/roster/" in page.url
    rows = page.locator("#roster tbody tr.roster-row")
    # The last three of the list: people no other browser test of this database declares.
    numbers = [rows.nth(i).get_attribute("data-id") for i in range(rows.count())][-3:]
    # In English first (the page's state is its form: a reload would lose it), then in Chinese.
    for language in ("en", "zh"):
        page.goto(f"{base}/lang/{language}")
        page.goto(f"{base}/declare/c14/roster/")
        batch_set(page, numbers)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"roster_batch_set_{language}.png"), full_page=True)

    page.click("#roster-save")
    page.wait_for_load_state("networkidle")
    assert "/materials/" in page.url, (page.locator(".roster-error").all_inner_texts(),
                                       page.locator(".alert").all_inner_texts())
    page.goto(page.url.replace("/materials/", "/check/"))
    assert "3900.50" in page.locator("#roster-totals").inner_text()
    serial = re.search(r"SB\d{14}", page.locator(".panel-title").inner_text()).group(0)
    page.click("#act-submit")
    page.click("#confirm-submit-ok")
    page.wait_for_load_state("networkidle")
    assert page.locator("#declaration-status").get_attribute("data-status") == "submitted"
    log_out(page, base)

    log_in(page, base, REVIEWER)
    open_menu(page, "审核管理", "待审核申报")
    page.get_by_role("link", name=serial).click()
    page.wait_for_load_state("networkidle")
    page.click("#claim")
    page.wait_for_load_state("networkidle")
    totals = page.locator("#roster-totals").inner_text()
    assert "3900.50" in totals and "1500.50" in totals
    shot(page, base, "review_detail")
    page.click("#approve")
    page.wait_for_load_state("networkidle")
    assert page.locator("#declaration-status").get_attribute("data-status") == "approved"
