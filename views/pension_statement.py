"""养老个人账户对账单 (E9 query, F5 print): one person of the unit, a range of years — opening
balance, months and credits (8 % of the base), 记账利率, interest and closing balance per year,
and the monthly credits below. The person is looked up by 社会保障号码 among the unit's own
staff, current or former (an unknown ID and another unit's person answer alike)."""
from datetime import date

import sqlalchemy as sa
from flask import abort, flash, g, request
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _

from app import audit
from app.extensions import db
from app.money import pension_account
from app.roles import EMPLOYER, REVIEWER
from models.person import Person
from reports.pension_statement import statement_pdf
from rules import id_number
from rules.errors import RuleError
from views.file_response import file_response
from views.message_i18n import translate
from views.tenancy import tenant_unit_id, unit_scope

NOT_OURS = "未找到该人员：请输入本单位参保人员的社会保障号码"


class PensionStatementView(BaseView):
    route_base = "/pension-account"
    default_view = "page"
    list_title = _("养老个人账户对账单")
    class_permission_name = "PensionStatement"
    method_permission_name = {"page": "read", "print_pdf": "read"}
    role_access = {EMPLOYER: {"can_read"}, REVIEWER: {"can_read"}}

    @expose("/")
    @has_access
    def page(self):
        args = request.args
        found = None
        if args.get("id_number"):
            try:
                found = _statement(args)
            except RuleError as refused:
                flash(translate(refused.message), "danger")
        return self.render_template(
            "certificate/pension_statement.html", statement=found,
            id_number=(args.get("id_number") or "")[:20], first=(args.get("first") or "")[:4],
            last=(args.get("last") or "")[:4])

    @expose("/print")
    @has_access
    def print_pdf(self):
        try:
            found = _statement(request.args)
        except RuleError:
            abort(404)
        pdf = statement_pdf(found, date.today())
        return file_response(pdf, "application/pdf",
                             f"养老个人账户对账单-{found.first_year}-{found.last_year}.pdf")


def _statement(args):
    """The statement asked; RuleError (and an audit row) for a person not of the unit."""
    unit_id = tenant_unit_id()
    if unit_id == 0:
        abort(403)
    first, last = pension_account.years(args.get("first"), args.get("last"))
    typed = (args.get("id_number") or "").strip().upper()[:20]
    person = None
    if id_number.is_valid(typed):
        query = sa.select(Person).where(Person.id_number == id_number.normalize(typed))
        if unit_id is not None:
            query = query.where(unit_scope(Person, unit_id))
        person = db.session.scalar(query)
    if person is None:
        audit.record_now("pension_statement_refused", success=False,
                         detail={"id_number": typed[:6] + "…"}, user=g.user)
        raise RuleError(NOT_OURS)
    return pension_account.statement(person, unit_id, first, last)
