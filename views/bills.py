"""社会保险缴费 (the 济南 manual 2.1): 工资申报缴费 (D3) and 社会保险费补缴缴费 (D5) make bills
from the unit's ledger; 作废 (with a confirmation page) frees a bill's lines. The bill itself is
shown by BillView (views/payment_queries.py), whose 立即支付 leads to the payment blueprint.

Every refusal is flashed in words, changes nothing (the transaction is rolled back) and leaves
an audit row (``bill_refused``)."""
from datetime import date

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as __
from flask_babel import lazy_gettext as _

from app import audit
from app.errors import DomainError
from app.extensions import db
from app.money import billing
from app.roles import EMPLOYER
from models.contribution import Bill
from rules.errors import RuleError
from rules.bill_period import period
from rules.months import add_months, month_label, to_month


class _UnitMoneyView(BaseView):
    """An employer's money page: held to the account's unit; a center account has none."""

    role_access = {EMPLOYER: {"can_read", "can_write"}}

    def _unit_id(self):
        unit_id = getattr(g.user, "unit_id", None)
        if unit_id is None:
            abort(404)
        return unit_id

    def _refused(self, error, action: str, **detail) -> None:
        """Undo whatever the request began, then flash the reason and log it."""
        db.session.rollback()
        flash(error.message, "danger")
        audit.record_now("bill_refused", success=False, target_type="bill",
                         detail={"action": action, "reason": error.message, **detail})

    @staticmethod
    def today() -> date:
        return date.today()


class BillingView(_UnitMoneyView):
    """工资申报缴费: months and 险种 → amounts per 险种 with the late fee to today → 生成单据."""

    route_base = "/billing"
    default_view = "regular"
    class_permission_name = "Billing"
    method_permission_name = {"regular": "read", "create": "write", "void": "write"}
    list_title = _("工资申报缴费")

    @expose("/", methods=["GET"])
    @has_access
    def regular(self):
        unit_id = self._unit_id()
        today = self.today()
        insurances = billing.billable_insurances(unit_id)
        args = request.args
        chosen = args.getlist("insurance") or [i.code for i in insurances]
        # Last month by default: the month the unit pays now (due on the 15th of this one).
        start = args.get("start") or month_label(add_months(to_month(today), -1))
        end = args.get("end") or start
        groups, first, last = None, None, None
        withholding = billing.withholding(unit_id)
        if args.get("query") and not withholding:
            try:
                first, last = period(start, end, today)
                ids = billing.insurance_ids(unit_id, chosen)
                groups = billing.regular_summary(unit_id, first, last, ids, today)
            except (RuleError, DomainError) as error:
                self._refused(error, "query", start=start[:20], end=end[:20])
                groups = None
        return self.render_template(
            "bills/regular.html", insurances=insurances, chosen=set(chosen), start=start,
            names={i.id: i.name for i in insurances},
            end=end, groups=groups, total=billing.totals(groups or []), first=first, last=last,
            withholding=withholding, today=today, open_bills=billing.bills_holding(unit_id))

    @expose("/create/", methods=["POST"])
    @has_access
    def create(self):
        unit_id = self._unit_id()
        form = request.form
        start, end = form.get("start", ""), form.get("end", "")
        codes = form.getlist("insurance")
        try:
            first, last = period(start, end, self.today())
            bill = billing.create_regular(unit_id, first, last, codes, self.today())
            db.session.commit()
        except (RuleError, DomainError) as error:
            self._refused(error, "create", start=start[:20], end=end[:20],
                          insurances=",".join(codes)[:40])
            # Back to the form as it was typed, not re-queried: the reason shows once.
            return redirect(url_for("BillingView.regular", start=start[:20], end=end[:20],
                                    insurance=codes))
        flash(__("已生成缴费单据%(no)s，合计%(total)s元", no=bill.bill_no, total=bill.total),
              "success")
        return redirect(url_for("BillView.show", pk=bill.id))

    @expose("/void/<int:bill_id>/", methods=["GET", "POST"])
    @has_access
    def void(self, bill_id):
        """作废: GET asks for confirmation, POST voids (another unit's bill: 404)."""
        unit_id = self._unit_id()
        bill = db.session.get(Bill, bill_id)
        if bill is None or bill.unit_id != unit_id:
            abort(404)
        if request.method == "GET":
            return self.render_template("bills/void.html", bill=bill)
        try:
            billing.void(bill_id, unit_id)
            db.session.commit()
        except (RuleError, DomainError) as error:
            self._refused(error, "void", bill_id=bill_id)
        else:
            flash(__("缴费单据%(no)s已作废，其费用可重新生成单据", no=bill.bill_no), "success")
        return redirect(url_for("BillView.show", pk=bill_id))


class BackPaymentBillingView(_UnitMoneyView):
    """社会保险费补缴缴费: the unit's unbilled 补缴 lines per declaration → one 补缴 bill."""

    route_base = "/billing/back"
    default_view = "back_payment"
    class_permission_name = "BackPaymentBilling"
    method_permission_name = {"back_payment": "read", "create": "write"}
    list_title = _("补缴缴费")

    @expose("/", methods=["GET"])
    @has_access
    def back_payment(self):
        unit_id = self._unit_id()
        today = self.today()
        rows = billing.back_payment_summary(unit_id, today)
        return self.render_template(
            "bills/back_payment.html", rows=rows,
            total=billing.totals(group for _d, group in rows), today=today,
            withholding=billing.withholding(unit_id),
            open_bills=[b for b in billing.bills_holding(unit_id) if b.kind == "back_payment"])

    @expose("/create/", methods=["POST"])
    @has_access
    def create(self):
        unit_id = self._unit_id()
        chosen = request.form.getlist("declaration")
        try:
            bill = billing.create_back_payment(unit_id, chosen, self.today())
            db.session.commit()
        except (RuleError, DomainError) as error:
            self._refused(error, "create_back_payment", declarations=",".join(chosen)[:60])
            return redirect(url_for("BackPaymentBillingView.back_payment"))
        flash(__("已生成补缴缴费单据%(no)s，合计%(total)s元", no=bill.bill_no, total=bill.total),
              "success")
        return redirect(url_for("BillView.show", pk=bill.id))
