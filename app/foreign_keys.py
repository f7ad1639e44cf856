"""SQLite enforces the schema's foreign keys, and their ON DELETE CASCADE, only on connections
that ask for it; PostgreSQL always does. Without it a deleted group or role left its association
rows behind, and SQLite hands a freed id to the next row: a new group silently inherited the
roles of the deleted one. Every connection of the app's engine asks.

Schema migrations turn it off on their own connection: batch mode copies and drops tables, and a
DROP TABLE would cascade into the children. They check every row before they commit instead.
The demo load keeps it on: checking each row as it goes cost 55 s against 46 s at 200,000
persons, well inside its 3 minutes.
"""
from contextlib import contextmanager

from sqlalchemy import event


def init_app(app, db) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _enforce)


def _enforce(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys=ON")
    # Writers queue for SQLite's one write lock; the driver's 5 s wait let "database is
    # locked" escape as a 500 when twenty requests raced for a counter under load.
    dbapi_connection.execute("PRAGMA busy_timeout=30000")


@contextmanager
def suspended(raw):
    """Foreign keys off on this raw sqlite3 connection for the block; it must not be inside a
    transaction, so the pragma is read back rather than trusted."""
    raw.execute("PRAGMA foreign_keys=OFF")
    if raw.execute("PRAGMA foreign_keys").fetchone()[0]:
        raise RuntimeError("PRAGMA foreign_keys=OFF ignored: the connection is in a transaction")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def violations(raw) -> list[tuple]:
    """(table, rowid, parent table, key index) of every row whose parent is missing."""
    return raw.execute("PRAGMA foreign_key_check").fetchall()
