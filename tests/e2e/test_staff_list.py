"""The first real-browser check: an employer logs in and reads its staff roster."""
import re

import pytest

from tests.support import browser_login

pytestmark = pytest.mark.e2e


def test_employer_sees_staff_roster(live_server, page):
    browser_login(page, live_server, "37010000001", "Demo@2026")
    page.get_by_role("link", name="信息查询").first.click()
    page.get_by_role("link", name="单位人员查询").first.click()
    page.wait_for_load_state("networkidle")

    rows = page.locator("table tbody tr")
    assert rows.count() >= 50
    text = page.locator("body").inner_text()
    assert "济南示例科技有限公司" in text or "37010000001" in text
    # Another unit's staff never shows: every row is this unit's.
    assert "济南示例物流有限公司" not in text
    assert re.search(r"\d{17}[\dX]", text), "ID numbers are listed"
