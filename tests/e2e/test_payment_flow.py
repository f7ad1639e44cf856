"""立即支付 in a real browser (D4): the employer opens a bill, pays it at the demo bank's cashier
(支付成功), and comes back to the result page, which shows 已支付 once the bank's asynchronous
signed notification (a real HTTP POST from a background thread) has arrived. Then a failed
payment in English, and the center's reconciliation page. Screenshots of each screen in zh and
en go to /tmp/shots/payment/.

Runs on a demo database of its own: paying changes the demo city."""
from pathlib import Path

import pytest

from tests.e2e.test_declaration_flow import log_in, log_out
from tests.money.payment_support import make_bill
from tests.own_database import own_app
from tests.support import served

pytestmark = pytest.mark.e2e
app = own_app("module")
SHOTS = Path("/tmp/shots/payment")
EMPLOYER = "37010000001"


@pytest.fixture(scope="module")
def server(app, tmp_path_factory):
    """The module's own demo app served over HTTP, the demo bank notifying from a thread."""
    with served(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path_factory.mktemp("pay")) as url:
        yield url


def demo_paid_day(app):
    from sqlalchemy import select

    from app.extensions import db
    from models.contribution import Payment

    with app.app_context():
        paid_at = db.session.scalar(select(Payment.finished_at).where(
            Payment.trade_no.like("PAY%"), Payment.status == "success").order_by(Payment.id))
        db.session.rollback()
    return paid_at.date()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_pay_a_bill_at_the_demo_bank(app, server, page):
    paid_bill, failed_bill = make_bill(app), make_bill(app)
    log_in(page, server, EMPLOYER)
    page.goto(f"{server}/billview/show/{paid_bill}")
    pay_link = page.locator(f"a[href*='/pay/{paid_bill}/']")
    if pay_link.count():  # the bill page's 立即支付 (the bills screens link here)
        pay_link.first.click()
    else:
        page.goto(f"{server}/pay/{paid_bill}/")
    assert page.inner_text("#bill-status") == "未支付"
    page.click("#pay")

    page.wait_for_url("**/demo-bank/cashier/*")
    assert "演示银行" in page.inner_text("body")
    trade_no = page.inner_text("#trade-no")
    assert trade_no.startswith("P") and page.inner_text("#amount").startswith("¥")
    shot(page, "cashier_zh")
    page.click("#choose-success")

    page.wait_for_url(f"**/pay/{paid_bill}/result*")
    # The page refreshes itself until the bank's notification has paid the bill.
    page.locator("#bill-status[data-status='paid']").wait_for(timeout=20000)
    assert page.inner_text("#bill-status") == "已支付"
    assert "缴费单据已支付" in page.inner_text("#result-message")
    assert trade_no in page.inner_text("#payments")
    shot(page, "result_paid_zh")

    # English: a second bill, paid and failed at the bank, then paid again.
    page.goto(f"{server}/lang/en")
    page.goto(f"{server}/pay/{failed_bill}/")
    assert page.inner_text("#bill-status") == "Unpaid"
    shot(page, "pay_en")
    page.click("#pay")
    page.wait_for_url("**/demo-bank/cashier/*")
    assert "Demo bank" in page.inner_text("body")
    shot(page, "cashier_en")
    page.click("#choose-failed")
    page.wait_for_url(f"**/pay/{failed_bill}/result*")
    page.locator("#bill-status[data-status='failed']").wait_for(timeout=20000)
    assert "Pay again" in page.inner_text("#pay")
    shot(page, "result_failed_en")
    page.goto(f"{server}/pay/{paid_bill}/result")
    assert page.inner_text("#bill-status") == "Paid"
    shot(page, "result_paid_en")
    log_out(page, server)

    log_in(page, server, "reviewer")
    page.goto(f"{server}/lang/zh")
    page.goto(f"{server}/reconciliation/")
    page.fill("#day", demo_paid_day(app).isoformat())  # the demo's paid bill: bank and ledger
    page.click("#run")
    page.wait_for_url("**/reconciliation/*")
    assert "一致" in page.inner_text("#agrees")
    assert page.inner_text("#run-summary").count("1") >= 2  # one trade on each side
    shot(page, "reconciliation_run_zh")
    page.goto(f"{server}/reconciliation/")
    shot(page, "reconciliation_zh")
    page.goto(f"{server}/lang/en")
    page.goto(f"{server}/reconciliation/")
    assert "Bank reconciliation" in page.inner_text("body")
    shot(page, "reconciliation_en")
    page.locator("#runs a").first.click()
    shot(page, "reconciliation_run_en")
