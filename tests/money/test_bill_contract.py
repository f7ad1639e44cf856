"""The contract the payment blueprint builds on: lock, move, reprice, settle."""
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.money import bills
from models.audit import AuditLog
from models.contribution import Bill, Contribution, UnitContribution
from rules import bill_status
from rules.late_fee import late_fee
from tests.own_database import own_app

app = own_app("module")


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.rollback()


def unpaid_demo_bill():
    return db.session.execute(select(Bill).where(Bill.status == "unpaid")
                              .order_by(Bill.id)).scalars().first()


def test_reprice_late_fee_per_line_and_settle(ctx):
    bill = bills.lock(unpaid_demo_bill().id)
    lines = db.session.execute(select(Contribution).where(Contribution.bill_id == bill.id)).scalars().all()
    month = bill.period_start
    day = date(month // 100 + 1, 3, 1)  # well past the due date of any demo month
    total = bills.reprice(bill, day)
    expected = sum(late_fee(c.unit_amount + c.personal_amount, c.month, day) for c in lines)
    assert expected > 0
    assert bill.late_fee == expected and total == bill.amount + expected
    db.session.refresh(lines[0])
    assert lines[0].late_fee == late_fee(lines[0].unit_amount + lines[0].personal_amount, month, day)
    # Before the due date nothing is late.
    assert bills.reprice(bill, date(month // 100, month % 100, 28)) == bill.amount
    with pytest.raises(bill_status.IllegalBillTransition):
        bills.settle(bill, datetime.now())  # only a 支付中 bill is paid
    bills.move(bill, bill_status.PAYING)
    paid_at = datetime(2026, 3, 1, 10, 30)
    bills.settle(bill, paid_at)
    assert bill.status == "paid" and bill.paid_at == paid_at
    assert db.session.scalar(select(func.count()).where(
        Contribution.bill_id == bill.id, Contribution.paid.is_(False))) == 0
    totals = db.session.execute(select(UnitContribution).where(
        UnitContribution.unit_id == bill.unit_id, UnitContribution.month == month)).scalars().all()
    assert totals and all(t.status == "paid" and t.paid_amount == t.total for t in totals)
    assert db.session.scalar(select(func.count()).where(
        AuditLog.action == "bill_settle", AuditLog.target_id == bill.bill_no)) == 1


def test_move_refuses_a_stale_state(ctx):
    bill = bills.lock(unpaid_demo_bill().id)
    db.session.execute(Bill.__table__.update().where(Bill.id == bill.id).values(status="paying"))
    # The session still believes 未支付; the compare-and-set sees 支付中 and refuses.
    with pytest.raises(bill_status.IllegalBillTransition, match="支付中"):
        bills.move(bill, bill_status.PAYING)
    assert bill.status == "paying"
