"""立即支付 (D4), the merchant's pages: the bill's pay page, the hand-over to the bank, 放弃支付,
the result page the browser comes back to, and the bank's notify URL.

An employer pays only its own unit's bills (another unit's bill: 404, as if it did not exist).
The result page shows the bill's state as the database holds it, never what the return URL's
query string claims: only the bank's signed notification (or its answer to query-order) pays."""
from datetime import date

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.extensions import csrf, db
from app.money import bills, payments
from app.roles import EMPLOYER
from models.contribution import Bill, Payment
from rules import bill_status
from rules.errors import RuleError
from views.labels import code_label, insurance_names
from views.tenancy import tenant_unit_id

PAYABLE = (bill_status.UNPAID, bill_status.FAILED)


class PayView(BaseView):
    route_base = "/pay"
    default_view = "page"
    class_permission_name = "Pay"
    method_permission_name = {"page": "read", "start": "pay", "abandon": "pay", "result": "read"}
    role_access = {EMPLOYER: {"can_read", "can_pay"}}

    @expose("/<int:bill_id>/")
    @has_access
    def page(self, bill_id):
        bill = self._bill(bill_id)
        preview = None
        if bill.status in PAYABLE:
            # What paying today would cost: the late fee repriced, then taken back (a GET
            # changes nothing; 立即支付 reprices again under the lock).
            total = bills.reprice(bill, date.today())
            preview = {"late_fee": bill.late_fee, "total": total}
            db.session.rollback()
            bill = self._bill(bill_id)
        return self._render("payment/pay.html", bill, preview=preview)

    @expose("/<int:bill_id>/", methods=["POST"])
    @has_access
    def start(self, bill_id):
        unit_id = self._unit_id()
        try:
            started = payments.start(bill_id, unit_id)
        except RuleError as refused:
            return self._refused(bill_id, "payment_start", refused)
        if started is None:
            db.session.rollback()
            abort(404)
        db.session.commit()
        return redirect(started.redirect_url)

    @expose("/<int:bill_id>/abandon", methods=["POST"])
    @has_access
    def abandon(self, bill_id):
        unit_id = self._unit_id()
        try:
            outcome = payments.abandon(bill_id, unit_id)
        except RuleError as refused:
            return self._refused(bill_id, "payment_abandon", refused)
        if outcome is None:
            db.session.rollback()
            abort(404)
        db.session.commit()
        if outcome == "paid":
            flash(_("银行已收到该笔付款，缴费单据已支付，无需放弃"), "warning")
        else:
            flash(_("已放弃支付，缴费单据恢复为未支付"), "info")
        return redirect(url_for("PayView.page", bill_id=bill_id))

    @expose("/<int:bill_id>/result")
    @has_access
    def result(self, bill_id):
        bill = self._bill(bill_id)
        return self._render("payment/result.html", bill,
                            waiting=bill.status == bill_status.PAYING)

    def _render(self, template, bill, **extra):
        rows = db.session.execute(select(Payment).where(Payment.bill_id == bill.id)
                                  .order_by(Payment.created_at.desc())).scalars().all()
        return self.render_template(
            template, bill=bill, payments=rows, title=_("缴费单据支付"),
            status_name=code_label("bill.status", bill.status),
            kind_name=code_label("bill.kind", bill.kind),
            insurance_names=insurance_names(bill.insurance_codes),
            payment_status=lambda p: code_label("payment.status", p.status),
            channel_name=lambda p: code_label("payment.channel", p.channel),
            payable=bill.status in PAYABLE, paying=bill.status == bill_status.PAYING, **extra)

    def _refused(self, bill_id, action, refused):
        db.session.rollback()
        audit.record_now(action, target_type="bill", target_id=bill_id, success=False,
                         detail={"reason": refused.message})
        flash(refused.message, "danger")  # worded in the page's language by domain_msg
        return redirect(url_for("PayView.page", bill_id=bill_id))

    @staticmethod
    def _unit_id():
        unit_id = tenant_unit_id()
        if not unit_id:
            abort(404)  # a center account pays no unit's bill; an account without a unit none
        return unit_id

    def _bill(self, bill_id):
        bill = db.session.execute(select(Bill).where(
            Bill.id == bill_id, Bill.unit_id == self._unit_id())).scalar_one_or_none()
        if bill is None:
            abort(404)
        return bill


class PayNotifyView(BaseView):
    """The bank's notify URL: public (the bank has no session), exempt from CSRF (it carries its
    own signature), limited per address (PAYMENT_NOTIFY_RATE_LIMIT). It answers the bare text
    ``success`` or ``fail``, as gateways expect."""

    route_base = "/pay"
    class_permission_name = "PayNotify"

    @expose("/notify", methods=["POST"])
    def notify(self):
        answer = payments.notify(request.form.to_dict())
        return answer, 200, {"Content-Type": "text/plain; charset=utf-8"}


def register(appbuilder) -> None:
    """The pay pages, the notify URL (no CSRF, its own rate limit) and the demo bank."""
    from app.demo_bank.views import DemoBankView

    appbuilder.add_view_no_menu(PayView)
    notify = appbuilder.add_view_no_menu(PayNotifyView)
    csrf.exempt(notify.blueprint)
    sm = appbuilder.sm
    sm.limiter.limit(lambda: current_app.config.get("PAYMENT_NOTIFY_RATE_LIMIT", "120 per minute"),
                     methods=["POST"])(notify.blueprint)
    appbuilder.add_view_no_menu(DemoBankView)
    _register_reconciliation(appbuilder)


def _register_reconciliation(appbuilder) -> None:
    from views import BACK_OFFICE, name_of
    from views.reconciliation import TITLE, ReconciliationView

    appbuilder.add_view(ReconciliationView, name_of(TITLE), label=TITLE, icon="fa-balance-scale",
                        category=name_of(BACK_OFFICE), category_label=BACK_OFFICE,
                        category_icon="fa-gavel")
