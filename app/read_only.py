"""A request that wrote nothing ends its PostgreSQL transaction with COMMIT, not ROLLBACK.

psycopg forgets its prepared statements at every ROLLBACK (what they refer to may have been
dropped in the transaction), and SQLAlchemy ends each request's transaction with one. So no
statement ever reached psycopg's prepare threshold, and PostgreSQL planned every query of every
page anew: loading the user and its permissions, joins of six and four tables, took longer to
plan than to run (0.6–1 ms each). A transaction that wrote nothing ends the same either way, so
such a request commits instead. What decides it is PostgreSQL's own word,
``txid_current_if_assigned()``, NULL until the transaction writes anything (ORM flushes, Core
statements and COPY alike); a request that failed, or left objects unflushed in its session,
rolls back as before. SQLite keeps its own statement cache: nothing changes there.
"""
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

WROTE = text("SELECT txid_current_if_assigned() IS NOT NULL")


def init_app(app) -> None:
    # Registered after Flask-SQLAlchemy's teardown, so it runs before the session is removed.
    app.teardown_appcontext(end_read_only_transaction)


def end_read_only_transaction(exc=None) -> None:
    if exc is not None or not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction():
        return
    if session.get_bind().dialect.name != "postgresql":
        return
    if session.new or session.dirty or session.deleted:
        return
    try:
        if not session.execute(WROTE).scalar_one():
            session.commit()
    except SQLAlchemyError:  # a failed transaction: left to the rollback that removes the session
        pass
