"""Render a printed form: Jinja template from ``reports/templates`` → HTML → PDF (WeasyPrint).

The Jinja environment is our own, not the Flask app's: forms print without an app (tests, a
background worker) and an app template can never shadow a form. Inside an app context the
templates' ``_()`` goes through Flask-Babel, so a form prints in the user's language.

WeasyPrint may read only files under ``reports/templates`` (the stylesheet): a form must render
the same on an offline intranet (H1) and data printed on it must never make the server fetch a URL.
"""
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from flask import current_app, has_app_context
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound
from markupsafe import Markup

from reports.back_pay_form import load_back_pay
from reports.chunked_pdf import WHOLE, render_chunked
from reports.declaration_form import (
    BACK_PAY_FORM, NotPrintable, declaration_context, load_lookups,
)
from rules import business as registry

__all__ = ["NotPrintable", "UnknownTemplate", "declaration_pdf", "load_lookups", "render_html",
           "render_pdf"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Rows a form lays out at once: WeasyPrint's memory grows with the document (10,000 rows in one
# piece held ~2 GB), so longer forms print in chunks of this many (about 13 pages each).
CHUNK_ROWS = 500


class UnknownTemplate(LookupError):
    """No printed form of that name in reports/templates."""


def gettext(message: str, **variables) -> str:
    """Flask-Babel's translation inside an app that has Babel, the message itself elsewhere."""
    if has_app_context() and "babel" in current_app.extensions:
        from flask_babel import get_translations

        message = get_translations().ugettext(message)
    return message % variables if variables else message


def ngettext(singular: str, plural: str, n: int, **variables) -> str:
    if has_app_context() and "babel" in current_app.extensions:
        from flask_babel import get_translations

        text = get_translations().ungettext(singular, plural, n)
    else:
        text = singular if n == 1 else plural
    return text % variables if variables else text


def css_string(text) -> Markup:
    """``text`` as a quoted CSS string, safe inside <style> (which HTML does not unescape)."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>\n' else c for c in str(text))
    return Markup(f'"{escaped}"')


def page_footer() -> Markup:
    """CSS ``content`` of the footer: 第 N 页 共 M 页, translated, with live page counters."""
    marker = "\x00"
    text = gettext("第 %(page)s 页 共 %(pages)s 页", page=f"{marker}page{marker}",
                   pages=f"{marker}pages{marker}")
    parts = text.split(marker)  # literal, "page", literal, "pages", literal
    pieces = [f"counter({p})" if i % 2 else css_string(p) for i, p in enumerate(parts)]
    return Markup(" ".join(p for p in pieces if p != '""'))


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      extensions=["jinja2.ext.i18n"])
    # newstyle: _("…%(n)s", n=1) formats and escapes its variables, as in Flask-Babel's templates.
    env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)
    env.globals.update(page_footer=page_footer)
    env.filters["css_string"] = css_string
    return env


ENV = _environment()


def render_html(template_name: str, **context) -> str:
    name = template_name if template_name.endswith(".html") else f"{template_name}.html"
    try:
        template = ENV.get_template(name)
    except TemplateNotFound as missing:
        if missing.name != name:  # a missing include inside a form is a bug, not a bad name
            raise
        raise UnknownTemplate(f"没有名为“{template_name}”的打印模板") from None
    # A form rendered in one piece is its own first and last chunk (reports/chunked_pdf.py).
    context.setdefault("chunk", WHOLE)
    return template.render(**context)


def render_pdf(template_name: str, **context) -> bytes:
    """The PDF of form ``template_name`` (e.g. "enrollment_roster") filled with ``context``."""
    from weasyprint import HTML  # imported on first print: it costs ~0.5 s at app start

    html = render_html(template_name, **context)
    return HTML(string=html, base_url=TEMPLATES.as_uri() + "/",
                url_fetcher=_local_fetcher()).write_pdf()


def declaration_pdf(declaration, lookups: dict | None = None, progress=None,
                    rows_per_chunk: int = CHUNK_ROWS) -> bytes:
    """The business's printed form (增员表, 减员表 …) of ``declaration``; codes are printed by
    name through ``lookups`` (see ``load_lookups``, read from the database when omitted).
    A form of more than ``rows_per_chunk`` rows is laid out in chunks (reports/chunked_pdf.py),
    ``progress(done_rows, rows)`` called after each."""
    lookups = load_lookups() if lookups is None else lookups
    back_pay = registry.get(declaration.business_code).print_form == BACK_PAY_FORM
    if back_pay and "back_pay_rate_at" not in lookups:
        lookups = {**lookups, **load_back_pay(declaration)}  # the unit's rates and limits
    context = declaration_context(declaration, lookups, gettext)
    template, rows = context.pop("template"), context.pop("rows")
    if len(rows) <= rows_per_chunk:
        return render_pdf(template, rows=rows, **context)
    return render_chunked(template, lambda part, chunk: {**context, "rows": part}, rows,
                          rows_per_chunk, progress)


def _local_fetcher():
    """A fetcher that serves only files under reports/templates (and inline data: URLs)."""
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if not path.is_relative_to(TEMPLATES):
                    raise ValueError(f"refusing to read {url}: outside reports/templates")
            return super().fetch(url, headers)

    # A new one per render: URLFetcher keeps per-request state, so it is not shared by threads.
    return LocalOnly(allowed_protocols=("file", "data"), allow_redirects=False)
