"""The table of a read-only list page, rendered in Python: pagination, page sizes, record
count, header and rows.

A query screen shows up to 100 rows of 6–8 columns. Rendered cell by cell in Jinja, every cell
costs an item lookup, an escape into a new ``Markup`` and a join, and the frame around them a
template context, a dozen translations and a macro per link: a fifth of a list page. Here a row
is one join of escaped cells and the frame a few f-strings. FAB builds every page, page-size and
order link with ``url_for`` (a routing build per link); each is the list's own URL with one
argument changed, so ``ListLinks`` reads the request's arguments once and rewrites only that one.
The markup and the URLs are those of FAB's list widget.
"""
from functools import cache
from html import escape
from urllib.parse import urlencode

from flask import request
from flask_babel import gettext
from markupsafe import Markup

PAGE_SIZES = (25, 50, 75, 100)  # FAB's page-size menu


class ListLinks:
    """The current list URL with its page, page size or order changed (FAB's ``page_<view>``,
    ``psize_<view>``, ``_oc_<view>`` and ``_od_<view>`` arguments)."""

    def __init__(self, modelview_name: str):
        self.page_key = f"page_{modelview_name}"
        self.size_key = f"psize_{modelview_name}"
        self.column_key = f"_oc_{modelview_name}"
        self.direction_key = f"_od_{modelview_name}"
        self.base = request.script_root + request.path
        self.args = request.args.to_dict()  # FAB's links keep the first of repeated keys
        self._others = {}

    def _with(self, **changed) -> str:
        """The list URL with ``changed`` last, after the other arguments (encoded once)."""
        keys = tuple(changed)
        if keys not in self._others:
            self._others[keys] = urlencode({k: v for k, v in self.args.items() if k not in keys})
        others, ours = self._others[keys], urlencode(changed)
        return f"{self.base}?{others}&{ours}" if others else f"{self.base}?{ours}"

    def page(self, page: int) -> str:
        return self._with(**{self.page_key: page})

    def page_size(self, size: int) -> str:
        return self._with(**{self.size_key: size})

    def order(self, column: str) -> str:
        """Ordering by ``column``: descending when the list is in its ascending order now,
        else ascending."""
        ascending_now = (self.args.get(self.column_key) == column
                         and self.args.get(self.direction_key) == "asc")
        return self._with(**{self.column_key: column,
                             self.direction_key: "desc" if ascending_now else "asc"})

    def order_state(self, column: str) -> int:
        """0 not ordered by it, 1 descending, 2 ascending (FAB's ``get_link_order``)."""
        if self.args.get(self.column_key) != column:
            return 0
        return 2 if self.args.get(self.direction_key) == "asc" else 1


# FAB's texts of the list frame.
MESSAGES = ("Page size", "Back", "Record Count", "No records found", "Show record", "Show")
ORDER_ICONS = ("fa-arrows-v", "fa-chevron-down", "fa-chevron-up")


@cache
def texts(language: str) -> dict:
    """The frame's texts, escaped, in ``language`` (the page's): translated once per language."""
    return {m: str(escape(gettext(m))) for m in MESSAGES}


def _item(href: str, text, active=False, disabled=False) -> str:
    state = ' class="active"' if active else ' class="disabled"' if disabled else ""
    return f'<li{state}><a href="{escape(href)}">{text}</a></li>'


