"""Bills of 37010000001 (one paid with its payment, one unpaid) and the published notices."""
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Connection, insert, text, update

from app.demo import data
from app.demo.staff import Window
from models.contribution import Bill, Contribution, Payment, UnitContribution
from models.demo_bank import BankOrder
from models.notice import Notice
from rules.late_fee import due_date
from rules.months import add_months, month_start

BILL_INSURANCES = ("110", "210", "310", "410")


def create_bills(conn: Connection, unit_id: int, insurance_ids: dict, window: Window) -> dict:
    """Last month but one: billed and paid; last month: billed, not paid yet."""
    ins = [insurance_ids[code] for code in BILL_INSURANCES]
    paid_month, open_month = add_months(window.month, -2), window.last
    bills = {}
    for seq, (month, paid) in enumerate(((paid_month, True), (open_month, False)), 1):
        billed_on = month_start(add_months(month, 1)) + timedelta(days=2)
        created = datetime.combine(billed_on, time(10, 0))
        amount = _amount(conn, unit_id, month, ins)
        paid_at = created + timedelta(days=1, hours=3) if paid else None
        bill_id = conn.execute(insert(Bill.__table__).values(
            bill_no=f"JF{created:%Y%m%d}{seq:04d}", unit_id=unit_id, kind="regular",
            period_start=month, period_end=month, insurance_codes=",".join(BILL_INSURANCES),
            amount=amount, late_fee=Decimal("0.00"), total=amount,
            status="paid" if paid else "unpaid", due_date=due_date(month),
            created_at=created, paid_at=paid_at,
        )).inserted_primary_key[0]
        values = {"bill_id": bill_id}
        if paid:
            values.update(paid=True, paid_at=paid_at)
            trade_no = f"PAY{paid_at:%Y%m%d%H%M%S}{seq:04d}"
            conn.execute(insert(Payment.__table__).values(
                bill_id=bill_id, trade_no=trade_no, amount=amount, status="success",
                channel="demo_bank", bank_ref=f"DB{paid_at:%Y%m%d}{bill_id:08d}",
                callback_payload={"trade_no": trade_no, "amount": str(amount), "result": "SUCCESS"},
                created_at=paid_at - timedelta(minutes=2), finished_at=paid_at,
            ))
            _bank_order(conn, trade_no, amount, paid_at, f"DB{paid_at:%Y%m%d}{bill_id:08d}")
        _mark(conn, Contribution.__table__, unit_id, month, ins, **values)
        if paid:
            totals = UnitContribution.__table__
            _mark(conn, totals, unit_id, month, ins, paid_amount=totals.c.total, status="paid")
        bills["paid" if paid else "unpaid"] = {"id": bill_id, "month": month, "amount": amount}
    return bills


def _bank_order(conn: Connection, trade_no: str, amount: Decimal, paid_at, bank_ref: str) -> None:
    """The demo bank's own record of the paid bill (D4), so its statement of that day agrees."""
    conn.execute(insert(BankOrder.__table__).values(
        trade_no=trade_no, merchant="社会保险单位网上服务系统", subject="社会保险费",
        amount_fen=int(amount * 100), notify_url="/pay/notify", return_url="/",
        status="TRADE_SUCCESS", bank_ref=bank_ref, created_at=paid_at - timedelta(minutes=2),
        finished_at=paid_at))


def _mark(conn: Connection, table, unit_id: int, month: int, ins: list, **values) -> None:
    conn.execute(update(table).where(
        table.c.unit_id == unit_id, table.c.month == month, table.c.insurance_id.in_(ins),
    ).values(**values))


def _amount(conn: Connection, unit_id: int, month: int, ins: list) -> Decimal:
    fen = conn.execute(text(
        "SELECT COALESCE(SUM(CAST(ROUND(unit_amount * 100) AS BIGINT)"
        " + CAST(ROUND(personal_amount * 100) AS BIGINT)), 0) FROM contribution"
        f" WHERE unit_id = :unit AND month = :month AND insurance_id IN ({','.join(map(str, ins))})"
    ), {"unit": unit_id, "month": month}).scalar()
    return Decimal(int(fen)).scaleb(-2)


def create_notices(conn: Connection, author_id: int, window: Window) -> int:
    now = datetime.combine(window.today, time(9, 0))
    rows = []
    for days, (title, body) in zip((20, 3), data.NOTICES, strict=True):
        at = now - timedelta(days=days)
        rows.append({"title": title.format(year=window.today.year),
                     "body": body.format(year=window.today.year), "published": True,
                     "published_at": at, "author_id": author_id, "created_at": at})
    conn.execute(insert(Notice.__table__), rows)
    return len(rows)
