"""Fast bulk writes for the demo load: executemany or COPY in chunks, SQLite pragmas, and on
PostgreSQL foreign keys and indexes checked and built once at the end."""
from contextlib import contextmanager

from sqlalchemy import Connection, Table, insert, inspect, text

CHUNK = 20_000


def bulk_insert(conn: Connection, table: Table, rows: list[dict]) -> int:
    """Insert plain dict rows with Core executemany, in chunks (never the ORM unit of work)."""
    stmt = insert(table)
    for start in range(0, len(rows), CHUNK):
        conn.execute(stmt, rows[start:start + CHUNK])
    return len(rows)


class Buffer:
    """Collects plain tuples for some columns of one table and writes them in chunks.

    The fast path for the big tables: values are already what both drivers take as they are
    (int, str, None; dates and times as ISO text, money as int yuan or text), so no per-row type
    processing is needed. SQLite gets one executemany per chunk, PostgreSQL a COPY.
    """

    def __init__(self, conn: Connection, table: Table, columns: tuple[str, ...]):
        self.conn, self.table, self.columns = conn, table, columns
        self.rows: list[tuple] = []
        self.count = 0
        names = ", ".join(columns)
        if is_sqlite(conn):
            marks = ", ".join("?" * len(columns))
            self.sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
        else:
            self.sql = f"COPY {table.name} ({names}) FROM STDIN"

    def add(self, row: tuple) -> None:
        self.rows.append(row)

    @property
    def full(self) -> bool:
        return len(self.rows) >= CHUNK

    def flush(self) -> None:
        if not self.rows:
            return
        if is_sqlite(self.conn):
            self.conn.exec_driver_sql(self.sql, self.rows)
        else:
            with self.conn.connection.dbapi_connection.cursor() as cursor:
                with cursor.copy(self.sql) as copy:
                    for row in self.rows:
                        copy.write_row(row)
        self.count += len(self.rows)
        self.rows = []


def timestamp_text(value) -> str:
    """A datetime as SQLAlchemy stores it on SQLite; PostgreSQL parses the same text."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


@contextmanager
def sqlite_tuned(raw):
    """For the load only, on the raw sqlite3 connection: no fsync, a large page cache, sorts in
    memory; restored afterwards (after the commit: some pragmas refuse to change in a transaction).

    The rollback journal is kept (not WAL, not OFF): appending to a fresh file journals almost
    nothing, and a failed load still rolls back cleanly. ``raw`` None (PostgreSQL) does nothing.
    """
    if raw is None:
        yield
        return
    names = ("synchronous", "cache_size", "temp_store")
    saved = {name: raw.execute(f"PRAGMA {name}").fetchone()[0] for name in names}
    raw.execute("PRAGMA synchronous=OFF")
    raw.execute("PRAGMA cache_size=-1000000")  # KiB: up to ~1 GB of pages
    raw.execute("PRAGMA temp_store=MEMORY")
    try:
        yield
    finally:
        for name, value in saved.items():
            raw.execute(f"PRAGMA {name}={int(value)}")


def next_id(conn: Connection, table: Table) -> int:
    return (conn.execute(text(f"SELECT MAX(id) FROM {table.name}")).scalar() or 0) + 1


def sync_sequence(conn: Connection, table: Table) -> None:
    """After rows with explicit ids, move PostgreSQL's serial sequence past them."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(text(
        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
    ))


@contextmanager
def foreign_keys_checked_at_end(conn: Connection, tables: tuple[str, ...]):
    """PostgreSQL checks every inserted row's foreign keys with a locking lookup: at millions of
    rows that is most of the load. Drop the foreign keys of these tables and add them back at the
    end, which checks all rows at once with one join. Inside the load's transaction, so a failure
    rolls the DDL back too. SQLite checks each row as it goes (app.foreign_keys), cheaply enough.
    """
    if conn.dialect.name != "postgresql":
        yield
        return
    inspector = inspect(conn)
    dropped = []
    for table in tables:
        for fk in inspector.get_foreign_keys(table):
            conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{fk["name"]}"')
            dropped.append((table, fk))
    yield
    for table, fk in dropped:
        on_delete = fk.get("options", {}).get("ondelete")
        conn.exec_driver_sql(
            f'ALTER TABLE {table} ADD CONSTRAINT "{fk["name"]}" '
            f'FOREIGN KEY ({", ".join(fk["constrained_columns"])}) '
            f'REFERENCES {fk["referred_table"]} ({", ".join(fk["referred_columns"])})'
            + (f" ON DELETE {on_delete}" if on_delete else "")
        )


@contextmanager
def indexes_built_at_end(conn: Connection, table: Table):
    """On PostgreSQL, building a big table's indexes once after the insert (a sort each) is
    cheaper than updating them row by row; only done when the table starts empty. On SQLite,
    keeping them during the insert measured faster (rows arrive in the unique index's order).
    """
    empty = conn.execute(text(f"SELECT 1 FROM {table.name} LIMIT 1")).first() is None
    if conn.dialect.name != "postgresql" or not empty:
        yield
        return
    uniques = inspect(conn).get_unique_constraints(table.name)
    for unique in uniques:
        conn.exec_driver_sql(f'ALTER TABLE {table.name} DROP CONSTRAINT "{unique["name"]}"')
    for index in table.indexes:
        index.drop(conn)
    yield
    conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
    for unique in uniques:
        conn.exec_driver_sql(
            f'ALTER TABLE {table.name} ADD CONSTRAINT "{unique["name"]}" '
            f'UNIQUE ({", ".join(unique["column_names"])})'
        )
    for index in table.indexes:
        index.create(conn)
