"""The search form of the list screens, its fixed parts rendered once a minute, not per page.

FAB's search widget renders, on every list page, each search column's label, its filter names
and its whole form field (a dropdown lists every 险种 or reason from the database) into the page
script: a fifth of a list page's time. None of that depends on the request: the active filters
are passed separately. The parts are kept per screen, column set and language. Dropdown choices
come from code tables, which an admin may edit: such an edit forgets the parts of this process
at once (``forget``), other processes pick it up within ``TTL`` seconds.

The choices never depend on the user: FAB lists related rows through the related model's own,
untenanted interface (``QueryInterface.get_related_interface``), so the cache shows every user
exactly what the uncached form would.
"""
from time import monotonic

from flask import current_app
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.widgets import RenderTemplateWidget, SearchWidget
from flask_babel import get_locale

TTL = 60.0  # seconds a rendered part lives; bounds how long another process shows old choices
EXTENSION = "search_form_parts"


def forget() -> None:
    """Drop this process's rendered parts (a code table changed)."""
    current_app.extensions[EXTENSION] = {}


class CachedSearchWidget(SearchWidget):
    def __call__(self, **kwargs):
        kwargs.update(self._parts())
        kwargs["active_filters"] = self.filters.get_filters_values_tojson()
        return RenderTemplateWidget.__call__(self, **kwargs)

    def _parts(self) -> dict:
        columns = tuple(self.template_args["include_cols"])
        key = (self.template_args["route_base"], columns, str(get_locale()))
        cache = current_app.extensions.setdefault(EXTENSION, {})
        entry = cache.get(key)
        if entry is None or monotonic() - entry[0] > TTL:
            entry = cache[key] = (monotonic(), self._render_parts(columns))
        return entry[1]

    def _render_parts(self, columns) -> dict:
        form = self.template_args["form"]
        filters = self.filters.get_search_filters()
        return {
            "label_columns": {c: as_unicode(form[c].label.text) for c in columns},
            "form_fields": {c: form[c]() for c in columns},
            "search_filters": {c: [as_unicode(f.name) for f in filters[c]] for c in columns},
        }
