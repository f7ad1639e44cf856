"""统计分析 (G5) for the center: amounts due and paid per month, bills by status, declarations
per day and the age of the review queue, each as a server-drawn SVG chart with its numbers in a
table beneath. Employers have no access. A period that does not parse, runs backwards or lies
in the future is refused: the page says why (400), shows the default period, and the refusal
is audited."""
from datetime import date, datetime

from flask import request
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from app import audit
from app.money import statistics
from app.roles import REVIEWER
from reports.svg_chart import Series, bar_chart, line_chart
from rules.errors import RuleError
from rules.months import month_label
from rules.report_period import DAY_CHOICES, days_back, month_period
from views.labels import CODES
from views.message_i18n import translate

AGE_NAMES = {
    "under_4h": lazy_gettext("4小时内"), "under_1d": lazy_gettext("4小时至1天"),
    "under_3d": lazy_gettext("1至3天"), "under_7d": lazy_gettext("3至7天"),
    "over_7d": lazy_gettext("7天以上"),
}
TEN_THOUSAND = 10000


class StatisticsView(BaseView):
    route_base = "/statistics"
    default_view = "index"
    class_permission_name = "Statistics"
    method_permission_name = {"index": "read"}
    role_access = {REVIEWER: {"can_read"}}
    list_title = lazy_gettext("统计分析")

    @expose("/")
    @has_access
    def index(self):
        today = date.today()
        args = request.args
        error = None
        try:
            first, last = month_period(args.get("start"), args.get("end"), today)
        except RuleError as refused:
            error, (first, last) = refused, month_period(None, None, today)
        try:
            days = days_back(args.get("days"))
        except RuleError as refused:
            error, days = (f"{error}；{refused}" if error else refused), days_back(None)
        if error is not None:
            audit.record_now("statistics_refused", success=False,
                             detail={"error": str(error), "args": dict(args.items())})
        amounts = statistics.amounts_by_month(first, last)
        bills = statistics.bills_by_status(first, last)
        per_day = statistics.declarations_per_day(days, today)
        queue = statistics.queue_age(datetime.now())
        page = self.render_template(
            "statistics/index.html", error=translate(str(error)) if error else None,
            start=month_label(first), end=month_label(last), days=days,
            day_choices=DAY_CHOICES, amounts=amounts, bills=bills, per_day=per_day,
            queue=queue, age_names=AGE_NAMES, bill_names=CODES["bill.status"],
            money=money, charts=_charts(amounts, bills, per_day, queue),
            totals=_totals(amounts, bills))
        return page, 400 if error else 200


def money(value) -> str:
    return f"{value:,.2f}"


def _in_ten_thousands(value) -> str:
    return f"{value / TEN_THOUSAND:,.0f}"


def _money_axis(amounts) -> dict:
    """The amount axis in 万元 when the amounts run to hundreds of thousands, else in 元."""
    largest = max((max(a.due, a.paid) for a in amounts), default=0)
    if largest >= 5 * TEN_THOUSAND:
        return {"tick_format": _in_ten_thousands, "unit": _("万元")}
    return {"tick_format": _whole, "unit": _("元")}


def _whole(value) -> str:
    return f"{value:,.0f}"


def _charts(amounts, bills, per_day, queue) -> dict:
    bill_names = CODES["bill.status"]
    return {
        "amounts": bar_chart(
            _("每月应缴与实缴金额"), [month_label(a.month) for a in amounts],
            [Series(_("应缴金额"), [a.due for a in amounts]),
             Series(_("实缴金额"), [a.paid for a in amounts])],
            value_format=money, **_money_axis(amounts)),
        "bills": bar_chart(
            _("缴费单据状态（张）"), [str(bill_names.get(b.status, b.status)) for b in bills],
            [Series(_("单据数"), [b.count for b in bills])], tick_format=_whole,
            value_format=_whole),
        "per_day": line_chart(
            _("每日提交申报（笔）"), [d.strftime("%m-%d") for d, _n in per_day],
            [Series(_("申报笔数"), [n for _d, n in per_day])], tick_format=_whole,
            value_format=_whole),
        "queue": bar_chart(
            _("待审核申报等待时长（笔）"), [str(AGE_NAMES[key]) for key, _n in queue.buckets],
            [Series(_("待审核笔数"), [n for _key, n in queue.buckets])], tick_format=_whole,
            value_format=_whole),
    }


def _totals(amounts, bills) -> dict:
    due = sum((a.due for a in amounts), statistics.ZERO)
    paid = sum((a.paid for a in amounts), statistics.ZERO)
    return {"due": due, "paid": paid, "unpaid": due - paid,
            "bills": sum(b.count for b in bills),
            "bill_total": sum((b.total for b in bills), statistics.ZERO)}
