"""The merchant's adapter for the demo bank: the gateway interface (app/money/gateway.py).

The bank lives in the same app, so its "API" is a call into bank.py rather than an HTTPS
request; what crosses between the two sides is still only what a real gateway carries: the
trade number, the amount in fen, signed notifications."""
from datetime import date, datetime, time, timedelta

from flask import url_for
from sqlalchemy import select

from app.demo_bank import bank
from app.extensions import db
from app.money import gateway as gw
from models.demo_bank import CLOSED, FAILED, SUCCESS, BankOrder
from rules.errors import InvalidAmount
from rules.payment_signature import verify

STATES = {SUCCESS: gw.PAID, FAILED: gw.FAILED, CLOSED: gw.CLOSED}
MERCHANT = "社会保险单位网上服务系统"


class DemoBankGateway(gw.Gateway):
    def create_order(self, order: gw.Order) -> str:
        bank.open_order(order, self.config.get("APP_NAME") or MERCHANT)
        return url_for("DemoBankView.cashier", trade_no=order.trade_no)

    def verify_notification(self, params: dict) -> gw.TradeState:
        verify(params, gw.secret())
        amount = str(params.get("amount_fen", ""))
        if not amount.isascii() or not amount.isdigit() or len(amount) > 15:
            raise InvalidAmount(f"金额格式不正确：{amount!r}")
        finished = params.get("finished_at") or ""
        try:
            paid_at = datetime.strptime(finished, "%Y%m%d%H%M%S") if finished else None
        except ValueError:
            paid_at = None
        return gw.TradeState(trade_no=str(params.get("trade_no", "")),
                             status=STATES.get(params.get("trade_status"), gw.WAITING),
                             amount_fen=int(amount), bank_ref=params.get("bank_ref") or None,
                             paid_at=paid_at)

    def query_order(self, trade_no: str) -> gw.TradeState | None:
        order = bank.find(trade_no)
        return None if order is None else _state(order)

    def close_order(self, trade_no: str) -> gw.TradeState | None:
        order = bank.find(trade_no)
        if order is None:
            return None
        bank.close(order)
        return _state(order)

    def daily_statement(self, day: date) -> list[gw.TradeState]:
        start = datetime.combine(day, time())
        orders = db.session.execute(
            select(BankOrder).where(BankOrder.status == SUCCESS, BankOrder.finished_at >= start,
                                    BankOrder.finished_at < start + timedelta(days=1))
            .order_by(BankOrder.trade_no)).scalars().all()
        return [_state(order) for order in orders]


def _state(order: BankOrder) -> gw.TradeState:
    status = STATES.get(order.status, gw.WAITING)
    return gw.TradeState(trade_no=order.trade_no, status=status, amount_fen=order.amount_fen,
                         bank_ref=order.bank_ref,
                         paid_at=order.finished_at if status == gw.PAID else None)
