"""Paging and searching a FAB list as one request's own business (issue 10).

FAB int()s every ``page_<View>``/``psize_<View>`` argument and pages by whatever number it gets (a
letter was a 500; ``psize=1000000`` listed the whole ledger), orders by any text it is given, and
fills its active filters into the view object that every request shares. ``SafeListing`` reads
paging as a size of the page-size menu and a page inside the rows listed, ordering by a column
the screen offers, and filters per request. ``ListView`` has it; FAB's own screens (users,
roles, groups, permissions) take it as a mixin before FAB's class.
"""
from flask import abort, request
from flask_appbuilder.urltools import get_filter_args, get_order_args

from views.filters import FiltersPerRequest, to_int
from views.list_table import PAGE_SIZES

MAX_ROWS = 2**31  # the rows a list without a count cap pages through: keeps offsets in range


def requested(prefix: str, view_name: str):
    """The request's ``<prefix><view name>`` argument (``page_``, ``psize_``) as a 64-bit int,
    else None: absent, not a number or past 64 bits."""
    return to_int(request.args.get(prefix + view_name))


class SafeListing(FiltersPerRequest):
    """What a FAB ModelView keeps or reads per request, made safe: its active filters are the
    request's own, and its paging a size of the page-size menu and a page inside the rows
    listed. ``ListView`` has it; FAB's own screens (users, roles) take it as a mixin before
    FAB's class."""

    def _list(self, **kwargs):
        """FAB's list, its paging read by ``requested``: FAB int()s every ``page_``/``psize_``
        argument of the request (a letter was a 500)."""
        widgets = self._list_widgets(**kwargs)
        form = self.search_form.refresh()
        self.update_redirect()
        return self._get_search_widget(form=form, widgets=widgets)

    def _list_widgets(self, **kwargs) -> dict:
        name = self.__class__.__name__
        order_column, order_direction = get_order_args().get(name) or ("", "")
        if order_column not in self.order_columns:  # FAB's screens order by the text as SQL
            order_column, order_direction = "", ""
        get_filter_args(self._filters)
        return self._get_list_widget(
            filters=self._filters, order_column=order_column, order_direction=order_direction,
            page=requested("page_", name), page_size=requested("psize_", name), **kwargs)

    def _get_list_widget(self, filters, page=None, page_size=None, **kwargs):
        page, page_size = self._paging(page, page_size)
        return super()._get_list_widget(filters, page=page, page_size=page_size, **kwargs)

    def _show(self, pk):
        """FAB's show page, its related lists' paging read as ``_list`` reads it: FAB's own
        reading int()s every ``page_``/``psize_`` argument (a letter was a 500)."""
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        widgets = self._get_show_widget(pk, item)
        self.update_redirect()
        names = [view.__class__.__name__ for view in self._related_views]
        return self._get_related_views_widgets(
            item, orders=get_order_args(), widgets=widgets,
            pages={name: requested("page_", name) for name in names},
            page_sizes={name: requested("psize_", name) for name in names})

    def _edit(self, pk):
        """FAB's edit form. FAB reads the paging of its related lists with int() of every
        argument whose name holds ``page_`` or ``psize_``: one that is no number is refused
        (400) before FAB raises on it (500); the related lists bound the numbers (``_paging``)."""
        for name, value in request.args.items(multi=True):
            if ("page_" in name or "psize_" in name) and to_int(value) is None:
                abort(400)
        return super()._edit(pk)

    def _paging(self, page, page_size) -> tuple:
        """(page, page size) a list shows: a size of the page-size menu or the screen's own,
        else the screen's own; a page inside the rows the list counts, else the first. FAB
        takes any number: a million rows a page, a negative or overflowing offset (500)."""
        size = page_size if page_size in {*PAGE_SIZES, self.page_size} else self.page_size
        pages = -(-(getattr(self, "count_cap", None) or MAX_ROWS) // size)
        return (page if page is not None and 0 <= page < pages else None), size
