"""Bulk writing shared by the effects: rows are written with set-based statements (COPY on
PostgreSQL), never per-row ORM loops, because one approval may hold 100,000 persons."""
from sqlalchemy import insert, select

from app.extensions import db
from models.person import Person
from models.reference import ChangeReason, EmploymentForm, Nation, PersonCategory


def person_id(item) -> int:
    return person_ids([item])[item.id_number]


def person_ids(items) -> dict[str, int]:
    """ID number → person id for these items, in one query for those not yet resolved."""
    missing = [i.id_number for i in items if i.person_id is None]
    found = {}
    for chunk in chunks(missing):
        found.update(db.session.execute(
            select(Person.id_number, Person.id).where(Person.id_number.in_(chunk))).all())
    for item in items:
        if item.person_id is None:
            item.person_id = found.get(item.id_number)
    return {item.id_number: item.person_id for item in items}


def chunks(values: list, size: int = 5000):
    """IN lists stay well under SQLite's bound-variable limit."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def code_ids() -> dict[str, dict[str, int]]:
    tables = {"change_reason": ChangeReason, "employment_form": EmploymentForm,
              "person_category": PersonCategory, "nation": Nation}
    return {key: dict(db.session.execute(select(m.code, m.id)).all()) for key, m in tables.items()}


def insert_many(table, rows) -> None:
    """INSERT ``rows`` (dicts with the same keys) into the Core ``table``, in this transaction.

    On PostgreSQL by COPY: psycopg 3 sends an executemany as one INSERT per row (30,000
    enrollment rows took 2.3 s, and a 10,000-person 批量增员 approval missed its 5 s), and
    SQLAlchemy's multi-row VALUES was slower still (psycopg parses each 10,000-parameter statement
    in Python). COPY skips SQLAlchemy's defaults and type processing, so both are applied here.
    SQLite's executemany is already fast."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql":
        db.session.execute(insert(table), rows)
        return
    given = set(rows[0])
    columns = [c for c in table.columns
               if c.name in given or (c.default is not None and not c.primary_key)]
    fill = {c.name: c.default for c in columns if c.name not in given}
    process = {c.name: c.type.bind_processor(dialect) for c in columns}
    names = [c.name for c in columns]
    cursor = connection.connection.driver_connection.cursor()
    quoted = ", ".join(dialect.identifier_preparer.quote(n) for n in names)
    with cursor.copy(f"COPY {dialect.identifier_preparer.format_table(table)} ({quoted}) "
                     "FROM STDIN") as copy:
        for row in rows:
            values = []
            for name in names:
                value = row[name] if name in row else _default(fill[name])
                convert = process[name]
                values.append(convert(value) if convert and value is not None else value)
            copy.write_row(values)


def _default(default):
    """A column's Python-side default (scalar, or callable such as datetime.now)."""
    if default.is_callable:
        return default.arg(None)
    if default.is_scalar:
        return default.arg
    # A SQL-expression default would silently become NULL under COPY: refuse instead.
    raise NotImplementedError(f"COPY cannot apply the SQL default {default!r}")


def note(item, message: str) -> None:
    """Add what the effect did to the item's result (after the reviewer's or the rule's words)."""
    item.result_message = f"{item.result_message}；{message}" if item.result_message else message
