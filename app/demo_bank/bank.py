"""The demo bank's side of a trade: its orders, the payer's choice, its notifications.

Notifications are owed in a table (BankNotification) and delivered by ``deliver``: at once
after the payer's choice (DEMO_BANK_NOTIFY: ``thread`` in the background, ``inline`` before
the browser is sent back, ``off`` to leave it to the tick, as when the network drops it), and
again by ``deliver_due`` — the worker tick (job kind ``demo_bank_notify``) — on the resend
schedule of rules.notify_schedule until the merchant answers ``success``.

Transport (DEMO_BANK_TRANSPORT): ``http`` posts the form to the notify URL as a real bank
does; ``inprocess`` hands it to this app's own test client (tests, no server running)."""
import logging
import secrets
import threading
import urllib.parse
import urllib.request
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.money import gateway as gw
from models.demo_bank import (
    CLOSED, DELIVERED, FAILED, GIVEN_UP, PENDING, SUCCESS, WAIT, BankNotification, BankOrder,
)
from rules.notify_schedule import accepted, next_attempt
from rules.payment_signature import signed

log = logging.getLogger(__name__)
ANSWER_LIMIT = 500
TIMEOUT = 10  # seconds a merchant gets to answer a notification


def open_order(order: gw.Order, merchant: str) -> BankOrder:
    """The bank's order for a merchant's trade (joins the caller's transaction)."""
    row = BankOrder(trade_no=order.trade_no, merchant=merchant[:100], subject=order.subject[:200],
                    amount_fen=order.amount_fen, notify_url=order.notify_url,
                    return_url=order.return_url, status=WAIT, created_at=datetime.now())
    db.session.add(row)
    db.session.flush()
    return row


def find(trade_no: str) -> BankOrder | None:
    if not isinstance(trade_no, str) or not trade_no or len(trade_no) > 40:
        return None
    return db.session.execute(
        select(BankOrder).where(BankOrder.trade_no == trade_no)).scalar_one_or_none()


def decide(order: BankOrder, paid: bool, now: datetime | None = None) -> BankNotification | None:
    """The payer's choice at the cashier: the order is paid or failed, and a notification is
    owed. An order already decided or closed is left alone (None): a second click pays nothing."""
    now = now or datetime.now()
    # Compare-and-set: of two clicks racing, one moves the order, the other finds it decided.
    moved = db.session.execute(
        BankOrder.__table__.update()
        .where(BankOrder.__table__.c.id == order.id, BankOrder.__table__.c.status == WAIT)
        .values(status=SUCCESS if paid else FAILED, finished_at=now,
                bank_ref=f"DB{now:%Y%m%d%H%M%S}{secrets.token_hex(4).upper()}" if paid else None)
    ).rowcount
    if moved != 1:
        return None
    db.session.refresh(order)
    notification = BankNotification(order_id=order.id, url=order.notify_url,
                                    payload=notification_payload(order), status=PENDING,
                                    attempts=0, next_at=now)
    db.session.add(notification)
    db.session.flush()
    return notification


def close(order: BankOrder, now: datetime | None = None) -> None:
    """The merchant gave the trade up: a waiting order can no longer be paid."""
    db.session.execute(
        BankOrder.__table__.update()
        .where(BankOrder.__table__.c.id == order.id, BankOrder.__table__.c.status == WAIT)
        .values(status=CLOSED, finished_at=now or datetime.now()))
    db.session.refresh(order)


def notification_payload(order: BankOrder) -> dict:
    """What the bank posts: the trade's facts, amounts in fen, signed with the shared key."""
    return signed({
        "trade_no": order.trade_no,
        "amount_fen": order.amount_fen,
        "trade_status": order.status,
        "bank_ref": order.bank_ref,
        "finished_at": order.finished_at.strftime("%Y%m%d%H%M%S") if order.finished_at else None,
        "notify_id": secrets.token_hex(8),
    }, gw.secret())


def return_params(order: BankOrder) -> dict:
    """What the browser carries back to the return URL (the merchant shows its own state,
    never these)."""
    return signed({"trade_no": order.trade_no, "amount_fen": order.amount_fen,
                   "trade_status": order.status}, gw.secret())


def dispatch(notification_id: int) -> None:
    """Send a new notification now, as DEMO_BANK_NOTIFY says (after the caller committed)."""
    mode = current_app.config.get("DEMO_BANK_NOTIFY", "thread")
    if mode == "inline":
        deliver(notification_id)
    elif mode == "thread":
        app = current_app._get_current_object()
        threading.Thread(target=_deliver_in_app, args=(app, notification_id),
                         daemon=True).start()


def _deliver_in_app(app, notification_id: int) -> None:
    with app.app_context():
        try:
            deliver(notification_id)
        except Exception:  # the tick tries again; a notification is never lost
            log.exception("demo bank: notification %s failed", notification_id)
        finally:
            db.session.remove()


def deliver(notification_id: int, now: datetime | None = None) -> bool:
    """One attempt: post the notification, record the answer, schedule the next attempt or
    give up. True when the merchant accepted it. Commits."""
    row = db.session.get(BankNotification, notification_id)
    if row is None or row.status != PENDING:
        return False
    payload, url = dict(row.payload), row.url
    db.session.commit()  # no transaction is held while the merchant works on it
    answer = _post(url, payload)
    now = now or datetime.now()
    row = db.session.get(BankNotification, notification_id)
    row.attempts += 1
    row.last_at, row.last_answer = now, (answer or "")[:ANSWER_LIMIT]
    if accepted(answer):
        row.status, row.next_at = DELIVERED, None
    else:
        row.next_at = next_attempt(row.attempts, now)
        if row.next_at is None:
            row.status = GIVEN_UP
    db.session.commit()
    return row.status == DELIVERED


def deliver_due(now: datetime | None = None) -> dict:
    """The worker tick: every pending notification whose time has come gets one attempt."""
    now = now or datetime.now()
    due = db.session.execute(
        select(BankNotification.id)
        .where(BankNotification.status == PENDING, BankNotification.next_at <= now)
        .order_by(BankNotification.next_at)).scalars().all()
    delivered = sum(deliver(notification_id, now) for notification_id in due)
    return {"due": len(due), "delivered": delivered}


def _post(url: str, payload: dict) -> str | None:
    if current_app.config.get("DEMO_BANK_TRANSPORT", "http") == "inprocess":
        parts = urllib.parse.urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = current_app.test_client().post(path, data=payload)
        return response.get_data(as_text=True)
    body = urllib.parse.urlencode(payload).encode()
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return answer.read(ANSWER_LIMIT).decode("utf-8", "replace")
    except OSError as exc:
        return f"error: {exc}"[:ANSWER_LIMIT]
