"""The demo bank's pages (its own blueprint, /demo-bank): the cashier (收银台) the merchant sends
the payer to. Public like a bank's page: the trade number is the key, and the page shows only
what the bank itself holds (merchant, trade number, amount, subject)."""
from urllib.parse import urlencode

from flask import abort, redirect, request
from flask_appbuilder import BaseView, expose
from flask_babel import gettext as _

from app.demo_bank import bank
from app.extensions import db
from models.demo_bank import WAIT
from rules.payment_signature import fen_to_yuan

CHOICES = {"success": True, "failed": False}
ORDER_STATES = {"WAIT_BUYER_PAY": "等待付款", "TRADE_SUCCESS": "支付成功",
                "TRADE_FAILED": "支付失败", "TRADE_CLOSED": "交易已关闭"}


class DemoBankView(BaseView):
    route_base = "/demo-bank"
    class_permission_name = "DemoBank"
    default_view = "cashier"

    @expose("/cashier/<string:trade_no>")
    def cashier(self, trade_no):
        order = self._order(trade_no)
        return self.render_template(
            "demo_bank/cashier.html", order=order, amount=fen_to_yuan(order.amount_fen),
            open=order.status == WAIT, state=_(ORDER_STATES.get(order.status, order.status)),
            return_url=self._return_url(order))

    @expose("/cashier/<string:trade_no>", methods=["POST"])
    def choose(self, trade_no):
        order = self._order(trade_no)
        choice = request.form.get("choice")
        if choice not in CHOICES:
            abort(400)
        notification = bank.decide(order, CHOICES[choice])
        db.session.commit()
        if notification is not None:
            bank.dispatch(notification.id)
        return redirect(self._return_url(order))

    @staticmethod
    def _order(trade_no):
        order = bank.find(trade_no)
        if order is None:
            abort(404)
        return order

    @staticmethod
    def _return_url(order):
        separator = "&" if "?" in order.return_url else "?"
        return order.return_url + separator + urlencode(bank.return_params(order))
