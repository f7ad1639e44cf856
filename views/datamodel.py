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
  relation shown whole shows its model's ``label_column``. The SELECT is Core, planned once per
  column set (``RowPlan``); a page adds only its WHERE, order and limit.
- ``column_filters`` and ``computed``: search filters and read-only values a view declares for
  columns the model lacks (``person.name``, a unit's current rate).
- Primary keys are checked before they reach the database: a non-number or a key past 64 bits is
  simply not found (404), never an overflow (500 on SQLite).
"""
import sqlalchemy as sa
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import Integer
from sqlalchemy.orm import ColumnProperty, joinedload

from views.filters import FilterConverter, to_int


class AtLeast(int):
    """A row count that stopped counting: prints as "10000+", pages like 10000."""

    def __str__(self):
        return f"{int(self)}+"


class KeyCheckedInterface(SQLAInterface):
    """FAB's interface, where a key that no integer id column can hold (a letter, past 64 bits)
    finds nothing (404) instead of reaching the database, which overflowed on it (a 500)."""

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


class QueryInterface(KeyCheckedInterface):
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

    def _where(self, filters):
        """The WHERE clause of the rows a list may show (tenancy and filters). Filters only add
        conditions: one that joined would need its join in every statement built from this."""
        filtered = self.filtered(self.session.query(self.obj), filters)
        if filtered._setup_joins:
            raise RuntimeError(f"a filter of {self.obj.__name__} joined another table")
        where = filtered.whereclause
        return sa.true() if where is None else where

    def _counting(self, where):
        """The SELECT of the count: capped at ``count_cap`` + 1 rows, reading only the key
        (counting whole rows made the database read every column, ≈4× slower)."""
        table = self.obj.__table__
        if self.count_cap is None:
            return sa.select(sa.func.count()).select_from(table).where(where)
        capped = sa.select(table.c.id).where(where).limit(self.count_cap + 1).subquery()
        return sa.select(sa.func.count()).select_from(capped)

    def _shown_count(self, count):
        if self.count_cap is not None and count > self.count_cap:
            return AtLeast(self.count_cap)
        return count

    def _count(self, where):
        return self._shown_count(self.session.execute(self._counting(where)).scalar_one())

    def query(self, filters=None, order_column="", order_direction="", page=None,
              page_size=None, select_columns=None, outer_default_load=False):
        if select_columns:  # the REST API selects its own columns and joins
            return super().query(filters, order_column, order_direction, page, page_size,
                                 select_columns, outer_default_load)
        order_column = self.orderable(order_column)
        where = self._where(filters)
        rows = self.apply_order_by(self.session.query(self.obj).filter(where), order_column,
                                   order_direction, aliases_mapping={}, add_pk=True)
        rows = self.apply_pagination(rows, page, page_size)
        return self._count(where), rows.options(*self.eager_options()).all()

    def page_values(self, filters, order_column, order_direction, page, page_size, columns):
        """(count, [(key, {column: value})]) of one page of a list that shows ``columns``; the
        columns must pass ``reads_as_rows``. One statement: the rows carry the count as a
        scalar subquery (computed once), so only a page past the last row counts on its own."""
        plan = self._row_plan(tuple(columns))
        where = self._where(filters)
        order = plan.order_by(order_column, order_direction)
        statement = (plan.select.add_columns(self._counting(where).scalar_subquery())
                     .where(where).order_by(*order))
        if page_size:
            statement = statement.limit(page_size).offset((page or 0) * page_size)
        rows = self.session.execute(statement).all()
        if rows:
            count = self._shown_count(rows[0][-1])
        else:
            count = self._count(where) if page else 0
        values = []
        for row in rows:
            cells = row[1:-1]
            if None in cells:  # a blank cell, as the objects show it
                cells = ["" if v is None else v for v in cells]
            values.append((row[0], dict(zip(columns, cells, strict=True))))
        return count, values

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

    def _row_plan(self, columns) -> "RowPlan":
        """The list's SELECT, planned once per column set: building its outer joins and their
        cache key on every page cost more than running it."""
        plans = self.__dict__.setdefault("_row_plans", {})
        if columns not in plans:
            plans[columns] = RowPlan(self, columns)
        return plans[columns]

    def orderable(self, column) -> str:
        """``column`` if objects can be ordered by it (a column of the model's own table), else
        "": FAB's ordering fails on a relation, a dotted or an unknown name (500)."""
        return column if column in self.obj.__table__.c else ""

    def iter_rows(self, filters=None, order_column="", order_direction="", limit=None):
        """Stream the filtered rows (Excel export) without holding them all in memory."""
        order_column = self.orderable(order_column)
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


class RowPlan:
    """The Core SELECT of a list's key and columns: a related column (``person.name``) through
    an outer join to an alias per relation path, a relation shown whole through its model's
    ``label_column``. Raises LookupError for a column it cannot read this way."""

    def __init__(self, datamodel, columns):
        self.table = datamodel.obj.__table__
        self.key = self.table.c.id
        self.source, self.aliases = self.table, {}
        self.by_column = {column: self._column(datamodel, column) for column in columns}
        self.select = sa.select(self.key, *self.by_column.values()).select_from(self.source)

    def _column(self, datamodel, column):
        *path, leaf = column.split(".")
        if not path and datamodel.is_relation(column):
            path, leaf = [column], datamodel.get_related_model(column).label_column
        model, target = datamodel.obj, datamodel.obj.__table__
        for depth, name in enumerate(path):
            relation = getattr(model, name).property
            if relation.uselist:
                raise LookupError(f"{column}: a to-many relation")
            model = relation.mapper.class_
            key = ".".join(path[:depth + 1])
            if key not in self.aliases:
                alias = model.__table__.alias()
                self.source = self.source.outerjoin(alias, sa.and_(*(
                    alias.corresponding_column(remote) == target.corresponding_column(local)
                    for local, remote in relation.local_remote_pairs)))
                self.aliases[key] = alias
            target = self.aliases[key]
        attribute = getattr(model, leaf)
        if not isinstance(attribute.property, ColumnProperty):
            raise LookupError(f"{column}: not a table column")
        (mapped,) = attribute.property.columns
        return target.corresponding_column(mapped)

    def order_by(self, column, direction) -> list:
        """The list's order: a shown column (a related one by what it shows) or a column of the
        model, then the key to keep pages stable; none for a column it does not know."""
        expression = self.by_column.get(column)
        if expression is None and column in self.table.c:
            expression = self.table.c[column]
        if expression is None:
            return []
        order = sa.asc if direction == "asc" else sa.desc
        return [order(expression)] if expression is self.key else [order(expression),
                                                                     order(self.key)]
