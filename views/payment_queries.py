"""信息查询 about money: E4 单位缴费历史, E6 人员缴费情况, E7 缴费单据 (with its payments)."""
from flask import g, request
from flask_appbuilder.baseviews import expose
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _
from wtforms import SelectField

from app.money import billing
from models.contribution import Bill, Contribution, Payment, UnitContribution
from rules import bill_status
from views.filters import MONTH_RANGE, CodeListContains
from views.labels import insurance_choices, insurance_names
from views.list_view import UNIT_COLUMNS, QueryView
from views.tenancy import TenantInterface
from views.unit_queries import PERSON_SEARCH

# 险种 of a comma-separated code list ("110,210"), searched by one code from the 险种 table.
INSURANCE_CODES = {
    "label": {"insurance_codes": _("险种")},
    "filters": {"insurance_codes": [CodeListContains]},
    "field": {"insurance_codes": SelectField(_("险种"), choices=insurance_choices,
                                             widget=Select2Widget())},
    "formatter": {"insurance_codes": insurance_names},
}


class UnitContributionView(QueryView):
    """E4 单位缴费历史: per month and 险种, what was due and what was paid."""

    datamodel = TenantInterface(UnitContribution)
    list_title = _("单位缴费历史")
    list_columns = ["month", "insurance", "persons", "base_total", "unit_amount",
                    "personal_amount", "late_fee", "total", "paid_amount", "status"]
    search_columns = ["month", "insurance", "status"]
    search_filters = {"month": MONTH_RANGE}
    label_columns = {"persons": _("缴费人数"), "base_total": _("缴费基数合计"),
                     "total": _("应缴合计"), "paid_amount": _("实缴金额"),
                     "status": _("缴费状态")}
    show_columns = ["month", *list_columns[1:]]
    base_order = ("month", "desc")


class ContributionView(QueryView):
    """E6 人员缴费情况查询: the ledger per person, 险种 and month."""

    datamodel = TenantInterface(Contribution)
    list_title = _("人员缴费情况查询")
    list_columns = ["person.id_number", "person.name", "insurance", "month", "base",
                    "unit_amount", "personal_amount", "late_fee", "back_payment", "paid"]
    search_columns = ["person.id_number", "person.name", "month", "insurance", "paid",
                      "back_payment"]
    search_filters = {**PERSON_SEARCH, "month": MONTH_RANGE}
    label_columns = {"back_payment": _("补缴"), "paid": _("已缴费"), "paid_at": _("缴费时间")}
    show_columns = [*list_columns, "paid_at"]
    base_order = ("month", "desc")
    # The whole city's ledger (millions of rows) has no useful unfiltered page: center roles
    # name a unit or a person first, so every query runs on an index.
    center_needs_filter = (*UNIT_COLUMNS, "person.id_number", "person.name")


class PaymentView(QueryView):
    """The payment attempts of one bill, listed on the bill's page."""

    datamodel = TenantInterface(Payment)
    base_permissions = ["can_list"]
    center_columns = ()
    list_title = _("支付记录")
    list_columns = ["trade_no", "amount", "status", "channel", "created_at", "finished_at"]
    label_columns = {"trade_no": _("交易流水号"), "amount": _("金额"), "status": _("支付状态"),
                     "channel": _("支付渠道"), "finished_at": _("完成时间")}
    search_columns = ["trade_no", "status"]  # not FAB's default: a dropdown of every bill
    base_order = ("created_at", "desc")


class BillView(QueryView):
    """E7 缴费单据查询, with the payments of each bill on its page."""

    datamodel = TenantInterface(Bill)
    list_title = _("缴费单据查询")
    list_columns = ["bill_no", "kind", "period_start", "period_end", "insurance_codes",
                    "amount", "late_fee", "total", "status", "due_date", "paid_at"]
    search_columns = ["bill_no", "status", "kind", "insurance_codes", "period_start"]
    search_filters = {**INSURANCE_CODES["filters"], "period_start": MONTH_RANGE}
    search_form_extra_fields = INSURANCE_CODES["field"]
    formatters_columns = INSURANCE_CODES["formatter"]
    label_columns = {**INSURANCE_CODES["label"], "bill_no": _("单据号"), "kind": _("单据类型"),
                     "period_start": _("所属期起"), "period_end": _("所属期止"),
                     "amount": _("应缴金额"), "total": _("合计金额"), "status": _("支付状态"),
                     "due_date": _("缴费截止日"), "paid_at": _("支付时间")}
    show_columns = [*list_columns, "created_at"]
    related_views = [PaymentView]
    base_order = ("created_at", "desc")
    show_template = "bills/show.html"

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        """The bill (another unit's: 404), its lines per 险种 and month with their late fees,
        its payments, and what its unit may do with it now: 立即支付 (the payment blueprint's
        /pay/<bill_id>/), 作废."""
        bill = self._visible(pk)
        widgets = self._show(bill.id)
        own = getattr(g.user, "unit_id", None) == bill.unit_id
        lines = billing.bill_lines(bill)
        return self.render_template(
            self.show_template, pk=bill.id, title=self.show_title, widgets=widgets,
            related_views=self._related_views, bill=bill, lines=lines,
            lines_total=billing.totals(lines),
            pay_href=f"{request.script_root}/pay/{bill.id}/"
            if own and bill.status in (bill_status.UNPAID, bill_status.FAILED) else None,
            may_void=own and bill_status.can(bill.status, bill_status.VOID))
