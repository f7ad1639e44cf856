"""The search form of the list screens, rendered once a minute per screen, not on every page.

FAB's search widget renders, on every list page, each search column's label, its filter names
and its whole form field (a dropdown lists every 险种 or reason from the database) into the page
script, after building the view's whole search form. Only two things in it belong to the
request: the active filters and the script's CSP nonce. So the widget is rendered once a minute
with a marker in place of each, and a page puts its own values in. Dropdown choices come from
code tables, which an admin may edit: such an edit forgets the rendered widgets of this process
at once (``forget``), other processes pick it up within ``TTL`` seconds.

A kept widget is keyed by everything that decides what it shows: the screen, its columns (center
roles get the unit columns), the language, and the rows its dropdowns may list — the user's
tenancy scope, since a related model's rows come through the screen's own, tenanted interface:
one key for center roles (they see every unit), one per unit for employers. The lists refuse
dropdowns of anything but code tables (``ListView._refuse_row_dropdowns``), so today the scope
only repeats the same HTML per unit; it keeps a dropdown added later from showing one unit's
rows, or the reviewer's, to another unit. ``MAX_ENTRIES`` bounds the memory it takes.
"""
from time import monotonic

from flask import current_app
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.widgets import RenderTemplateWidget, SearchWidget
from flask_babel import get_locale
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from app.hardening import csp_nonce
from views.tenancy import tenant_unit_id

TTL = 60.0  # seconds a rendered widget lives; bounds how long another process shows old choices
EXTENSION = "search_widgets"
MAX_ENTRIES = 2048  # kept widgets: screens × languages × (units at work + one for the center)
ACTIVE_MARKER = "__active_filters__"  # rendered as a JSON string, replaced by the JSON of a page


def forget() -> None:
    """Drop this process's rendered widgets (a code table changed)."""
    current_app.extensions[EXTENSION] = {}


class CachedSearchWidget(SearchWidget):
    def __call__(self, **kwargs):
        nonce, marker = self._rendered()
        active = _tojson(self.filters.get_filters_values_tojson())
        return Markup(marker.replace(_tojson(ACTIVE_MARKER), active).replace(nonce, csp_nonce()))

    def _rendered(self) -> tuple[str, str]:
        """(the nonce it was rendered with, the widget with the active-filters marker)."""
        columns = tuple(self.template_args["include_cols"])
        key = (self.template_args["route_base"], columns, str(get_locale()), tenant_unit_id())
        cache = current_app.extensions.setdefault(EXTENSION, {})
        entry = cache.get(key)
        if entry is None or monotonic() - entry[0] > TTL:
            if len(cache) >= MAX_ENTRIES:
                cache.clear()
            html = RenderTemplateWidget.__call__(self, active_filters=ACTIVE_MARKER,
                                                 **self._parts(columns))
            entry = cache[key] = (monotonic(), (csp_nonce(), str(html)))
        return entry[1]

    def _parts(self, columns) -> dict:
        form = self.template_args["form"] or self.template_args["form_factory"]()
        filters = self.filters.get_search_filters()
        return {
            "label_columns": {c: as_unicode(form[c].label.text) for c in columns},
            "form_fields": {c: form[c]() for c in columns},
            "search_filters": {c: [as_unicode(f.name) for f in filters[c]] for c in columns},
        }


def _tojson(value) -> str:
    """``value`` as the template's ``tojson`` filter writes it."""
    policies = current_app.jinja_env.policies
    return htmlsafe_json_dumps(value, dumps=policies["json.dumps_function"],
                               **policies["json.dumps_kwargs"])
