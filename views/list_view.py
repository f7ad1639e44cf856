"""The shared bases of the generated screens: ``ListView`` (any list) and ``QueryView`` (E1–E8).

A screen only declares: its datamodel, title, columns, search columns, the labels it words
differently from ``labels.COLUMNS`` and its order. From that ``ListView`` derives the rest, once
for every screen:

- code columns (status …) show their Chinese label and search with a dropdown (``labels.CODES``),
  booleans show 是/否 — in lists, show pages and exports alike;
- dotted search columns (``person.name``) get a text box and the filters of ``search_filters``
  (``RelatedEqual`` by default); the relations the list shows load in the list's own query;
- ``center_columns`` (the unit's number and name on a query screen) are listed and searchable
  for center roles only; ``center_needs_filter`` makes them name a unit or person first on
  city-wide tables whose unfiltered order no index serves (the contribution ledger);
- lists count at most ``count_cap`` rows ("10000+"), and show a page size of the page-size menu
  (or the screen's own) and a page inside what they count: any other paging argument, a letter,
  a negative or a 30-digit number, shows the first page at the screen's size;
- a search field never lists rows of a unit: a relation searched by dropdown must be a code
  table (``views.tenancy.SHARED``), else the screen refuses to start;
- the active search is the request's own, never the view object's (``views.safe_listing``);
- ``export`` writes the current filtered, ordered list as .xlsx.

``QueryView`` adds tenancy and makes the screen read-only: no add, edit or delete route.
"""
from flask import current_app, flash, request, session, url_for
from flask_appbuilder import ModelView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget, Select2Widget
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.widgets import ListWidget
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import get_locale
from flask_babel import lazy_gettext as _
from markupsafe import escape
from sqlalchemy import Boolean, Date, DateTime, Integer
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from app.roles import EMPLOYER, READ, REVIEWER
from views.deleting import ExplainedDelete
from views.export import xlsx_response
from views.filters import CODE_EQUAL, RelatedEqual
from views.list_table import ListLinks, table_html
from views.safe_listing import SafeListing
from views.search_widget import CachedSearchWidget
from models.reference import ChangeReason, EmploymentForm, Insurance, PersonCategory
from views.display_filters import MONTH_COLUMNS, moment, moment_seconds, month, unbroken
from views.labels import CODES, COLUMNS, code_formatter, code_table_name, yes_no
from views.tenancy import SHARED, TenantModelView, current_user, is_center

