"""Online payment of a bill (D4), the merchant's side: start, notification, abandon, query.

Every function works inside the caller's transaction under the bill's row lock (``lock_bill``):
SELECT … FOR UPDATE on PostgreSQL; on SQLite a no-op write first, which takes the database's
one write lock, so a second notification for the same trade waits and then finds the work done.
The bill moves only through app/money/bills.py (rules.bill_status), so a bill is paid once.

A payment's outcome is decided by the bank alone — its signed notification, or its answer to
query-order — never by the browser coming back. ``apply`` is idempotent by trade number: a
notification for a payment already decided changes nothing (a replay) and is only logged."""
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from sqlalchemy import select, update

from app import audit
from app.extensions import db
from app.money import bills
from app.money import gateway as gw
from models.contribution import Bill, Payment
from rules import bill_status
from rules.errors import InvalidAmount, RuleError
from rules.money import to_fen
from rules.payment_signature import BadSignature, yuan_to_fen

PENDING, SUCCESS, FAILED, ABANDONED = "pending", "success", "failed", "abandoned"
ACCEPT, REJECT = "success", "fail"  # what the merchant answers the bank


class PaymentRefused(RuleError):
    message = "不能支付该缴费单据"


@dataclass
class Started:
    payment: Payment
    redirect_url: str


def lock_bill(bill_id: int, unit_id: int | None = None) -> Bill | None:
    """The bill under its row lock (None if missing or another unit's)."""
    if db.session.get_bind().dialect.name == "sqlite":
        table = Bill.__table__
        db.session.execute(update(table).where(table.c.id == bill_id)
                           .values(status=table.c.status))
    return bills.lock(bill_id, unit_id)


def _payment(trade_no: str, lock: bool = False) -> Payment | None:
    query = select(Payment).where(Payment.trade_no == trade_no)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.execute(query).scalar_one_or_none()


def new_trade_no(bill: Bill, now: datetime) -> str:
    """Unique by construction (the column is unique too): time, bill, 48 random bits (the
    bank's cashier page is reached by it, so it must not be guessed)."""
    return f"P{now:%Y%m%d%H%M%S}{bill.id:08d}{secrets.token_hex(6).upper()}"


def start(bill_id: int, unit_id: int, now: datetime | None = None) -> Started | None:
    """立即支付 / 重新支付: the late fee repriced to today, a pending payment, the bill 支付中 and
    the bank's order; None when the unit has no such bill. PaymentRefused or
    IllegalBillTransition say why a bill cannot be paid now."""
    now = now or datetime.now()
    bill = lock_bill(bill_id, unit_id)
    if bill is None:
        return None
    if bill.status == bill_status.PAYING:
        raise PaymentRefused("该缴费单据正在支付中，请完成支付或放弃支付后再试")
    bill_status.check(bill.status, bill_status.PAYING)
    total = bills.reprice(bill, now.date())
    if to_fen(total) <= 0:
        raise PaymentRefused("缴费单据金额为零，无需支付")
    channel = gw.gateway()
    payment = Payment(bill_id=bill.id, trade_no=new_trade_no(bill, now), amount=to_fen(total),
                      status=PENDING, channel=channel.name, created_at=now)
    db.session.add(payment)
    transition = bills.move(bill, bill_status.PAYING)
    url = channel.create_order(gw.Order(
        trade_no=payment.trade_no, amount_fen=yuan_to_fen(total),
        subject=f"社会保险费 {bill.bill_no}",
        notify_url=url_for("PayNotifyView.notify", _external=True),
        return_url=url_for("PayView.result", bill_id=bill.id, _external=True)))
    audit.record("payment_start", target_type="bill", target_id=bill.bill_no,
                 detail={"trade_no": payment.trade_no, "amount": str(payment.amount),
                         "late_fee": str(bill.late_fee), "transition": transition.name})
    db.session.flush()
    return Started(payment, url)


def abandon(bill_id: int, unit_id: int, now: datetime | None = None) -> str | None:
    """放弃支付: the bank's order is closed and the bill is 未支付 again. If the bank says the
    trade was paid meanwhile, the payment is applied instead and "paid" returned."""
    now = now or datetime.now()
    bill = lock_bill(bill_id, unit_id)
    if bill is None:
        return None
    if bill.status != bill_status.PAYING:
        raise bill_status.IllegalBillTransition(
            f"缴费单据当前状态为“{bill_status.name_of(bill.status)}”，没有进行中的支付可放弃")
    channel = gw.gateway()
    pending = db.session.execute(
        select(Payment).where(Payment.bill_id == bill.id, Payment.status == PENDING)
        .with_for_update()).scalars().all()
    for payment in pending:
        state = channel.close_order(payment.trade_no)
        if state is not None and state.status == gw.PAID:
            apply(payment, bill, state, "abandon")
            return "paid"
    for payment in pending:
        payment.status, payment.finished_at = ABANDONED, now
    bills.move(bill, bill_status.UNPAID)
    audit.record("payment_abandon", target_type="bill", target_id=bill.bill_no,
                 detail={"trade_nos": [p.trade_no for p in pending]})
    db.session.flush()
    return "abandoned"


