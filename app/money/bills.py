"""A bill's money and state once it exists: its row lock, its moves, its late fee, its settling.

The contract the payment blueprint builds on (the bills screens use it too):

- ``lock(bill_id, unit_id=None)`` reads the bill under its row lock (SELECT … FOR UPDATE on
  PostgreSQL); ``move(bill, target)`` changes its state through rules.bill_status with a
  compare-and-set UPDATE, which also takes SQLite's write lock, so two callers racing on one
  bill cannot both move it from the same state.
- ``reprice(bill, day)`` recomputes the late fee of the bill's unpaid lines to ``day``.
- ``settle(bill, paid_at)`` marks a 支付中 bill and its ledger lines paid.

None of them commits: the caller holds the transaction, so the change and its audit row commit
together or not at all.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import bindparam, select, update

from app import audit
from app.declarations.base_declaration import refresh_unit_totals
from app.extensions import db
from app.money.terms import late_fee_of, terms_of_years
from models.contribution import Bill, Contribution
from rules import bill_status
from rules.money import to_fen

ZERO = Decimal("0.00")


def lock(bill_id: int, unit_id: int | None = None) -> Bill | None:
    """The bill under its row lock, fresh from the database; None if there is no such bill (or
    it belongs to another unit than ``unit_id``: the caller answers 404 either way)."""
    query = select(Bill).where(Bill.id == bill_id)
    if unit_id is not None:
        query = query.where(Bill.unit_id == unit_id)
    return db.session.execute(
        query.with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()


def move(bill: Bill, target: str) -> bill_status.Transition:
    """Move ``bill`` to ``target`` if rules.bill_status allows it from the state the database
    holds. The UPDATE names the state it expects: when another transaction moved the bill first
    nothing is written and IllegalBillTransition says so."""
    transition = bill_status.check(bill.status, target)
    table = Bill.__table__
    moved = db.session.execute(
        update(table).where(table.c.id == bill.id, table.c.status == bill.status)
        .values(status=target)).rowcount
    if moved != 1:
        db.session.refresh(bill)
        raise bill_status.IllegalBillTransition(
            f"缴费单据{bill.bill_no}已是“{bill_status.name_of(bill.status)}”状态，请刷新后重试")
    db.session.refresh(bill, ["status"])
    return transition


def unpaid_lines(bill: Bill):
    table = Contribution.__table__
    return db.session.execute(
        select(table.c.id, table.c.month, table.c.unit_amount, table.c.personal_amount,
               table.c.late_fee)
        .where(table.c.bill_id == bill.id, table.c.paid.is_(False))).all()


def reprice(bill: Bill, day: date) -> Decimal:
    """The late fee of the bill's unpaid lines recomputed to ``day`` (each line: its unit and
    personal amount, its month's due date and daily rate from app/money/terms.py, RULES.md §4);
    the lines' late_fee, bill.late_fee and bill.total updated; returns the new total.

    Per line, as the 补缴 effect (rules/back_payment.lines) and the ledger keep it, so the
    bill's late fee is the sum of its lines' and the unit totals stay the sum of the ledger."""
    lines = unpaid_lines(bill)
    terms = terms_of_years({month // 100 for _id, month, *_rest in lines} or {day.year})
    changed, fee_total = [], ZERO
    for line_id, month, unit_amount, personal_amount, old_fee in lines:
        fee = late_fee_of(to_fen(unit_amount) + to_fen(personal_amount), month, day, terms)
        fee_total += fee
        if to_fen(old_fee) != fee:
            changed.append({"line_id": line_id, "fee": fee})
    if changed:
        table = Contribution.__table__
        db.session.execute(
            update(table).where(table.c.id == bindparam("line_id"))
            .values(late_fee=bindparam("fee")), changed)
        refresh_totals(bill)
    bill.late_fee = to_fen(fee_total)
    bill.total = to_fen(bill.amount) + bill.late_fee
    db.session.flush()
    return bill.total


def settle(bill: Bill, paid_at: datetime) -> None:
    """Mark a 支付中 bill paid at ``paid_at`` with its ledger lines, rebuild the unit totals of
    its months (paid amount and status from the ledger), write the audit row.

    Call it with the bill locked (``lock``) inside the caller's transaction. The late fee is not
    recomputed here: the bank was paid the total ``reprice`` set when payment began."""
    move(bill, bill_status.PAID)
    bill.paid_at = paid_at
    table = Contribution.__table__
    db.session.execute(
        update(table).where(table.c.bill_id == bill.id, table.c.paid.is_(False))
        .values(paid=True, paid_at=paid_at))
    refresh_totals(bill)
    audit.record("bill_settle", target_type="bill", target_id=bill.bill_no,
                 detail={"bill_id": bill.id, "total": str(bill.total),
                         "paid_at": paid_at.isoformat(timespec="minutes")})
    db.session.flush()


def refresh_totals(bill: Bill) -> None:
    """The unit totals (UnitContribution) of the bill's months, rebuilt from the ledger."""
    table = Contribution.__table__
    months = db.session.execute(
        select(table.c.month).where(table.c.bill_id == bill.id).distinct()).scalars().all()
    refresh_unit_totals(bill.unit_id, months)