UNIT_COLUMNS = ("unit.unit_no", "unit.name")
# Code tables whose names the catalogues translate (险种, reasons, forms, categories): a list
# shows a row of them in the page's language; others (民族, 行业 …) show as registered.
TRANSLATED_TABLES = (Insurance, ChangeReason, EmploymentForm, PersonCategory)
class ListView(SafeListing, ExplainedDelete, ModelView):
    """Declared columns in, labels, formatters, search fields, eager loads and export out."""

    page_size = 20
    count_cap = 10_000
    export_max_rows = 20_000  # EXPORT_MAX_ROWS in the config overrides it
    list_template = "query/list.html"
    search_widget = CachedSearchWidget

    center_columns = ()  # listed and searchable for center roles only
    center_needs_filter = ()  # center roles must filter on one of these to see rows
    search_filters = {}  # column → filter classes, for dotted or differently searched columns
    computed_columns = {}  # column → function(item), values the model does not hold
    eager = ()  # relations to load with the list beyond those its columns show

    def __init__(self, **kwargs):
        self.list_columns = [*self.center_columns, *self.list_columns]
        self.search_columns = [*self.center_columns, *(self.search_columns or [])]
        self.label_columns = {**COLUMNS, **(self.label_columns or {})}
        eager = {*self.eager, *_relations_of(self.datamodel, self.list_columns)}
        self.datamodel = self.datamodel.configured(
            eager=eager,
            eager_columns={} if self.computed_columns else _columns_read(
                self.datamodel, eager, self.list_columns),
            column_filters=self._column_filters(),
            computed=self.computed_columns,
            count_cap=self.count_cap,
        )
        self._reads_as_rows = self.datamodel.reads_as_rows(self.list_columns)
        declared = self.formatters_columns or {}
        self.formatters_columns = {**self._formatters(seconds=True), **declared}
        self._list_formatters = {**self._formatters(seconds=False), **declared}
        self.search_form_extra_fields = {**self._search_fields(),
                                         **(self.search_form_extra_fields or {})}
        # A list read as rows orders by any column it shows (a relation by its label); one read
        # as objects by the model's own columns only.
        self.order_columns = self.order_columns or [
            c for c in self.list_columns if c in self.datamodel.list_columns
            and (self._reads_as_rows or self.datamodel.orderable(c))
        ]
        if self.list_title and not self.show_title:
            self.show_title = _("%(title)s详情", title=self.list_title)
        super().__init__(**kwargs)
        self._refuse_row_dropdowns()

    # --- declared → derived ----------------------------------------------------------------
    def _refuse_row_dropdowns(self):
        """A relation searched by a dropdown lists the related rows: the same kept form serves
        every user of a screen, and an employer must never get a list of other units' people
        or declarations. Only code tables may be listed; search anything else by its text."""
        for column in self.search_columns:
            if ("." not in column and column not in self.search_form_extra_fields
                    and self.datamodel.is_relation(column)
                    and self.datamodel.get_related_model(column) not in SHARED):
                raise TypeError(f"{type(self).__name__}: search column {column} would list "
                                "rows in a dropdown; search a column of it as text")

    def _column_filters(self):
        filters = dict(self.search_filters)
        for column in self.search_columns:
            if column not in filters and _code_key(self.datamodel, column) in CODES:
                filters[column] = CODE_EQUAL
            elif column not in filters and "." in column:
                filters[column] = [RelatedEqual]
        return filters

    def _formatters(self, seconds: bool):
        """Codes as names, booleans as 是/否, months as 2015-01, times to the second (show pages,
        exports) or the minute (lists), a 险种 by its name in the page's language."""
        shown = [f for _title, group in self.show_fieldsets or [] for f in group["fields"]]
        formatters = {}
        for column in {*self.list_columns, *(self.show_columns or []), *shown}:
            resolved = _resolve(self.datamodel, column)
            if resolved is None:
                if _related_model(self.datamodel, column) in TRANSLATED_TABLES:
                    formatters[column] = code_table_name  # the row's name, a msgid
                continue
            model, leaf = resolved
            kind = model.__table__.c[leaf].type
            if f"{model.__tablename__}.{leaf}" in CODES:
                formatters[column] = code_formatter(f"{model.__tablename__}.{leaf}")
            elif isinstance(kind, Boolean):
                formatters[column] = yes_no
            elif isinstance(kind, DateTime):
                formatters[column] = moment_seconds if seconds else unbroken(moment)
            elif isinstance(kind, Date) and not seconds:
                formatters[column] = unbroken(moment)
            elif leaf in MONTH_COLUMNS and isinstance(kind, Integer):
                formatters[column] = month if seconds else unbroken(month)
        return formatters

    def _search_fields(self):
        fields = {}
        for column in self.search_columns:
            label = self.label_columns.get(column, column)
            key = _code_key(self.datamodel, column)
            if key in CODES:
                choices = [SelectChoice(code, text) for code, text in CODES[key].items()]
                fields[column] = SelectField(label, choices=choices, widget=Select2Widget())
            elif "." in column or column in self.search_filters:
                fields[column] = StringField(label, widget=BS3TextFieldWidget())
        return fields

    # --- per request -----------------------------------------------------------------------
    def visible_columns(self):
        if not self.center_columns or is_center(current_user()):
            return self.list_columns
        return [c for c in self.list_columns if c not in self.center_columns]

    def _list(self, **kwargs):
        """FAB's list, without building the search form on every page: the search widget builds
        it only when it renders its kept parts (views.search_widget)."""
        widgets = self._list_widgets(**kwargs)
        self.update_redirect()
        widgets["export_href"] = self._export_href()
        return self._get_search_widget(widgets=widgets)

    def _export_href(self):
        """The Excel export of this list (E12) where this user may export, else None."""
        if self.appbuilder.sm.has_access("can_export", self.class_permission_name):
            return self._route("export")
        return None

    def _route(self, name, **values) -> str:
        """The URL of one of this view's routes, built once per script root (a routing build
        costs more than the rest of a link)."""
        key = (name, request.script_root, tuple(sorted(values.items())))
        routes = self.__dict__.setdefault("_routes", {})
        if key not in routes:
            routes[key] = url_for(f"{self.endpoint}.{name}", **values)
        return routes[key]

    def update_redirect(self):
        """FAB's back history, without rewriting the session cookie (signing it anew) when this
        page already is its last entry: a list reloaded or searched again."""
        history = session.get("page_history")
        if not history or history[-1] != request.url:
            super().update_redirect()

    def _get_search_widget(self, form=None, exclude_cols=None, widgets=None):
        widgets = widgets or {}
        columns = self.search_columns
        if self.center_columns and not is_center(current_user()):
            columns = [c for c in columns if c not in self.center_columns]
        widgets["search"] = self.search_widget(
            route_base=self.route_base, form=form, form_factory=self.search_form.refresh,
            include_cols=columns, exclude_cols=exclude_cols or [], filters=self._filters)
        return widgets

    def _get_list_widget(self, filters, actions=None, order_column="", order_direction="",
                         page=None, page_size=None, widgets=None, **kwargs):
        """FAB's list widget, with the columns this user may see and one query per page."""
        widgets = widgets or {}
        page, page_size = self._paging(page, page_size)
        if not order_column and self.base_order:
            order_column, order_direction = self.base_order
        columns = self.visible_columns()
        if self._lacks_needed_filter(filters):
            flash(_("请先输入单位或人员查询条件"), "info")
            count, rows = 0, []
        else:
            applied = filters  # joined with the view's base filters where it has some
            if self._base_filters.filters:
                applied = filters.get_joined_filters(self._base_filters)
            count, rows = self._page(applied, order_column, order_direction, page, page_size,
                                     columns)
        widgets["list"] = self.list_widget(
            label_columns=self._labels(),
            include_columns=columns,
            value_columns=self._formatted(rows),
            order_columns=self.order_columns,
            formatters_columns={},  # the values arrive formatted
            show_href=self._show_href(filters),
            page=page, page_size=page_size, count=count,
            pks=[key for key, _values in rows],
            actions=actions or self.actions,
            filters=filters,
            modelview_name=self.__class__.__name__,
            **kwargs,
        )
        return widgets

    def _page(self, filters, order_column, order_direction, page, page_size, columns):
        """(count, [(key, {column: value})]) of the page: as rows where the columns allow it,
        else through the objects (computed values need them)."""
        if self._reads_as_rows:
            return self.datamodel.page_values(filters, order_column, order_direction, page,
                                              page_size, columns)
        count, items = self.datamodel.query(filters, order_column, order_direction,
                                            page=page, page_size=page_size)
        keys = [self._serialize_pk_if_composite(pk) for pk in self.datamodel.get_keys(items)]
        return count, list(zip(keys, self.datamodel.get_values(items, columns), strict=True))

    def _labels(self) -> dict:
        """The column labels in the page's language, translated once per language."""
        language = str(get_locale())
        labels = self.__dict__.setdefault("_translated_labels", {})
        if language not in labels:
            labels[language] = {c: str(label) for c, label in self.label_columns.items()}
        return labels[language]

    def _formatted(self, rows):
        """The rows as the list shows them. Formatters return translatable labels: each distinct
        value is formatted, translated and escaped once per page, not once per cell."""
        formatters = [(c, f, {}) for c, f in self._list_formatters.items()]
        for _key, values in rows:
            for column, formatter, seen in formatters:
                if column in values:
                    value = values[column]
                    if value not in seen:
                        seen[value] = escape(formatter(value))  # a formatter's Markup stays
                    values[column] = seen[value]
        return [values for _key, values in rows]

    def _show_href(self, filters):
        """The detail link of a row as (before the key, after it), built once per page; None
        where this user may not open details."""
        if self.appbuilder.sm.has_access("can_show", self.class_permission_name):
            marker = "__pk__"
            link = self._route("show", pk=marker)
            link = current_app.jinja_env.filters["set_link_filters"](link, filters)
            before, _marker, after = link.partition(marker)
            return before, after
        return None

    def _lacks_needed_filter(self, filters):
        if not self.center_needs_filter or not is_center(current_user()):
            return False
        active = {flt.column_name for flt in filters.filters}
        return not active & set(self.center_needs_filter)

    @expose("/export/")
    @has_access
    def export(self):
        """The current filtered, ordered list as .xlsx (tenancy applies as on the list)."""
        get_filter_args(self._filters)
        order_column, order_direction = get_order_args().get(
            self.__class__.__name__, self.base_order or ("", "")
        )
        if not self.datamodel.orderable(order_column) and self.base_order:
            order_column, order_direction = self.base_order  # what objects cannot be ordered by
        limit = current_app.config.get("EXPORT_MAX_ROWS", self.export_max_rows)
        columns = self.visible_columns()
        headers = [self.label_columns.get(c, c) for c in columns]
        if self._lacks_needed_filter(self._filters):
            return xlsx_response(self.list_title, headers, [], limit)
        items = self.datamodel.iter_rows(
            self._filters.get_joined_filters(self._base_filters), order_column,
            order_direction, limit=limit + 1,
        )
        rows = (self._export_row(item, columns) for item in items)
        return xlsx_response(self.list_title, headers, rows, limit)

    def _export_row(self, item, columns):
        values = self.datamodel.get_values_item(item, columns)
        return [
            self.formatters_columns[c](v) if c in self.formatters_columns else v
            for c, v in zip(columns, values, strict=True)
        ]


