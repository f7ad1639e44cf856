"""打印单位参保人员证明 (F3, 济南 manual 3.13): the employer picks people of its unit who paid in
a month range — from the list, or from an uploaded list (报盘) — chooses the 打印用途 and
prints their 参保缴费证明, each with its own verification code and QR code (H4).

A few certificates come back as the PDF at once; more (up to 1,000) are issued here and
rendered by a background job (app/certificate/jobs.py), whose page shows the progress and
offers the one PDF. The employer's unit is the only unit: people come through the unit's
enrollments, another unit's person is refused as unknown (app/certificate/issue.py).
"""
from datetime import date
from io import BytesIO

import sqlalchemy as sa
from flask import abort, current_app, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _
from flask_babel import get_locale
from openpyxl import Workbook

from app import jobs
from app.batch.errors import BatchFileError
from app.certificate import issue as issuing
from app.certificate.person_list import MAX_BYTES, MAX_ROWS
from app.certificate.person_list import check as check_list
from app.errors import DomainError
from app.extensions import db
from app.roles import EMPLOYER
from models.contribution import Contribution
from models.person import Person
from reports.certificate import certificate_pdf, verify_url
from rules import certificate as rules
from rules.errors import RuleError
from rules.months import add_months, month_label, to_month
from views.file_response import file_response
from views.message_i18n import translate

LISTED = 200  # people shown on the page; "print all" takes up to issue.MAX_PERSONS
INLINE = 20  # certificates rendered in the request; more go to the job (≈0.2 s a page)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def public_base_url() -> str:
    """Where /verify lives for a reader of the paper: PUBLIC_BASE_URL, else this request's host."""
    return current_app.config.get("PUBLIC_BASE_URL") or request.host_url


