"""对账 (D4): the bank's daily statement against the payments booked here, and the run kept.

The ledger side is every payment of the gateway's channel that succeeded on the day (its
finished_at is the bank's time of payment, so both sides count the same day)."""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from app import audit
from app.extensions import db
from app.money import gateway as gw
from app.money.payments import SUCCESS
from models.contribution import Bill, Payment
from models.reconciliation import ReconciliationMismatch, ReconciliationRun
from rules.payment_signature import fen_to_yuan
from rules.reconciliation import compare


def reconcile(day: date, user=None) -> ReconciliationRun:
    """Compare the statement of ``day`` with the ledger; the run and its mismatches are stored
    with an audit row. Commits."""
    channel = gw.gateway()
    statement = {row.trade_no: fen_to_yuan(row.amount_fen)
                 for row in channel.daily_statement(day) if row.status == gw.PAID}
    start = datetime.combine(day, time())
    ledger = dict(db.session.execute(
        select(Payment.trade_no, Payment.amount)
        .where(Payment.status == SUCCESS, Payment.channel == channel.name,
               Payment.finished_at >= start, Payment.finished_at < start + timedelta(days=1))
    ).all())
    mismatches = compare(statement, ledger)
    bill_nos = dict(db.session.execute(
        select(Payment.trade_no, Bill.bill_no).join(Bill, Bill.id == Payment.bill_id)
        .where(Payment.trade_no.in_([m.trade_no for m in mismatches]))).all()) if mismatches else {}
    run = ReconciliationRun(
        day=day, channel=channel.name, run_at=datetime.now(),
        user_id=getattr(user, "id", None), username=getattr(user, "username", None),
        bank_count=len(statement), bank_total=sum(statement.values(), Decimal("0.00")),
        ledger_count=len(ledger), ledger_total=sum(ledger.values(), Decimal("0.00")),
        mismatch_count=len(mismatches))
    run.mismatches = [ReconciliationMismatch(
        trade_no=m.trade_no, kind=m.kind, bank_amount=m.bank_amount, ledger_amount=m.ledger_amount,
        bill_no=bill_nos.get(m.trade_no)) for m in mismatches]
    db.session.add(run)
    db.session.flush()
    audit.record("payment_reconcile", target_type="reconciliation_run", target_id=run.id,
                 success=not mismatches, user=user,
                 detail={"day": day.isoformat(), "bank_count": run.bank_count,
                         "ledger_count": run.ledger_count, "mismatches": len(mismatches)})
    db.session.commit()
    return run
