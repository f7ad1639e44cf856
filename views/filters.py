"""Search filters of the query screens, beyond FAB's own.

FAB filters one model's own columns. The screens also search through a many-to-one relation
(``person.name`` on an enrollment): ``RelatedEqual`` and ``RelatedStartsWith`` filter
``person_id IN (…the keys of the matching persons or units)``, so both SQLite and PostgreSQL
answer from the indexes, without a join the list would then have to de-duplicate. PostgreSQL gets
the keys looked up first (its planner mis-estimates the subquery); SQLite gets the subquery.
Month and date ranges, comma-separated code lists and integer columns get filters that never raise
on odd input: an unparseable or out-of-range value matches nothing (no 500 from an overflowing
integer on SQLite).

Every filter class has its own ``arg_name``: FAB keeps one global map from arg name to class for
the REST API, so reusing FAB's names would redirect FAB's own filters.

``FiltersPerRequest`` keeps a view's active filters on the request, not on the view object that
every request shares.
"""
import copy
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import g, has_request_context
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla import filters as fab
from flask_babel import lazy_gettext as _

INT64 = 2**63 - 1


class FiltersPerRequest:
    """A view's ``_filters`` of its own for each request.

    FAB keeps the active search of a screen in ``view._filters``, one object every request of
    every user shares: ``get_filter_args`` clears and refills it, the REST API likewise, and the
    list then reads it while another request may have refilled it with its own user's search
    (unit 1's page showed the ID number unit 2 searched for). Here FAB's object stays the
    screen's template (its search columns and filter classes, read-only once built), and each
    request gets a shallow copy with empty active filters of its own, kept in ``g`` for the
    request. Put this mixin before FAB's view class: the property replaces FAB's attribute.
    """

    @property
    def _filters(self):
        template = self.__dict__.get("_filters_template")
        if template is None or not has_request_context():
            return template
        own = g.setdefault("view_filters", {})
        if id(self) not in own:
            filters = own[id(self)] = copy.copy(template)
            filters.clear_filters()  # new lists: the template's stay empty and unshared
        return own[id(self)]

    @_filters.setter
    def _filters(self, filters):
        self.__dict__["_filters_template"] = filters


