"""In a real browser, Chinese and English: the roster is a row per person with its 险种 named,
months read 2015-01, and the admin's menu holds only screens the admin can open."""
import re

import pytest

from tests.support import browser_login

pytestmark = pytest.mark.e2e
CJK = re.compile(r"[\u4e00-\u9fff]")


def _cells(page, column: int) -> list[str]:
    return page.locator(f"table.table-hover tbody tr td:nth-child({column})").all_inner_texts()


def test_roster_reads_as_words_in_both_languages(live_server, page):
    browser_login(page, live_server, "37010000001", "Demo@2026")
    page.goto(f"{live_server}/unitstaffview/list/")
    ids = _cells(page, 2)
    assert len(ids) >= 50 and len(set(ids)) == len(ids)  # a person once
    assert all(re.fullmatch(r"\d{4}-\d{2}", month) for month in _cells(page, 7))
    assert any(text.startswith("养老保险、失业保险") for text in _cells(page, 5))
    page.goto(f"{live_server}/lang/en")
    page.goto(f"{live_server}/unitstaffview/list/")
    insurances = _cells(page, 5)
    assert any(text.startswith("Pension, Unemployment") for text in insurances)
    assert not any(CJK.search(text) for text in insurances + _cells(page, 4) + _cells(page, 6))


def test_admin_menu_opens_every_entry(live_server, page):
    browser_login(page, live_server, "admin", "Admin@2026")
    links = page.locator(".navbar-nav >> a[href^='/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    assert "/unitstaffview/list/" in links
    assert not any(link.startswith("/declare/") for link in links)  # the units' wizards
    for link in sorted(set(links)):
        response = page.goto(f"{live_server}{link}")
        assert response.status < 400, link