class ReadOnlyListWidget(ListWidget):
    """Rows linked to their detail page, without FAB's per-row edit/delete/action machinery;
    rendered by ``views.list_table``."""

    def __call__(self, **kwargs):
        args = {**self.template_args, **kwargs}
        return table_html(
            links=ListLinks(args["modelview_name"]), page=args["page"],
            page_size=args["page_size"], count=args["count"], columns=args["include_columns"],
            labels=args["label_columns"], order_columns=args["order_columns"],
            rows=args["value_columns"], pks=args["pks"], show_href=args["show_href"],
            back_href=url_for("UtilView.back"), language=str(get_locale()))


class QueryView(TenantModelView, ListView):
    """A query screen: read-only, held to the user's unit, for employers and reviewers."""

    list_widget = ReadOnlyListWidget

    role_access = {EMPLOYER: READ, REVIEWER: READ}
    base_permissions = ["can_list", "can_show", "can_export"]
    exclude_route_methods = {"add", "edit", "delete", "download"}
    center_columns = UNIT_COLUMNS
    page_size = 50  # a roster page: 10 people × 5 险种


def _resolve(datamodel, column):
    """(model, column name) a possibly dotted column ends on; None if it is not a column."""
    model = datamodel.obj
    *relations, leaf = column.split(".")
    for name in relations:
        relation = getattr(model, name, None)
        if relation is None or not hasattr(relation, "property"):
            return None
        model = relation.property.mapper.class_
    return (model, leaf) if leaf in model.__table__.c else None