def to_int(value):
    """An int inside the 64-bit range, or None."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if -INT64 <= number <= INT64 else None


def to_month(value):
    """YYYYMM from "202401" or "2024-01"; None when it is not a real month."""
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    if len(digits) != 6:
        return None
    month = int(digits)
    return month if 1 <= month % 100 <= 12 else None


def to_date(value):
    try:
        return datetime.strptime(str(value).strip()[:10], "%Y-%m-%d")
    except ValueError:
        return None


def _text(value) -> str:
    return str(value).strip()


# On PostgreSQL up to this many related keys are looked up first and passed as values: the
# planner then knows the unit or the persons and picks their index (a subquery made PostgreSQL
# sort 1.7M rows). SQLite plans the subquery well and gets it as it is.
RESOLVE_LIMIT = 1000


class _RelatedFilter(BaseFilter):
    """A filter on ``relation.leaf`` (``person.name``): ``fk IN (keys of the matching related
    rows)``. ``condition(leaf, value)`` is the match; its values bind anonymously, so two such
    filters (or one given twice) in a statement never share a parameter."""

    _plans = {}  # (model, column) → (fk column, related key column, leaf column)

    def condition(self, leaf, value):
        """The SQL match for ``value``; None when it matches everything."""
        raise NotImplementedError

    def apply(self, query, value):
        fk, remote, leaf = self._plan()
        condition = self.condition(leaf, _text(value))
        if condition is None:
            return query
        keys = sa.select(remote).where(condition)
        session = self.datamodel.session
        if session.get_bind().dialect.name == "sqlite":
            # SQLite runs an IN subquery first and probes the index with its rows, as it would
            # with the keys themselves: a statement of their own would only cost a round.
            return query.filter(fk.in_(keys))
        found = session.execute(keys.limit(RESOLVE_LIMIT + 1)).scalars().all()
        if len(found) > RESOLVE_LIMIT:
            return query.filter(fk.in_(keys))
        # One expanding parameter: in_() of the list itself coerces every key on its own.
        return query.filter(fk.in_(sa.bindparam(None, found, expanding=True)) if found
                            else sa.false())

    def _plan(self):
        key = (self.model, self.column_name)
        if key not in self._plans:
            relation_name, leaf = self.column_name.split(".", 1)
            relation = getattr(self.model, relation_name).property
            (fk,) = relation.local_columns
            (remote,) = relation.remote_side
            self._plans[key] = fk, remote, relation.mapper.class_.__table__.c[leaf]
        return self._plans[key]


class RelatedEqual(_RelatedFilter):
    name = _("等于")
    arg_name = "rel_eq"

    def condition(self, leaf, value):
        return leaf == value


class RelatedStartsWith(_RelatedFilter):
    """Prefix as a range (``>= v AND < v'``): uses the index under any collation for codes."""

    name = _("开头是")
    arg_name = "rel_sw"

    def condition(self, leaf, value):
        value = value.upper()
        if not value:
            return None
        return (leaf >= value) & (leaf < value[:-1] + chr(ord(value[-1]) + 1))


class RelatedNameStartsWith(_RelatedFilter):
    """A name by its first characters, as typed (no upper-casing: names are not codes)."""

    name = _("开头是")
    arg_name = "rel_name_sw"

    def condition(self, leaf, value):
        if not value:
            return None
        return (leaf >= value) & (leaf < value[:-1] + chr(ord(value[-1]) + 1))


class RelatedContains(_RelatedFilter):
    """Any part of the text (LIKE '%…%', with % and _ typed taken literally)."""

    name = _("包含")
    arg_name = "rel_ct"

    def condition(self, leaf, value):
        return leaf.contains(value, autoescape=True) if value else None


class _Bound(BaseFilter):
    """A lower or upper bound on a column, with the value parsed by ``parse``."""

    op = None

    def parse(self, value):
        raise NotImplementedError

    def apply(self, query, value):
        bound = self.parse(value)
        if bound is None:
            return query.filter(sa.false())
        return query.filter(self.op(getattr(self.model, self.column_name), bound))


class MonthFrom(_Bound):
    name = _("不早于")
    arg_name = "month_ge"
    op = staticmethod(lambda col, v: col >= v)
    parse = staticmethod(to_month)


class MonthTo(_Bound):
    name = _("不晚于")
    arg_name = "month_le"
    op = staticmethod(lambda col, v: col <= v)
    parse = staticmethod(to_month)


class DateFrom(_Bound):
    name = _("不早于")
    arg_name = "date_ge"
    op = staticmethod(lambda col, v: col >= v)
    parse = staticmethod(to_date)


class DateTo(_Bound):
    """The whole day counts: ``< next midnight``."""

    name = _("不晚于")
    arg_name = "date_le"
    op = staticmethod(lambda col, v: col < v + timedelta(days=1))
    parse = staticmethod(to_date)


class CodeListContains(BaseFilter):
    """One code in a comma-separated list column such as ``insurance_codes`` ("110,210")."""

    name = _("包含")
    arg_name = "codes_has"

    def apply(self, query, value):
        column = getattr(self.model, self.column_name)
        wrapped = sa.literal(",") + column + sa.literal(",")
        return query.filter(wrapped.contains(f",{_text(value)},"))


class _SafeInt:
    """Mixin for FAB's integer filters: refuse values SQLite cannot bind."""

    def apply(self, query, value):
        number = to_int(value)
        if number is None:
            return query.filter(sa.false())
        return super().apply(query, number)


class IntEqual(_SafeInt, fab.FilterEqual):
    arg_name = "int_eq"


class IntNotEqual(_SafeInt, fab.FilterNotEqual):
    arg_name = "int_neq"


class IntGreater(_SafeInt, fab.FilterGreater):
    arg_name = "int_gt"


class IntSmaller(_SafeInt, fab.FilterSmaller):
    arg_name = "int_lt"


INT_FILTERS = [IntEqual, IntGreater, IntSmaller, IntNotEqual]
MONTH_RANGE = [MonthFrom, MonthTo]
DATE_RANGE = [DateFrom, DateTo]
CODE_EQUAL = [fab.FilterEqual, fab.FilterNotEqual]


class FilterConverter(fab.SQLAFilterConverter):
    """FAB's converter, with safe integer filters and the per-view ``column_filters`` first."""

    conversion_table = tuple(
        ("is_integer", INT_FILTERS) if test == "is_integer" else (test, classes)
        for test, classes in fab.SQLAFilterConverter.conversion_table
    )

    def convert(self, col_name):
        declared = getattr(self.datamodel, "column_filters", {}).get(col_name)
        if declared:
            return [flt(col_name, self.datamodel) for flt in declared]
        return super().convert(col_name)