class CertificateView(BaseView):
    route_base = "/certificates"
    default_view = "page"
    list_title = _("打印单位参保人员证明")
    class_permission_name = "Certificates"
    method_permission_name = {"page": "read", "print_pdf": "print", "template": "read",
                              "upload": "print"}
    role_access = {EMPLOYER: {"can_read", "can_print"}}

    @expose("/")
    @has_access
    def page(self):
        unit_id = _unit_id()
        default_end = add_months(to_month(date.today()), -1)
        start_text = request.args.get("start") or month_label(add_months(default_end, -11))
        end_text = request.args.get("end") or month_label(default_end)
        query = (request.args.get("q") or "").strip()[:50]
        people, total, start, end = [], 0, None, None
        try:
            start, end = rules.period(start_text, end_text, date.today())
        except RuleError as refused:
            flash(translate(refused.message), "danger")
        else:
            people, total = _paying(unit_id, start, end, query)
        return self.render_template(
            "certificate/page.html", people=people, total=total, listed=LISTED,
            start_text=start_text, end_text=end_text, query=query,
            purposes=rules.PURPOSES, checked=set(), upload=None, max_rows=MAX_ROWS,
            max_persons=issuing.MAX_PERSONS)

    @expose("/print", methods=["POST"])
    @has_access
    def print_pdf(self):
        unit_id = _unit_id()
        form = request.form
        person_ids = form.getlist("person_id")
        if form.get("all") == "1":
            try:
                start, end = rules.period(form.get("start"), form.get("end"), date.today())
            except RuleError:
                start = end = None  # check() below says what is wrong with the months
            if start is not None:
                person_ids = _paying_ids(unit_id, start, end,
                                         (form.get("q") or "").strip()[:50])
        try:
            asked = issuing.check(unit_id, person_ids, form.get("start"), form.get("end"),
                                  form.get("purpose"))
            certificates = issuing.issue(asked, g.user)
        except DomainError as refused:
            db.session.rollback()
            issuing.refuse(refused.message, {"persons": len(person_ids)}, user=g.user)
            flash(translate(refused.message), "danger")
            return redirect(url_for("CertificateView.page", start=form.get("start", ""),
                                    end=form.get("end", "")))
        base = public_base_url()
        if len(certificates) <= INLINE:
            pdf = certificate_pdf([(c.facts, c.code, verify_url(base, c.code))
                                   for c in certificates])
            return file_response(pdf, "application/pdf", f"缴费证明-{date.today():%Y%m%d}.pdf")
        row = jobs.submit("certificate_print",
                          {"certificate_ids": [c.id for c in certificates], "base_url": base,
                           "locale": str(get_locale() or "")},
                          unit_id=unit_id, user_id=g.user.id)
        return redirect(url_for("JobView.page", job_id=row.id))

    @expose("/template")
    @has_access
    def template(self):
        """The 报盘 to fill: 社会保障号码 (a text column) and 姓名."""
        book = Workbook()
        sheet = book.active
        sheet.title = "人员名单"
        sheet.append(["社会保障号码", "姓名"])
        sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 24, 14
        for row in range(2, MAX_ROWS + 2):
            sheet.cell(row=row, column=1).number_format = "@"
        buffer = BytesIO()
        book.save(buffer)
        buffer.seek(0)
        return send_file(buffer, mimetype=XLSX, as_attachment=True,
                         download_name="缴费证明人员名单.xlsx")

    @expose("/upload", methods=["POST"])
    @has_access
    def upload(self):
        """The uploaded list matched to the unit's people: those found come back ticked, the
        rows that name no person of the unit are listed with the reason."""
        unit_id = _unit_id()
        upload = request.files.get("file")
        data = upload.read(MAX_BYTES + 1) if upload else b""
        try:
            checked = check_list(unit_id, data)
        except BatchFileError as refused:
            issuing.refuse(refused.message, {"file": getattr(upload, "filename", "")[:100]},
                           user=g.user)
            flash(translate(refused.message), "danger")
            return redirect(url_for("CertificateView.page"))
        if checked.errors:
            issuing.refuse("名单中有不能打印的人员",
                           {"rows": checked.rows, "errors": len(checked.errors)}, user=g.user)
        people = [(p, None) for p in checked.persons]
        return self.render_template(
            "certificate/page.html", people=people, total=len(people), listed=len(people),
            start_text=request.form.get("start") or "", end_text=request.form.get("end") or "",
            query="", purposes=rules.PURPOSES, checked={p.id for p in checked.persons},
            upload=checked, max_rows=MAX_ROWS, max_persons=issuing.MAX_PERSONS)


def _unit_id() -> int:
    unit_id = getattr(g.user, "unit_id", None)
    if not unit_id:
        abort(403)  # an account without a unit has no staff to certify
    return unit_id


def _paying_query(unit_id, start, end, text):
    """People of the unit with a paid month in the range (the manual's 查询), by name or ID."""
    paid = (sa.select(Contribution.person_id)
            .where(Contribution.unit_id == unit_id, Contribution.month.between(start, end),
                   Contribution.paid.is_(True)).distinct())
    query = sa.select(Person).where(Person.id.in_(paid))
    if text:
        query = query.where(sa.or_(Person.id_number == text.upper(), Person.name.contains(text)))
    return query


def _paying(unit_id, start, end, text):
    query = _paying_query(unit_id, start, end, text)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    people = db.session.scalars(query.order_by(Person.name, Person.id).limit(LISTED)).all()
    months = dict(db.session.execute(
        sa.select(Contribution.person_id, sa.func.count(sa.distinct(Contribution.month)))
        .where(Contribution.unit_id == unit_id, Contribution.month.between(start, end),
               Contribution.paid.is_(True), Contribution.person_id.in_([p.id for p in people]))
        .group_by(Contribution.person_id)).all()) if people else {}
    return [(p, months.get(p.id, 0)) for p in people], total


def _paying_ids(unit_id, start, end, text) -> list[int]:
    query = _paying_query(unit_id, start, end, text).with_only_columns(Person.id)
    return list(db.session.scalars(query.order_by(Person.name, Person.id)
                                   .limit(issuing.MAX_PERSONS + 1)))
