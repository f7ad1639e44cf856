"""E2 单位人员查询 as a roster: one row per person and unit, the person's 险种 listed in the row.

The registry holds one enrollment per person, unit and 险种, so a list of enrollments showed a
person five times. ``RosterInterface`` keeps every search of the enrollments as it was (tenancy,
ID number, 姓名, 职工类别, 险种, 参保状态 are WHERE conditions on ``enrollment``) and groups the
matching enrollments by (unit, person) in the same statement: a row lists the 险种 the search
matched, with the status of each, and the earliest start month. The page is ordered by the
grouping key (unit, person), which the (unit_id, person_id) index returns in order, so an
employer's page stops after its 50 people instead of aggregating all of them; the count stops
at ``count_cap`` + 1 groups like every list. A row's key is its first enrollment: its detail
page shows the person with every 险种 of that unit.
"""
import sqlalchemy as sa
from flask import g

from app.extensions import db
from models.person import Enrollment, Person
from models.reference import Insurance
from models.unit import Unit
from views.labels import code_label, insurance_short_name, list_separator
from views.tenancy import TenantInterface

INSURANCES = "insurances"  # the column of "insurance id:status" pairs
PAIR, ITEM = ":", ","
ROW_COLUMNS = ("unit.unit_no", "unit.name", "person.id_number", "person.name", "category",
               INSURANCES, "status", "start_month")
STATUS_RANK = ("normal", "suspended", "ended")  # a person's status: the best of its 险种


