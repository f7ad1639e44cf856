"""FAB's SQLAlchemy interface, tuned for lists that must stay fast at 200,000 persons.

- ``eager``: the relations a list shows are loaded in the same query (``joinedload``), so a page
  of 20 enrollments is one SELECT, not 1 + 20 × relations; ``eager_columns`` names the only
  columns to load of a relation the list reads just a few columns of (building whole related
  objects was half the time of a 50-row page).
- ``count_cap``: the list counts at most ``count_cap`` + 1 rows; past that the count shows as
  "10000+" (``AtLeast``) and pagination stops there. An unfiltered reviewer list over a million
  rows then costs a LIMIT, not a full COUNT. The REST API keeps exact counts (no cap).
- ``page_values``: a list page read as rows of exactly its columns (related ones through outer
  joins) rather than as objects: building 50 × 4 ORM objects cost 7× the rows themselves. A
  relation shown whole shows its model's ``label_column``.
- ``column_filters`` and ``computed``: search filters and read-only values a view declares for
  columns the model lacks (``person.name``, a unit's current rate).
- Primary keys are checked before they reach the database: a non-number or a key past 64 bits is
  simply not found (404), never an overflow (500 on SQLite).
"""
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import Integer
from sqlalchemy.orm import ColumnProperty, aliased, joinedload

from views.filters import FilterConverter, to_int


class AtLeast(int):
    """A row count that stopped counting: prints as "10000+", pages like 10000."""

    def __str__(self):
        return f"{int(self)}+"