def apply(payment: Payment, bill: Bill, state: gw.TradeState, source: str,
          payload: dict | None = None, now: datetime | None = None) -> str:
    """The bank's word on one trade applied to the payment and its bill, once. Returns what
    happened: paid | failed | waiting | replay | conflict."""
    now = now or datetime.now()
    detail = {"trade_no": payment.trade_no, "source": source, "bank_status": state.status}
    if payment.status == PENDING and state.status == gw.PAID:
        _paid(payment, bill, state, payload, now)
        audit.record("payment_success", target_type="bill", target_id=bill.bill_no,
                     detail={**detail, "amount": str(payment.amount)})
        return "paid"
    if payment.status == ABANDONED and state.status == gw.PAID and bill.status in (
            bill_status.UNPAID, bill_status.FAILED):
        # The bank took the money before the close reached it: the money is real, book it.
        bills.move(bill, bill_status.PAYING)
        _paid(payment, bill, state, payload, now)
        audit.record("payment_success", target_type="bill", target_id=bill.bill_no,
                     detail={**detail, "amount": str(payment.amount), "after_abandon": True})
        return "paid"
    if payment.status == PENDING and state.status in (gw.FAILED, gw.CLOSED):
        payment.status, payment.finished_at = FAILED, now
        payment.callback_payload = payload or payment.callback_payload
        bills.move(bill, bill_status.FAILED)
        audit.record("payment_failed", target_type="bill", target_id=bill.bill_no, detail=detail)
        return "failed"
    if payment.status == PENDING:
        return "waiting"
    same = {(SUCCESS, gw.PAID), (FAILED, gw.FAILED), (FAILED, gw.CLOSED), (ABANDONED, gw.CLOSED)}
    if (payment.status, state.status) in same:
        audit.record("payment_replay", target_type="bill", target_id=bill.bill_no,
                     success=False, detail={**detail, "payment_status": payment.status})
        return "replay"
    audit.record("payment_conflict", target_type="bill", target_id=bill.bill_no, success=False,
                 detail={**detail, "payment_status": payment.status, "bill_status": bill.status})
    return "conflict"


def _paid(payment, bill, state, payload, now):
    payment.status, payment.bank_ref = SUCCESS, state.bank_ref
    payment.finished_at = state.paid_at or now
    payment.callback_payload = payload or payment.callback_payload
    bills.settle(bill, payment.finished_at)


def notify(params: dict) -> str:
    """The bank's asynchronous notification: ``success`` once it is applied or known already
    (the bank then stops resending), ``fail`` when it cannot be trusted. Commits; a refused
    notification changes nothing and leaves an audit row."""
    params = {key: value for key, value in params.items() if isinstance(value, str)}
    trade_no = params.get("trade_no", "")[:40]
    try:
        state = gw.gateway().verify_notification(params)
    except (BadSignature, InvalidAmount) as refused:
        return _refuse("bad_signature" if isinstance(refused, BadSignature) else "bad_amount",
                       trade_no, str(refused))
    bill_id = db.session.scalar(select(Payment.bill_id).where(Payment.trade_no == state.trade_no))
    if bill_id is None:
        return _refuse("unknown_trade", trade_no)
    for attempt in (1, 2):  # a racing notification may have moved the bill: read again once
        bill = lock_bill(bill_id)
        payment = _payment(state.trade_no, lock=True)
        if state.amount_fen != yuan_to_fen(payment.amount):
            return _refuse("amount_differs", trade_no,
                           f"{state.amount_fen} != {yuan_to_fen(payment.amount)}")
        try:
            apply(payment, bill, state, "notify", payload=params)
        except bill_status.IllegalBillTransition as error:
            db.session.rollback()
            if attempt == 2:
                return _refuse("conflict", trade_no, str(error))
            continue
        db.session.commit()
        return ACCEPT
    return REJECT  # pragma: no cover - the loop returns or raises


def _refuse(reason: str, trade_no: str, message: str = "") -> str:
    db.session.rollback()
    audit.record_now("payment_notify_refused", target_type="payment", target_id=trade_no or None,
                     success=False, detail={"reason": reason, "message": message[:200]})
    return REJECT


def settle_stale(after_minutes: int, now: datetime | None = None, progress=None) -> dict:
    """Reconciliation by query: every payment still pending after ``after_minutes`` is settled
    by the bank's answer to query-order (its notification may never come). One transaction per
    payment. Returns counts by outcome."""
    from datetime import timedelta

    now = now or datetime.now()
    channel = gw.gateway()
    stale = db.session.execute(
        select(Payment.trade_no, Payment.bill_id)
        .where(Payment.status == PENDING, Payment.channel == channel.name,
               Payment.created_at <= now - timedelta(minutes=after_minutes))
        .order_by(Payment.created_at)).all()
    db.session.rollback()
    counts = {"checked": len(stale)}
    for done, (trade_no, bill_id) in enumerate(stale, 1):
        state = channel.query_order(trade_no) or gw.TradeState(trade_no, gw.CLOSED, 0)
        bill = lock_bill(bill_id)
        payment = _payment(trade_no, lock=True)
        if state.status != gw.CLOSED and state.amount_fen != yuan_to_fen(payment.amount):
            outcome = "amount_differs"
            audit.record("payment_query_refused", target_type="payment", target_id=trade_no,
                         success=False, detail={"bank_fen": state.amount_fen,
                                                "amount": str(payment.amount)})
        else:
            outcome = apply(payment, bill, state, "query", now=now)
        db.session.commit()
        counts[outcome] = counts.get(outcome, 0) + 1
        if progress:
            progress(done, len(stale))
    return counts
