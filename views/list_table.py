"""The table of a read-only list page: its rows rendered in Python, its links built without
routing.

A query screen shows up to 100 rows of 6–8 columns. Rendered cell by cell in Jinja, every cell
costs an item lookup, an escape into a new ``Markup`` and a join: a fifth of a list page. Here a
row is one f-string of escaped cells. FAB builds every page, page-size and order link with
``url_for`` (a routing build per link, a dozen a page); each is the list's own URL with one
argument changed, so ``ListLinks`` reads the request's arguments once and rewrites only that one.
The markup and the URLs are those of FAB's list widget.
"""
from html import escape
from urllib.parse import urlencode

from flask import request
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


def pager(page, page_size, count) -> dict | None:
    """FAB's pagination window: up to seven pages around the current one; None for one page."""
    page = page or 0
    pages = -(-int(count) // page_size)
    if pages <= 1:
        return None
    low, high = page - 3, page + 4
    if low < 0:
        high -= low
    if high >= pages:
        low -= high - pages
    low, high = max(low, 0), min(high, pages)
    return {"page": page, "pages": pages, "window": range(low, high),
            "first": low > 0, "last": high < pages}


def page_sizes(page, count) -> list[int]:
    """The sizes FAB's page-size menu offers on this page."""
    return [size for size in PAGE_SIZES if (page or 0) * size <= int(count)]


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
    if show_href:
        before, after = escape(show_href[0]), escape(show_href[1])
        button = (f'" class="btn btn-xs btn-default" title="{escape(str(show_title))}">'
                  f'<span class="sr-only">{escape(str(show_label))}</span>'
                  f'<i class="fa fa-search"></i></a></td>')
    out = []
    for pk, row in zip(pks, rows, strict=True):
        cells = "</td><td>".join([_cell(row[column]) for column in columns])
        link = (f'<td class="text-center"><a href="{before}{_cell(pk)}{after}{button}'
                if show_href else "")
        out.append(f"<tr>{link}<td>{cells}</td></tr>")
    return Markup("\n".join(out))