class QueryInterface(SQLAInterface):
    filter_converter_class = FilterConverter

    def __init__(self, obj, session=None, *, eager=(), eager_columns=None, column_filters=None,
                 computed=None, count_cap=None):
        super().__init__(obj, session)
        self.eager = tuple(eager)
        self.eager_columns = dict(eager_columns or {})
        self.column_filters = dict(column_filters or {})
        self.computed = dict(computed or {})
        self.count_cap = count_cap

    def configured(self, **settings):
        """A copy of this interface with a view's settings (each view owns its copy)."""
        return type(self)(self.obj, self._session, **settings)

    def get_related_interface(self, col_name):
        return type(self)(self.get_related_model(col_name), self._session)

    # --- filters -------------------------------------------------------------------------
    def get_filters(self, search_columns=None, search_filters=None):
        filters = super().get_filters(search_columns, search_filters)
        # FAB reads URL filters against the model's own columns only; declared filters on
        # dotted columns (person.name) must be readable from the URL too.
        filters._all_filters = {**filters._all_filters, **filters._search_filters}
        return filters

    def is_nullable(self, col_name):
        """A checkbox is never required: unchecked means False. FAB requires every NOT NULL
        column, so a form could not save a NOT NULL boolean left unchecked."""
        if self.is_boolean(col_name):
            return True
        return super().is_nullable(col_name)

    # --- keys ----------------------------------------------------------------------------
    def _valid_pk(self, pk):
        column = self.obj.__mapper__.primary_key[0]
        if isinstance(column.type, Integer):
            return to_int(pk)
        return pk

    def get(self, id, filters=None, select_columns=None, outer_default_load=False):
        if self.is_pk_composite():
            return super().get(id, filters, select_columns, outer_default_load)
        pk = self._valid_pk(id)
        if pk is None:
            return None
        return super().get(pk, filters, select_columns, outer_default_load)

    def get_related_obj(self, col_name, value):
        related = self.get_related_interface(col_name)
        return related.get(value) if related._valid_pk(value) is not None else None

    # --- lists ---------------------------------------------------------------------------
    def eager_options(self):
        options = []
        for path in self.eager:
            model, loader = self.obj, None
            for name in path.split("."):
                attribute = getattr(model, name)
                loader = joinedload(attribute) if loader is None else loader.joinedload(attribute)
                model = attribute.property.mapper.class_
            if path in self.eager_columns:
                loader = loader.load_only(*(getattr(model, c) for c in self.eager_columns[path]))
            options.append(loader)
        return options

    def filtered(self, query, filters=None):
        """The rows a list may show, before order and paging. Built once per page for both the
        count and the rows: FAB filters twice, and a related filter (``person.name``) then
        looks its keys up twice."""
        return filters.apply_all(query) if filters else query

    def _count(self, filtered):
        if self.count_cap is None:
            return filtered.count()
        # Only the key: counting whole rows made the database read every column (≈4× slower).
        count = filtered.with_entities(self.obj.id).limit(self.count_cap + 1).count()
        return AtLeast(self.count_cap) if count > self.count_cap else count

    def query(self, filters=None, order_column="", order_direction="", page=None,
              page_size=None, select_columns=None, outer_default_load=False):
        if select_columns:  # the REST API selects its own columns and joins
            return super().query(filters, order_column, order_direction, page, page_size,
                                 select_columns, outer_default_load)
        filtered = self.filtered(self.session.query(self.obj), filters)
        rows = self.apply_order_by(filtered, order_column, order_direction,
                                   aliases_mapping={}, add_pk=True)
        rows = self.apply_pagination(rows, page, page_size)
        return self._count(filtered), rows.options(*self.eager_options()).all()

    def page_values(self, filters, order_column, order_direction, page, page_size, columns):
        """(count, [(key, {column: value})]) of one page of a list that shows ``columns``; the
        columns must pass ``reads_as_rows``."""
        filtered = self.filtered(self.session.query(self.obj), filters)
        joins, selected = self._row_plan(tuple(columns))
        query = filtered
        for join in joins:
            query = query.outerjoin(join)
        query = self.apply_order_by(query, order_column, order_direction, aliases_mapping={},
                                    add_pk=True)
        query = self.apply_pagination(query, page, page_size)
        rows = query.with_entities(self.obj.id, *selected).all()
        values = [(row[0], dict(zip(columns, ("" if v is None else v for v in row[1:]),
                                    strict=True))) for row in rows]
        return self._count(filtered), values

    def reads_as_rows(self, columns) -> bool:
        """Whether every column is a table column, possibly through many-to-one relations, or
        such a relation whose model names a ``label_column``."""
        if self.computed or len(self.obj.__mapper__.primary_key) != 1:
            return False
        try:
            self._row_plan(tuple(columns))
        except (AttributeError, LookupError):
            return False
        return True

    def _row_plan(self, columns):
        """The outer joins (to an alias per relation path) and the column each list column
        reads; planned once per column set: making aliases is most of the cost."""
        plans = self.__dict__.setdefault("_row_plans", {})
        if columns in plans:
            return plans[columns]
        aliases, joins, selected = {}, [], []
        for column in columns:
            *path, leaf = column.split(".")
            if not path and self.is_relation(column):
                path, leaf = [column], self.get_related_model(column).label_column
            target = self.obj
            for depth, name in enumerate(path):
                key = ".".join(path[:depth + 1])
                if key not in aliases:
                    relation = getattr(target, name)
                    if relation.property.uselist:
                        raise LookupError(f"{column}: a to-many relation")
                    aliases[key] = aliased(relation.property.mapper.class_)
                    joins.append(relation.of_type(aliases[key]))
                target = aliases[key]
            attribute = getattr(target, leaf)
            if not isinstance(attribute.property, ColumnProperty):
                raise LookupError(f"{column}: not a table column")
            selected.append(attribute.expression)
        plans[columns] = joins, selected
        return plans[columns]

    def iter_rows(self, filters=None, order_column="", order_direction="", limit=None):
        """Stream the filtered rows (Excel export) without holding them all in memory."""
        query = self.apply_all(self.session.query(self.obj), filters, order_column,
                               order_direction)
        if limit:
            query = query.limit(limit)
        return query.options(*self.eager_options()).yield_per(1000)

    # --- values --------------------------------------------------------------------------
    def _get_attr_value(self, item, col):
        function = self.computed.get(col)
        value = function(item) if function is not None else SQLAInterface._get_attr_value(item, col)
        return "" if value is None else value  # a blank cell, not "None"
