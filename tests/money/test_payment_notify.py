"""The notify URL (D4): a forged signature, a wrong amount, an unknown trade number and a replay
change nothing and leave an audit row; two notifications for one bill at once pay it once (on
SQLite and, with DATABASE_URL, on PostgreSQL)."""
import threading

import pytest

from rules.payment_signature import signed
from tests.money.payment_support import (  # noqa: F401  (bank is a fixture)
    UNIT_1, audits, bank, bill_state, cashier_path, make_bill, notification_payload, trade_no_of,
)
from tests.own_database import own_app

app = own_app("module")  # paying changes the demo city


@pytest.fixture
def silent_bank(bank, monkeypatch):
    """The bank records its notification but does not send it: the test posts it."""
    monkeypatch.setitem(bank.config, "DEMO_BANK_NOTIFY", "off")
    return bank


def paid_at_bank(app, as_user):
    """A bill 支付中 whose trade the payer paid at the bank, the notification not yet sent."""
    bill_id = make_bill(app)
    employer = as_user(UNIT_1)
    cashier = cashier_path(employer.post(f"/pay/{bill_id}/"))
    employer.post(cashier, data={"choice": "success"})
    trade_no = trade_no_of(cashier)
    return bill_id, trade_no, notification_payload(app, trade_no)


def post(app, payload):
    response = app.test_client().post("/pay/notify", data=payload)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_banks_notification_is_answered_success_and_pays(silent_bank, as_user):
    bill_id, trade_no, payload = paid_at_bank(silent_bank, as_user)
    assert bill_state(silent_bank, bill_id)["status"] == "paying"
    assert post(silent_bank, payload) == "success"
    state = bill_state(silent_bank, bill_id)
    assert state["status"] == "paid" and state["payments"][0][1] == "success"

    # The bank sends it again (it missed our answer): nothing changes, logged as a replay.
    settled = len(audits(silent_bank, "bill_settle"))
    assert post(silent_bank, payload) == "success"
    assert bill_state(silent_bank, bill_id) == state
    assert len(audits(silent_bank, "bill_settle")) == settled
    replays = audits(silent_bank, "payment_replay")
    assert replays[-1][1] is False and replays[-1][2]["trade_no"] == trade_no


@pytest.mark.parametrize("tamper, reason", [
    (lambda p, secret: {**p, "sign": "0" * 64}, "bad_signature"),
    (lambda p, secret: {k: v for k, v in p.items() if k != "sign"}, "bad_signature"),
    (lambda p, secret: {**p, "amount_fen": str(int(p["amount_fen"]) - 1)}, "bad_signature"),
    (lambda p, secret: signed({**p, "amount_fen": int(p["amount_fen"]) - 1}, secret),
     "amount_differs"),
    (lambda p, secret: signed({**p, "amount_fen": "12.5"}, secret), "bad_amount"),
    (lambda p, secret: signed({**p, "trade_no": "P20990101000000000000009ABCDEF"}, secret),
     "unknown_trade"),
    (lambda p, secret: signed(p, "a guessed secret"), "bad_signature"),
])
def test_an_untrusted_notification_changes_nothing_and_is_logged(silent_bank, as_user, tamper,
                                                                  reason):
    bill_id, trade_no, payload = paid_at_bank(silent_bank, as_user)
    before = bill_state(silent_bank, bill_id)
    refused = len(audits(silent_bank, "payment_notify_refused"))
    forged = tamper({k: v for k, v in payload.items()}, silent_bank.config["PAYMENT_SECRET"])
    assert post(silent_bank, forged) == "fail"
    assert bill_state(silent_bank, bill_id) == before  # still 支付中, nothing paid
    rows = audits(silent_bank, "payment_notify_refused")
    assert len(rows) == refused + 1
    assert rows[-1][1] is False and rows[-1][2]["reason"] == reason
    # The genuine notification still pays afterwards.
    assert post(silent_bank, payload) == "success"
    assert bill_state(silent_bank, bill_id)["status"] == "paid"


def test_a_notification_of_failure_then_a_forged_success_for_it(silent_bank, as_user):
    bill_id = make_bill(silent_bank)
    employer = as_user(UNIT_1)
    cashier = cashier_path(employer.post(f"/pay/{bill_id}/"))
    employer.post(cashier, data={"choice": "failed"})
    payload = notification_payload(silent_bank, trade_no_of(cashier))
    assert post(silent_bank, payload) == "success"
    assert bill_state(silent_bank, bill_id)["status"] == "failed"
    # A "success" for the failed trade without the bank's key: refused, still failed.
    forged = {**payload, "trade_status": "TRADE_SUCCESS"}
    assert post(silent_bank, forged) == "fail"
    assert bill_state(silent_bank, bill_id)["status"] == "failed"


def test_two_notifications_at_once_pay_the_bill_once(silent_bank, as_user):
    bill_id, trade_no, payload = paid_at_bank(silent_bank, as_user)
    settled = len(audits(silent_bank, "bill_settle"))
    successes = len(audits(silent_bank, "payment_success"))
    start = threading.Barrier(2)
    answers, errors = [], []

    def notify():
        client = silent_bank.test_client()
        start.wait()
        try:
            response = client.post("/pay/notify", data=payload)
            answers.append((response.status_code, response.get_data(as_text=True)))
        except Exception as error:  # pragma: no cover - the failure shows in the assert
            errors.append(error)

    threads = [threading.Thread(target=notify) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert sorted(answers) == [(200, "success"), (200, "success")]
    state = bill_state(silent_bank, bill_id)
    assert state["status"] == "paid" and [p[1] for p in state["payments"]] == ["success"]
    assert len(audits(silent_bank, "bill_settle")) == settled + 1
    assert len(audits(silent_bank, "payment_success")) == successes + 1
    assert audits(silent_bank, "payment_replay")[-1][2]["trade_no"] == trade_no


def test_the_notify_url_is_rate_limited_per_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "PAYMENT_NOTIFY_RATE_LIMIT", "3 per minute")
    client = app.test_client()
    answers = [client.post("/pay/notify", data={"trade_no": "x"},
                           environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code
               for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    # Another address is not held back by the first one's attempts.
    assert client.post("/pay/notify", data={"trade_no": "x"},
                       environ_base={"REMOTE_ADDR": "10.9.8.6"}).status_code == 200


def test_abandoning_a_trade_the_bank_has_already_paid_books_the_payment(silent_bank, as_user):
    bill_id, trade_no, payload = paid_at_bank(silent_bank, as_user)  # notification not yet here
    employer = as_user(UNIT_1)
    response = employer.post(f"/pay/{bill_id}/abandon", follow_redirects=True)
    assert "银行已收到该笔付款" in response.get_data(as_text=True)
    state = bill_state(silent_bank, bill_id)
    assert state["status"] == "paid" and state["payments"][0][:2] == (trade_no, "success")
    assert audits(silent_bank, "payment_success")[-1][2]["source"] == "abandon"
    # The notification arriving afterwards is a replay.
    assert post(silent_bank, payload) == "success"
    assert bill_state(silent_bank, bill_id) == state
