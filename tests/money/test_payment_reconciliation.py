"""Reconciliation (D4): a lost notification is settled by asking the bank (query-order job); the
bank's daily statement against the ledger lists every mismatch on the center's page; the bank
resends an unanswered notification on Alipay's schedule (fake clock)."""
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from app.demo_bank import bank as demo_bank
from app.extensions import db
from app.money import payments
from models.contribution import Bill, Payment
from models.demo_bank import BankNotification, BankOrder
from models.job import Job
from models.reconciliation import ReconciliationRun
from tests.money.payment_support import (  # noqa: F401  (bank is a fixture)
    UNIT_1, audits, bank, bill_state, cashier_path, make_bill, trade_no_of,
)
from tests.own_database import own_app

app = own_app("module")  # paying changes the demo city


@pytest.fixture
def lossy_bank(bank, monkeypatch):
    """The bank's notifications are lost on the way (never sent at once)."""
    monkeypatch.setitem(bank.config, "DEMO_BANK_NOTIFY", "off")
    return bank


def pay_at_bank(app, as_user, choice="success"):
    bill_id = make_bill(app)
    employer = as_user(UNIT_1)
    cashier = cashier_path(employer.post(f"/pay/{bill_id}/"))
    employer.post(cashier, data={"choice": choice})
    return bill_id, trade_no_of(cashier)


def test_a_lost_notification_is_settled_by_the_query_job(lossy_bank, as_user, monkeypatch):
    paid_bill, paid_trade = pay_at_bank(lossy_bank, as_user)
    failed_bill, _failed = pay_at_bank(lossy_bank, as_user, "failed")
    waiting_bill = make_bill(lossy_bank)
    cashier_path(as_user(UNIT_1).post(f"/pay/{waiting_bill}/"))  # still at the cashier
    assert bill_state(lossy_bank, paid_bill)["status"] == "paying"

    # Not yet N minutes old: the query leaves them alone.
    with lossy_bank.app_context():
        assert payments.settle_stale(15)["checked"] == 0
    monkeypatch.setitem(lossy_bank.config, "PAYMENT_QUERY_AFTER_MINUTES", 0)
    reviewer = as_user("reviewer")
    response = reviewer.post("/reconciliation/query")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job_id = response.headers["Location"].split("/jobs/")[1].split("/")[0]
    result = wait_for_job(lossy_bank, job_id)
    assert result["paid"] >= 1 and result["failed"] >= 1 and result["waiting"] >= 1

    state = bill_state(lossy_bank, paid_bill)
    assert state["status"] == "paid" and state["payments"][0][:2] == (paid_trade, "success")
    assert False not in state["lines"]
    assert bill_state(lossy_bank, failed_bill)["status"] == "failed"
    assert bill_state(lossy_bank, waiting_bill)["status"] == "paying"
    assert any(d["source"] == "query" and d["trade_no"] == paid_trade
               for _t, _s, d in audits(lossy_bank, "payment_success"))