def pager_html(links: "ListLinks", page, page_size, count, words) -> str:
    """FAB's pagination (up to seven pages around the current one) and page-size menu; nothing
    for a single page."""
    page = page or 0
    pages = -(-int(count) // page_size)
    if pages <= 1:
        return ""
    low, high = page - 3, page + 4
    if low < 0:
        high -= low
    if high >= pages:
        low -= high - pages
    low, high = max(low, 0), min(high, pages)
    items = [_item(links.page(0), "&laquo;") if low > 0 else _item("#", "&laquo;", disabled=True),
             _item(links.page(page - 1), "&lt;") if page > 0
             else _item("#", "&lt;", disabled=True)]
    items += [_item("#", p + 1, active=True) if p == page else _item(links.page(p), p + 1)
              for p in range(low, high)]
    items += [_item(links.page(page + 1), "&gt;") if page + 1 < pages
              else _item("#", "&gt;", disabled=True),
              _item(links.page(pages - 1), "&raquo;") if high < pages
              else _item("#", "&raquo;", disabled=True)]
    sizes = "".join(_item(links.page_size(size), size, active=size == page_size)
                    for size in PAGE_SIZES if page * size <= int(count))
    return (f'<ul class="pagination pagination-sm" style="display:inherit;">{"".join(items)}</ul>'
            f'<div class="btn-group"><button type="button" class="btn btn-default btn-sm '
            f'dropdown-toggle" data-toggle="dropdown">{words["Page size"]}'
            f'<span class="caret"></span></button>'
            f'<ul class="dropdown-menu" role="menu">{sizes}</ul></div>')


def header_html(links: "ListLinks", columns, labels, order_columns, linked: bool) -> str:
    cells = ['<th class="col-md-1 col-lg-1 col-sm-1"></th>'] if linked else []
    for column in columns:
        label = escape(str(labels.get(column, column)))
        if column in order_columns:
            icon = ORDER_ICONS[links.order_state(column)]
            cells.append(f'<th><a href="{escape(links.order(column))}">{label}'
                         f'<i class="fa {icon} pull-right"></i></a></th>')
        else:
            cells.append(f"<th>{label}</th>")
    return f'<thead><tr>{"".join(cells)}</tr></thead>'


def table_html(*, links, page, page_size, count, columns, labels, order_columns, rows, pks,
               show_href, back_href, language) -> Markup:
    """The whole list: its bar (pages, sizes, back, count), then the table or a no-rows note."""
    words = texts(language)
    bar = (f'<div class="well well-sm">{pager_html(links, page, page_size, count, words)}'
           f'<a href="{escape(back_href)}" class="btn btn-sm btn-default" data-toggle="tooltip" '
           f'rel="tooltip" title="{words["Back"]}"><span class="sr-only">{words["Back"]}</span>'
           f'<i class="fa fa-arrow-left"></i></a>'
           f'<div class="pull-right"><strong>{words["Record Count"]}:</strong> '
           f"{escape(str(count))}</div></div>")
    if not rows:
        return Markup(f'{bar}<b>{words["No records found"]}</b>')
    head = header_html(links, columns, labels, order_columns, bool(show_href))
    body = rows_html(rows, columns, pks, show_href, words["Show record"], words["Show"])
    return Markup(f'{bar}<div class="table-responsive"><table class="table table-bordered '
                  f'table-hover">{head}<tbody>\n{body}\n</tbody></table></div>')


def _cell(value) -> str:
    kind = type(value)
    if kind is str:
        return escape(value)
    if kind is int or kind is Markup:  # nothing to escape; a formatter's own markup
        return str(value)
    return escape(str(value))


def rows_html(rows, columns, pks, show_href, show_title, show_label) -> Markup:
    """The ``<tr>`` of each row: its detail link (``show_href`` is the link before and after
    the key, or None), then its cells in ``columns`` order."""
    if show_href:  # the title and label arrive escaped
        before, after = escape(show_href[0]), escape(show_href[1])
        button = (f'" class="btn btn-xs btn-default" title="{show_title}">'
                  f'<span class="sr-only">{show_label}</span>'
                  f'<i class="fa fa-search"></i></a></td>')
    out = []
    for pk, row in zip(pks, rows, strict=True):
        cells = "</td><td>".join([_cell(row[column]) for column in columns])
        link = (f'<td class="text-center"><a href="{before}{_cell(pk)}{after}{button}'
                if show_href else "")
        out.append(f"<tr>{link}<td>{cells}</td></tr>")
    return Markup("\n".join(out))
