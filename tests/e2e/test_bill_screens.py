"""The bill screens (D3, D5) in a real browser, in Chinese and English: 工资申报缴费 query →
生成单据 → the bill's page (status, lines, 立即支付, 作废) → 作废 confirmation; 补缴缴费 with an
approved 补缴; a 代扣 unit's page. Each screen is saved (SHOTS_DIR, else a temporary folder) to
be looked at; no code (unpaid, back_payment …) may reach the page text."""
import re
from datetime import date

import pytest

from rules.months import add_months, month_label, to_month
from tests.own_database import own_app
from tests.support import browser_as, served, shoot_without

app = own_app("module")

LAST = month_label(add_months(to_month(date.today()), -1))
# Codes that are no English words ("void", "paid" are, in the English pages' sentences).
CODES = re.compile(r"\b(unpaid|back_payment|withholding|insurance_codes|period_start|bill_no|"
                   r"late_fee|unit_amount)\b")


@pytest.fixture(scope="module")
def server(app, tmp_path_factory):
    with served(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path_factory.mktemp("bills")) as url:
        yield url


def shoot(page, shots, name) -> str:
    return shoot_without(page, shots, name, CODES)


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_walk_the_bill_screens(app, server, page, shots, lang):
    with app.test_request_context():  # an approved 补缴 of the VIP unit to bill
        from app.extensions import db
        from tests.money.test_bills import VIP, _approved_back_payment, unit_id

        start = add_months(to_month(date.today()), -40 if lang == "zh" else -44)
        _approved_back_payment(unit_id(VIP), [start, add_months(start, 2)])
        db.session.commit()
        db.session.remove()
    browser_as(page, server, "37010000002", lang)
    page.goto(f"{server}/billing/")
    page.fill("#start", LAST)
    page.fill("#end", LAST)
    page.click("#query")
    page.wait_for_load_state("networkidle")
    text = shoot(page, shots, f"{lang}-01-billing-query")
    if lang == "zh":
        assert "养老保险" in text or "企业职工基本养老保险" in text
        page.click("#create-bill")
        page.wait_for_load_state("networkidle")
        text = shoot(page, shots, f"{lang}-02-bill-detail")
        assert "未支付" in text and "立即支付" in text and LAST in text
        page.click("#void-bill")
        page.wait_for_load_state("networkidle")
        shoot(page, shots, f"{lang}-03-void-confirm")
        page.click("#confirm-void")
        page.wait_for_load_state("networkidle")
        text = shoot(page, shots, f"{lang}-04-voided")
        assert "已作废" in text
        # Billed again for the English walk.
        page.goto(f"{server}/billing/?start={LAST}&end={LAST}&query=1"
                  "&insurance=110&insurance=210&insurance=310&insurance=410")
        page.click("#create-bill")
        page.wait_for_load_state("networkidle")
    else:
        # The zh walk billed last month again: nothing left to bill, the open bill is listed.
        assert 'id="nothing-due"' in page.content() and 'id="open-bills"' in page.content()
        page.click("#open-bills a")
        page.wait_for_load_state("networkidle")
        text = shoot(page, shots, f"{lang}-02-bill-detail")
        assert "Unpaid" in text and "Pay now" in text and LAST in text
        page.click("#void-bill")
        page.wait_for_load_state("networkidle")
        shoot(page, shots, f"{lang}-03-void-confirm")
    page.goto(f"{server}/billing/back/")
    shoot(page, shots, f"{lang}-05-back-payment")
    page.click("#create-back-bill")
    page.wait_for_load_state("networkidle")
    text = shoot(page, shots, f"{lang}-05b-back-payment-bill")
    assert ("补缴" if lang == "zh" else "Back") in text
    page.goto(f"{server}/billing/?start=2099-01&query=1")
    text = shoot(page, shots, f"{lang}-06-future-month-refused")
    browser_as(page, server, "37010000004", lang)
    page.goto(f"{server}/billing/")
    shoot(page, shots, f"{lang}-07-withholding")