def wait_for_job(app, job_id, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.get(Job, job_id)
            status, result, message = job.status, job.result, job.message
            db.session.rollback()
        if status in ("done", "failed"):
            assert status == "done", message
            return result
        time.sleep(0.2)
    raise AssertionError("the job did not finish")


def test_the_statement_against_the_ledger_lists_every_mismatch(bank, as_user):
    day = date.today() - timedelta(days=1)
    at = datetime.combine(day, datetime.min.time()) + timedelta(hours=10)
    agreed, agreed_trade = pay_at_bank(bank, as_user)
    differs, differs_trade = pay_at_bank(bank, as_user)
    ledger_only, ledger_trade = pay_at_bank(bank, as_user)
    with bank.app_context():
        trades = (agreed_trade, differs_trade, ledger_trade)
        db.session.execute(update(BankOrder).where(BankOrder.trade_no.in_(trades))
                           .values(finished_at=at))
        db.session.execute(update(Payment).where(Payment.trade_no.in_(trades))
                           .values(finished_at=at))
        # The bank took a fen more on one; on another it has no record; a third it has alone.
        db.session.execute(update(BankOrder).where(BankOrder.trade_no == differs_trade)
                           .values(amount_fen=BankOrder.amount_fen + 1))
        db.session.execute(update(BankOrder).where(BankOrder.trade_no == ledger_trade)
                           .values(status="TRADE_CLOSED"))
        db.session.add(BankOrder(trade_no="PBANKONLY0001", merchant="m", subject="s",
                                 amount_fen=12345, notify_url="/", return_url="/",
                                 status="TRADE_SUCCESS", bank_ref="DBX1", finished_at=at))
        db.session.commit()
        differs_no = db.session.get(Bill, differs).bill_no

    reviewer = as_user("reviewer")
    response = reviewer.post("/reconciliation/run", data={"day": day.isoformat()})
    assert response.status_code == 302
    page = reviewer.get(response.headers["Location"]).get_data(as_text=True)
    with bank.app_context():
        run = db.session.execute(select(ReconciliationRun).order_by(
            ReconciliationRun.id.desc())).scalars().first()
        found = {(m.trade_no, m.kind, m.bank_amount, m.ledger_amount, m.bill_no)
                 for m in run.mismatches}
        amount = db.session.scalar(select(Payment.amount).where(Payment.trade_no == differs_trade))
        ledger_amount = db.session.scalar(
            select(Payment.amount).where(Payment.trade_no == ledger_trade))
        ledger_bill = db.session.get(Bill, ledger_only).bill_no
        counted = (run.mismatch_count, run.username, run.day)
        db.session.rollback()
    assert found == {
        (differs_trade, "amount_differs", amount + Decimal("0.01"), amount, differs_no),
        ("PBANKONLY0001", "bank_only", Decimal("123.45"), None, None),
        (ledger_trade, "ledger_only", None, ledger_amount, ledger_bill),
    }
    assert counted == (3, "reviewer", day) and agreed_trade not in {f[0] for f in found}
    assert "金额不一致" in page and "银行已收款，本系统未入账" in page and differs_no in page
    assert "本系统已入账，银行无此笔收款" in page
    assert audits(bank, "payment_reconcile")[-1][2]["mismatches"] == 3
    listing = reviewer.get("/reconciliation/").get_data(as_text=True)
    assert day.isoformat() in listing


@pytest.mark.parametrize("day", ["2026-13-01", "yesterday", "", "9999-01-01"])
def test_a_bad_or_future_day_is_refused_clearly(bank, as_user, day):
    reviewer = as_user("reviewer")
    with bank.app_context():
        runs = db.session.query(ReconciliationRun).count()
    response = reviewer.post("/reconciliation/run", data={"day": day})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/reconciliation/")
    page = reviewer.get("/reconciliation/").get_data(as_text=True)
    assert "对账日期格式不正确" in page or "只能对今天以前的日期对账" in page
    with bank.app_context():
        assert db.session.query(ReconciliationRun).count() == runs
    assert audits(bank, "payment_reconcile", success=False)[-1][2]["day"] == day


def test_the_reconciliation_page_is_the_centers(bank, as_user):
    employer = as_user(UNIT_1)
    assert employer.get("/reconciliation/").status_code in (302, 403)
    assert employer.post("/reconciliation/run", data={"day": "2026-01-01"}).status_code in (
        302, 403)
    assert "/reconciliation" not in employer.get("/reconciliation/").headers.get("Location", "x")
    assert as_user("admin").get("/reconciliation/").status_code == 200


def test_the_bank_resends_on_alipays_schedule_until_it_hears_success(lossy_bank, as_user):
    bill_id, trade_no = pay_at_bank(lossy_bank, as_user)
    with lossy_bank.app_context():
        row = db.session.execute(select(BankNotification).join(BankOrder)
                                 .where(BankOrder.trade_no == trade_no)).scalar_one()
        notification_id, real_url = row.id, row.url
        row.url = "http://localhost/pay/nowhere"  # the merchant answers a 404 page, not success
        start = datetime(2030, 1, 1, 8, 0)
        row.next_at = start
        only(row.id)

        clock = start
        for delay in [timedelta(0), *[timedelta(minutes=m) for m in (4, 10, 10, 60, 120, 360)]]:
            clock += delay
            # A moment before its time nothing is sent.
            assert demo_bank.deliver_due(clock - timedelta(seconds=1))["due"] == 0
            assert demo_bank.deliver_due(clock) == {"due": 1, "delivered": 0}
        row = db.session.get(BankNotification, notification_id)
        assert row.attempts == 7 and row.status == "pending"
        assert row.next_at == clock + timedelta(hours=15)
        # The merchant is back before the eighth and last attempt: it answers success.
        row.url = real_url
        db.session.commit()
        assert demo_bank.deliver_due(row.next_at) == {"due": 1, "delivered": 1}
        row = db.session.get(BankNotification, notification_id)
        assert row.status == "delivered" and row.attempts == 8 and row.last_answer == "success"
        assert demo_bank.deliver_due(clock + timedelta(days=30))["due"] == 0
        db.session.rollback()
    assert bill_state(lossy_bank, bill_id)["status"] == "paid"


def only(notification_id):
    """Earlier tests' notifications are left out of the tick: this test counts its own."""
    db.session.execute(update(BankNotification).where(
        BankNotification.id != notification_id, BankNotification.status == "pending")
        .values(status="given_up"))
    db.session.commit()


def test_after_eight_unanswered_attempts_the_bank_gives_up(lossy_bank, as_user):
    _bill_id, trade_no = pay_at_bank(lossy_bank, as_user)
    with lossy_bank.app_context():
        row = db.session.execute(select(BankNotification).join(BankOrder)
                                 .where(BankOrder.trade_no == trade_no)).scalar_one()
        row.url, row.next_at = "http://localhost/pay/nowhere", datetime(2030, 1, 1)
        only(row.id)
        clock = datetime(2030, 1, 1)
        for _attempt in range(8):
            assert demo_bank.deliver_due(clock)["due"] == 1
            db.session.refresh(row)
            clock = row.next_at or clock
        assert row.status == "given_up" and row.attempts == 8 and row.next_at is None
        assert demo_bank.deliver_due(datetime(2031, 1, 1))["due"] == 0
        db.session.rollback()
