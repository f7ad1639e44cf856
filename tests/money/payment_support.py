"""What the payment tests share: a fresh bill of one month and 险种 from the unit's free ledger
lines, the demo bank set to notify at once in-process, reading the outcome back."""
import re
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from models.audit import AuditLog
from models.contribution import Bill, Contribution, Payment
from models.demo_bank import BankNotification, BankOrder
from models.reference import Insurance
from models.unit import Unit
from rules.late_fee import due_date

UNIT_1, UNIT_2 = "37010000001", "37010000002"


@pytest.fixture
def bank(app, monkeypatch):
    """The demo bank notifies before the browser is sent back, through the app's test client."""
    monkeypatch.setitem(app.config, "DEMO_BANK_NOTIFY", "inline")
    monkeypatch.setitem(app.config, "DEMO_BANK_TRANSPORT", "inprocess")
    return app


def make_bill(app, unit_no: str = UNIT_1) -> int:
    """A 未支付 bill over one (month, 险种) of the unit's ledger lines: unpaid, unbilled ones if
    there are, else an old paid month made unpaid again (the demo pays all but its last months,
    and every test needs a bill of its own)."""
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.unit_no == unit_no))
        free = _lines_of(unit_id, paid=False) or _lines_of(unit_id, paid=True)
        month, insurance_id, code = free
        lines = (Contribution.unit_id == unit_id, Contribution.month == month,
                 Contribution.insurance_id == insurance_id, Contribution.bill_id.is_(None))
        db.session.execute(update(Contribution).where(*lines).values(paid=False, paid_at=None))
        amount = db.session.scalar(
            select(func.sum(Contribution.unit_amount + Contribution.personal_amount)).where(*lines))
        bill = Bill(bill_no=f"JFT{uuid.uuid4().hex[:12].upper()}", unit_id=unit_id,
                    kind="regular", period_start=month, period_end=month, insurance_codes=code,
                    amount=amount, late_fee=Decimal("0.00"), total=amount, status="unpaid",
                    due_date=due_date(month))
        db.session.add(bill)
        db.session.flush()
        db.session.execute(update(Contribution).where(*lines).values(bill_id=bill.id))
        db.session.commit()
        return bill.id


def _lines_of(unit_id: int, paid: bool):
    """(month, insurance id, code) of the unit's unbilled lines, newest month first."""
    return db.session.execute(
        select(Contribution.month, Contribution.insurance_id, Insurance.code)
        .join(Insurance, Insurance.id == Contribution.insurance_id)
        .where(Contribution.unit_id == unit_id, Contribution.paid.is_(paid),
               Contribution.bill_id.is_(None), Contribution.back_payment.is_(False))
        .group_by(Contribution.month, Contribution.insurance_id, Insurance.code)
        .order_by(Contribution.month.desc(), Contribution.insurance_id).limit(1)).first()


def bill_state(app, bill_id: int) -> dict:
    """The bill, its payments and its ledger lines as the database holds them."""
    with app.app_context():
        bill = db.session.get(Bill, bill_id)
        payments = db.session.execute(select(Payment).where(Payment.bill_id == bill_id)
                                      .order_by(Payment.id)).scalars().all()
        paid_lines = db.session.execute(
            select(Contribution.paid, func.count()).where(Contribution.bill_id == bill_id)
            .group_by(Contribution.paid)).all()
        state = {"status": bill.status, "total": bill.total, "late_fee": bill.late_fee,
                 "paid_at": bill.paid_at,
                 "payments": [(p.trade_no, p.status, p.amount) for p in payments],
                 "lines": dict(paid_lines)}
        db.session.rollback()
        return state


def audits(app, action: str, **where) -> list:
    with app.app_context():
        query = select(AuditLog).where(AuditLog.action == action)
        for column, value in where.items():
            query = query.where(getattr(AuditLog, column) == value)
        rows = [(row.target_id, row.success, row.detail) for row in
                db.session.execute(query.order_by(AuditLog.id)).scalars()]
        db.session.rollback()
        return rows


def cashier_path(response) -> str:
    """Where 立即支付 sent the browser: the demo bank's cashier of the new trade."""
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    found = re.search(r"/demo-bank/cashier/(P\w+)$", location)
    assert found, location
    return found.group(0)


def trade_no_of(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def notification_payload(app, trade_no: str) -> dict:
    """The signed parameters the bank posted (or owes) for the trade."""
    with app.app_context():
        payload = db.session.execute(
            select(BankNotification.payload).join(BankOrder)
            .where(BankOrder.trade_no == trade_no).order_by(BankNotification.id)).scalars().first()
        db.session.rollback()
        return dict(payload)
