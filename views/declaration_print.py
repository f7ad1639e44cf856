"""Printing a declaration's form (增员表, 减员表, 工资申报汇总表 …), the same for the employer's
wizard and the back office: the registry names the form, ``reports.pdf`` renders it.

WeasyPrint lays out a few hundred table rows a second here (10,000 rows, 280 pages: ~56 CPU s,
~0.2 s a page, ~300 MB rendered in chunks of 500 rows by reports/chunked_pdf.py;
tests/benchmarks/test_print_speed.py), so a batch of thousands would hold a request for
minutes: above PRINT_INLINE_ROWS rows the form is rendered by a background job
(``reports.jobs``; ARCHITECTURE.md puts bulk printing there) and the user is sent to its
progress page, which offers the PDF when it is done. Whoever may see the declaration may see
that job (it carries the unit).
"""
from flask import abort, current_app, g, redirect, url_for
from flask_babel import get_locale, gettext

from app import jobs
from rules import workflow
from rules.business import BUSINESSES
from views.file_response import file_response

PRINT_INLINE_ROWS = 300  # a few seconds of rendering; config.py's default of the setting
OFFICIAL = (workflow.APPROVED, workflow.PARTIAL)


def printable(declaration, official_only: bool = True) -> bool:
    """The business has a form and, for an employer, the center has decided: only a decided
    declaration is the unit's record (the back office also prints undecided ones, marked so)."""
    business = BUSINESSES.get(declaration.business_code)
    if business is None or not business.print_form:
        return False
    return declaration.status in OFFICIAL or not official_only


def not_yet_reason(declaration) -> str | None:
    """Why a business with a form cannot print it yet (it prints once decided), or None."""
    business = BUSINESSES.get(declaration.business_code)
    if business is None or not business.print_form or declaration.status in OFFICIAL:
        return None
    if declaration.status == workflow.DRAFT:
        return gettext("本申报尚未提交。%(form)s在提交并经经办机构审核通过后方可打印。",
                       form=gettext(business.name))
    if declaration.status in (workflow.REJECTED, workflow.VOID):
        return gettext("本申报未审核通过，不能打印。")
    return gettext("本申报正在等待经办机构审核，审核通过后方可打印。")


def print_response(declaration, official_only: bool = True, not_yet=None):
    """The PDF, or for a big batch a redirect to the job that renders it. Not printable: for
    a form that prints once decided, ``not_yet(reason)`` (the page saying so, with a way back);
    else 404. The caller has already checked that the user may see ``declaration``."""
    if not printable(declaration, official_only):
        reason = not_yet_reason(declaration)
        if reason and not_yet is not None:
            return not_yet(reason)
        abort(404)
    rows = declaration.item_count or len(declaration.items)
    if rows <= current_app.config.get("PRINT_INLINE_ROWS", PRINT_INLINE_ROWS):
        from reports.pdf import declaration_pdf, load_lookups

        return file_response(declaration_pdf(declaration, load_lookups()), "application/pdf",
                             f"{declaration.serial_no}.pdf")
    row = jobs.submit_once("declaration_print",
                           {"declaration_id": declaration.id,
                            "locale": str(get_locale() or "")},
                           unit_id=declaration.unit_id, user_id=g.user.id)
    # No ``next``: the job page would leave for it when done, before the PDF is fetched; without
    # it the page reloads and offers 下载结果 (the print link opens a tab of its own).
    return redirect(url_for("JobView.page", job_id=row.id))
