"""The statistics page (G5) and the yearly parameter form (G4) in a real browser, in Chinese and
English: the charts are drawn (SVG with bars), the filter works, and the English page shows no
Chinese outside names. Screens are saved (SHOTS_DIR, else the test's temporary folder)."""
import re

import pytest

from tests.support import browser_as

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_statistics_page(live_server, page, shots, lang):
    browser_as(page, live_server, "reviewer", lang)
    page.goto(f"{live_server}/statistics/")
    assert page.locator("#amounts svg rect.bar").count() == 24  # 12 months × due, paid
    assert page.locator("#per-day svg circle").count() == 30
    assert page.locator("#queue svg rect.bar").count() == 5
    page.screenshot(path=str(shots / f"{lang}-statistics.png"), full_page=True)
    page.select_option("#days", "7")
    page.click("#statistics-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#per-day svg circle").count() == 7
    if lang == "en":
        main = page.inner_text("#amounts") + page.inner_text("#bills") \
            + page.inner_text("#queue table")
        assert not HAN.search(main), HAN.findall(main)[:10]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_yearly_parameter_form(live_server, page, shots, lang):
    browser_as(page, live_server, "admin", lang)
    page.goto(f"{live_server}/yearparameterview/list/")
    page.locator("a[href*='/yearparameterview/edit/']").first.click()
    page.wait_for_load_state("networkidle")
    assert page.input_value("input[name=late_fee_rate]") == "0.0005"
    page.fill("input[name=due_day]", "32")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")
    text = page.inner_text("body")
    assert ("缴费截止日应为1至31" if lang == "zh" else "The payment due day must be") in text
    page.screenshot(path=str(shots / f"{lang}-year-parameter-edit.png"), full_page=True)
