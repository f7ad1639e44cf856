"""打印社会保险费申报表 (F2): the unit picks a fee period (one month or a range) and gets the
PDF (reports/contribution_form.py). An employer prints its own unit only — a unit number it
sends is refused unless it is its own; a reviewer names any unit by its number.

The page is a GET form: the PDF is a read of the ledger, its address can be bookmarked, and a
refused period is answered on the same page with the reason. Every print and every refusal
writes an audit row (who, which unit, which months).
"""
from datetime import date

from flask import g, request
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as __
from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField

from app import audit
from app.extensions import db
from app.roles import EMPLOYER, REVIEWER
from models.unit import Unit
from reports.contribution_form import NothingToPrint, contribution_form_pdf
from rules.months import add_months, month_count, month_label, to_month
from views.file_response import file_response
from views.filters import to_month as parse_month
from views.tenancy import is_center

MAX_MONTHS = 12  # a 申报表 is of a month, a quarter, a year at most
ACTION = "contribution_form_print"


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    first = StringField(_("费款所属期起"), description=_("年月，如2026-01"))
    last = StringField(_("费款所属期止"), description=_("年月，如2026-03；只打印一个月时可不填"))
    unit_no = StringField(_("单位编号"))


class Refused(ValueError):
    """A request the form cannot print; the message is a Chinese msgid with its variables."""

    def __init__(self, message: str, **variables):
        super().__init__(message)
        self.message, self.variables = message, variables


class ContributionFormView(BaseView):
    route_base = "/contribution-form"
    default_view = "form"
    class_permission_name = "ContributionForm"
    method_permission_name = {"form": "read"}
    role_access = {EMPLOYER: {"can_read"}, REVIEWER: {"can_read"}}
    list_title = _("社会保险费申报表")

    @expose("/")
    @has_access
    def form(self):
        form = PeriodForm(request.args)
        center = is_center(g.user)
        error = None
        if "first" in request.args:
            try:
                return self._print(form, center)
            except Refused as refused:
                error = __(refused.message, **refused.variables)
                audit.record_now(ACTION, target_type="unit", success=False, detail={
                    "reason": refused.message % refused.variables, "first": form.first.data,
                    "last": form.last.data, "unit_no": form.unit_no.data})
        else:
            form.first.data = month_label(add_months(to_month(date.today()), -1))
        return self.render_template("printing/contribution_form.html", form=form, error=error,
                                    center=center, unit=None if center else g.user.unit,
                                    max_months=MAX_MONTHS)

    def _print(self, form, center):
        unit, first, last = self._request(form, center)
        try:
            pdf = contribution_form_pdf(unit, first, last, linked_only=not center)
        except NothingToPrint:
            raise Refused("%(period)s没有缴费记录", period=_period(first, last)) from None
        audit.record_now(ACTION, target_type="unit", target_id=unit.id, detail={
            "unit_no": unit.unit_no, "first": first, "last": last})
        name = f"{__('社会保险费申报表')}_{unit.unit_no}_{first}" + (
            f"-{last}" if last != first else "") + ".pdf"
        return file_response(pdf, "application/pdf", name)

    def _request(self, form, center):
        """(unit, first, last) of the request, or Refused with why."""
        first = _month(form.first.data, __("费款所属期起"))
        last = _month(form.last.data, __("费款所属期止")) if (form.last.data or "").strip() \
            else first
        if last < first:
            raise Refused("费款所属期止不能早于费款所属期起")
        this_month = to_month(date.today())
        if last > this_month:
            raise Refused("不能打印%(month)s以后的费款所属期", month=month_label(this_month))
        if month_count(first, last) > MAX_MONTHS:
            raise Refused("费款所属期最长%(n)s个月，请分次打印", n=MAX_MONTHS)
        return self._unit(form, center), first, last

    @staticmethod
    def _unit(form, center):
        number = (form.unit_no.data or "").strip()
        if not center:
            unit = g.user.unit
            if unit is None:
                raise Refused("当前账号没有所属单位")
            if number and number != unit.unit_no:  # a guessed number: never another unit's
                raise Refused("只能打印本单位的申报表")
            return unit
        if not number:
            raise Refused("请填写单位编号")
        unit = db.session.scalar(select(Unit).where(Unit.unit_no == number[:20]))
        if unit is None:
            raise Refused("单位编号%(no)s不存在", no=number[:20])
        return unit


def _month(text, label):
    value = (text or "").strip()
    if not value:
        raise Refused("请填写%(label)s", label=label)
    month = parse_month(value[:20])
    if month is None or not 190001 <= month:
        raise Refused("%(label)s“%(value)s”不是有效的年月，请按2026-01的格式填写", label=label,
                      value=value[:20])
    return month


def _period(first, last):
    return month_label(first) if first == last else f"{month_label(first)}—{month_label(last)}"