def _concatenated(expression):
    """Comma-joined values of the group (string_agg on PostgreSQL, group_concat on SQLite)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.string_agg(expression, ITEM)
    return sa.func.group_concat(expression, ITEM)


class RosterInterface(TenantInterface):
    """Enrollments read as one row per (unit, person); searched like enrollments."""

    def reads_as_rows(self, columns) -> bool:
        return True

    def orderable(self, column) -> str:
        return column if column in self._order_expressions(None) else ""

    def _grouped(self, where):
        e = Enrollment.__table__
        pair = sa.cast(e.c.insurance_id, sa.String) + PAIR + e.c.status
        return (sa.select(e.c.unit_id, e.c.person_id, sa.func.min(e.c.id).label("id"),
                          sa.func.min(e.c.category).label("category"),
                          sa.func.max(e.c.category).label("category_max"),
                          _concatenated(pair).label(INSURANCES),
                          sa.func.min(e.c.start_month).label("start_month"))
                .where(where).group_by(e.c.unit_id, e.c.person_id))

    def _order_expressions(self, grouped):
        """Column → what orders by it: a person's or unit's column, or an aggregate."""
        person, unit = Person.__table__, Unit.__table__
        orders = {"person.id_number": person.c.id_number, "person.name": person.c.name,
                  "unit.unit_no": unit.c.unit_no, "unit.name": unit.c.name}
        if grouped is not None:
            orders.update(category=grouped.selected_columns.category,
                          start_month=grouped.selected_columns.start_month)
        else:
            orders.update(category=None, start_month=None)
        return orders

    def _statement(self, where, columns, order_column="", order_direction="", limit=None,
                   offset=0):
        """The page of groups in order, then its persons' and units' columns. Ordered by the
        key (the index's order) the grouping streams and stops at the page; ordered by a name
        it joins the persons first and sorts the unit's groups."""
        e, person, unit = Enrollment.__table__, Person.__table__, Unit.__table__
        grouped = self._grouped(where)
        expression = self._order_expressions(grouped).get(order_column)
        key = [e.c.unit_id, e.c.person_id]
        if expression is None:
            grouped = grouped.order_by(*key)
        else:
            table = getattr(expression, "table", None)
            if table is person:
                grouped = grouped.join_from(e, person, person.c.id == e.c.person_id)
            elif table is unit:
                grouped = grouped.join_from(e, unit, unit.c.id == e.c.unit_id)
            if table in (person, unit):  # one value per group; PostgreSQL wants it named
                grouped = grouped.group_by(expression)
            direction = sa.asc if order_direction == "asc" else sa.desc
            grouped = grouped.add_columns(expression.label("ordered")).order_by(
                direction(expression), *key)
        if limit:
            grouped = grouped.limit(limit).offset(offset)
        page = grouped.subquery("roster")
        source = page.join(person, person.c.id == page.c.person_id).join(
            unit, unit.c.id == page.c.unit_id)
        tables = {"person": person, "unit": unit}
        selected = []
        for column in columns:
            if "." in column:
                relation, leaf = column.split(".", 1)
                selected.append(tables[relation].c[leaf].label(column))
            elif column in ("status", INSURANCES):
                continue  # read from the pairs
            elif column in page.c:
                selected.append(page.c[column].label(column))
            else:
                raise LookupError(f"roster column {column}")
        statement = sa.select(page.c.id, page.c[INSURANCES], page.c.category_max,
                              *selected).select_from(source)
        outer_key = [page.c.unit_id, page.c.person_id]
        if expression is None:
            return statement.order_by(*outer_key)
        direction = sa.asc if order_direction == "asc" else sa.desc
        return statement.order_by(direction(page.c.ordered), *outer_key)

    def _groups_counted(self, where):
        e = Enrollment.__table__
        groups = sa.select(e.c.unit_id).where(where).group_by(e.c.unit_id, e.c.person_id)
        if self.count_cap is not None:
            groups = groups.limit(self.count_cap + 1)
        return sa.select(sa.func.count()).select_from(groups.subquery())

    def _row(self, row, columns) -> dict:
        values = {column: ("" if row._mapping.get(column) is None else row._mapping[column])
                  for column in columns if column not in ("status", INSURANCES)}
        pairs = _pairs(row._mapping[INSURANCES])
        values[INSURANCES] = pairs
        if "status" in columns:
            values["status"] = best_status(pairs)
        if "category" in columns and row.category_max != values.get("category"):
            values["category"] = ""  # 在职 in one 险种, 退休 in another: the 险种 say it
        return values

    def page_values(self, filters, order_column, order_direction, page, page_size, columns):
        """One statement: the page's rows carry the (capped) count of groups, as on the other
        lists; only a page past the last row counts on its own."""
        where = self._where(filters)
        counted = self._groups_counted(where).scalar_subquery().label("counted")
        statement = self._statement(where, columns, order_column, order_direction,
                                    limit=page_size, offset=(page or 0) * (page_size or 0))
        statement = statement.add_columns(counted)
        rows = self.session.execute(statement).all()
        if rows:
            count = self._shown_count(rows[0].counted)
        elif page:
            count = self._shown_count(self.session.execute(self._groups_counted(where))
                                      .scalar_one())
        else:
            count = 0
        return count, [(row.id, self._row(row, columns)) for row in rows]

    def iter_rows(self, filters=None, order_column="", order_direction="", limit=None):
        """The roster's rows for the Excel export, as dicts of every column a roster shows."""
        statement = self._statement(self._where(filters), ROW_COLUMNS, order_column,
                                    order_direction, limit=limit)
        result = self.session.execute(statement.execution_options(yield_per=1000))
        try:
            for row in result:
                yield self._row(row, ROW_COLUMNS)
        finally:  # an export cut at its limit stops early: close the server-side cursor
            result.close()

    def get_values_item(self, item, show_columns):
        if isinstance(item, dict):
            return [item.get(column, "") for column in show_columns]
        return [self.person_insurances(item) if column == INSURANCES
                else self._get_attr_value(item, column) for column in show_columns]

    def person_insurances(self, item) -> list:
        """Every 险种 of the enrollment's person in its unit that this user may see."""
        query = self._tenant(db.session.query(Enrollment.insurance_id, Enrollment.status)
                             .filter(Enrollment.unit_id == item.unit_id,
                                     Enrollment.person_id == item.person_id))
        return tuple(sorted(((i, status) for i, status in query),
                            key=lambda pair: _sort_of(pair[0])))


def _pairs(text) -> tuple:
    """"1:normal,2:ended" → ((1, "normal"), (2, "ended")), in the 险种 table's order."""
    insurances = _insurance_rows()
    pairs = []
    for part in (text or "").split(ITEM):
        insurance, _sep, status = part.partition(PAIR)
        if insurance:
            pairs.append((int(insurance), status))
    return tuple(sorted(pairs, key=lambda pair: insurances.get(pair[0], (pair[0],))[0]))


def best_status(pairs) -> str:
    """The person's status in the unit: 正常参保 while any 险种 is."""
    statuses = {status for _insurance, status in pairs}
    return next((s for s in STATUS_RANK if s in statuses), next(iter(statuses), ""))


def _insurance_rows() -> dict:
    """险种 id → (sort, short name), read once a request."""
    if "roster_insurances" not in g:
        rows = db.session.query(Insurance.id, Insurance.sort, Insurance.short_name)
        g.roster_insurances = {id_: (sort or 0, short) for id_, sort, short in rows}
    return g.roster_insurances


def _sort_of(insurance_id) -> int:
    return _insurance_rows().get(insurance_id, (insurance_id, ""))[0]


def insurance_list(pairs) -> str:
    """The row's 险种 by name; a 险种 whose status differs from the person's best is marked
    with its own (养老保险、失业保险（终止参保）)."""
    if not pairs:
        return ""
    best = best_status(pairs)
    names = []
    for insurance_id, status in pairs:
        name = insurance_short_name(_insurance_rows().get(insurance_id, (0, ""))[1]) or str(
            insurance_id)
        if status != best:
            name = _marked(name, code_label("enrollment.status", status))
        names.append(name)
    return list_separator().join(names)


def _marked(name, status) -> str:
    if list_separator() == "、":
        return f"{name}（{status}）"
    return f"{name} ({status})"