def _related_model(datamodel, column):
    """The model a possibly dotted relation column ("insurance", "unit.industry") shows."""
    model = datamodel.obj
    for name in column.split("."):
        relation = getattr(model, name, None)
        if relation is None or not hasattr(relation, "property") or not hasattr(
                relation.property, "mapper"):
            return None
        model = relation.property.mapper.class_
    return model


def _code_key(datamodel, column):
    """``table.column``, the key of labels.CODES, of a possibly dotted column."""
    resolved = _resolve(datamodel, column)
    return f"{resolved[0].__tablename__}.{resolved[1]}" if resolved else None


def _columns_read(datamodel, eager, columns):
    """Relation path → the columns a list reads of it, for the paths it reads only through
    dotted columns (a relation shown whole prints through its ``__str__``: load all of it).
    Paths other eager paths go through keep all their columns (their keys among them)."""
    read = {}
    for column in columns:
        if "." in column:
            path, leaf = column.rsplit(".", 1)
            read.setdefault(path, set()).add(leaf)
    whole = {c for c in columns if c in eager}
    through = {p.rsplit(".", 1)[0] for p in eager if "." in p}
    return {path: sorted(leaves) for path, leaves in read.items()
            if path in eager and path not in whole | through
            and all(_resolve(datamodel, f"{path}.{leaf}") is not None for leaf in leaves)}


def _relations_of(datamodel, columns):
    """The relation paths a list of columns reads: "unit.industry.name" → "unit.industry"."""
    paths = set()
    for column in columns:
        if "." in column:
            paths.add(column.rsplit(".", 1)[0])
        elif datamodel.is_relation(column):
            paths.add(column)
    return paths
