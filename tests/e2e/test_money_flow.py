"""Issue 12's whole road in one real browser: the employer bills last month (工资申报缴费), pays
the bill at the demo bank (支付成功; the bank's signed notification arrives over HTTP), prints a
参保缴费证明 for one person on that bill, and the QR URL read out of the printed PDF opens in a
fresh browser context, without a login, showing the person with the ID masked.

Runs on a demo database of its own: billing and paying change the demo city."""
import re
import subprocess
import tempfile
from datetime import date

import pytest
import sqlalchemy as sa

from rules.certificate import masked_id
from rules.months import add_months, month_label, to_month
from tests.own_database import own_app
from tests.support import PASSWORDS, browser_login, served

pytestmark = pytest.mark.e2e
app = own_app("module")
UNIT = "37010000002"  # the demo unit whose last month is assessed and not yet billed
LAST = month_label(add_months(to_month(date.today()), -1))


@pytest.fixture(scope="module")
def server(app, tmp_path_factory):
    with served(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path_factory.mktemp("money")) as url:
        yield url


def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(["pdftotext", "-layout", f.name, "-"], check=True,
                              capture_output=True, text=True).stdout


def person_on(app, bill_no: str):
    """(name, ID number) of one person whose ledger lines the bill paid."""
    from app.extensions import db
    from models.contribution import Bill, Contribution
    from models.person import Person

    with app.app_context():
        row = db.session.execute(
            sa.select(Person.id, Person.name, Person.id_number)
            .join(Contribution, Contribution.person_id == Person.id)
            .join(Bill, Bill.id == Contribution.bill_id)
            .where(Bill.bill_no == bill_no, Contribution.paid.is_(True))
            .order_by(Person.id).limit(1)).one()
        db.session.rollback()
    return row


def test_bill_pay_print_and_verify(app, server, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30000)
    browser_login(page, server, UNIT, PASSWORDS[UNIT])

    # 工资申报缴费: last month's amounts, then 生成单据.
    page.goto(f"{server}/billing/")
    page.fill("#start", LAST)
    page.fill("#end", LAST)
    page.click("#query")
    page.wait_for_load_state("networkidle")
    page.click("#create-bill")
    page.wait_for_load_state("networkidle")
    body = page.inner_text("body")
    assert "未支付" in body and LAST in body
    bill_no = re.search(r"JF\d{16}", body).group(0)

    # 立即支付 → the demo bank's cashier → 支付成功 → the result page shows the paid bill.
    page.locator("a[href*='/pay/']").first.click()
    page.click("#pay")
    page.wait_for_url("**/demo-bank/cashier/*")
    page.click("#choose-success")
    page.wait_for_url("**/pay/*/result*")
    page.locator("#bill-status[data-status='paid']").wait_for(timeout=30000)
    assert page.inner_text("#bill-status") == "已支付"

    # 参保缴费证明 of one person on the bill, for the month just paid.
    person_id, name, id_number = person_on(app, bill_no)
    page.goto(f"{server}/certificates/?start={LAST}&end={LAST}&q={id_number}")
    assert name in page.inner_text("body")
    page.check(f"input[name=person_id][value='{person_id}']")
    page.select_option("#purpose", "购房")
    # The print button opens the PDF in a tab of its own, whose body the browser does not hand
    # over: post the very form the clerk filled, with the page's session and CSRF token.
    fields = page.eval_on_selector("#certificate-print",
                                   "form => Array.from(new FormData(form).entries())")
    response = context.request.post(f"{server}/certificates/print",
                                    form=dict(fields))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    printed = pdf_text(response.body())
    assert name in printed and id_number in printed and LAST in printed
    url = re.search(r"https?://\S+/verify/[0-9A-Za-z]{16,}", printed).group(0)
    context.close()

    # The QR URL opened by anyone: a fresh context, no cookies, no login.
    anyone_context = browser.new_context(locale="zh-CN")
    anyone = anyone_context.new_page()
    anyone.goto(url)
    shown = anyone.inner_text("body")
    assert name in shown and masked_id(id_number) in shown and id_number not in shown
    anyone_context.close()
