"""流水号: SB + date + a 6-digit sequence of the day, readable over the phone and unique.

The sequence comes from a counter row per day raised by one ``UPDATE … RETURNING`` (SQLite ≥
3.35 and PostgreSQL alike): the row lock (PostgreSQL) or the write lock (SQLite) makes
concurrent saves queue for their own number, where reading max + 1 gave two saves the same
one and a 500 on the unique constraint (issue 10). The number is taken inside the saving
transaction, so a save that fails gives its number back."""
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from models.declaration import Declaration, SerialCounter


def next_serial(now: datetime | None = None) -> str:
    now = now or datetime.now()
    prefix = f"SB{now:%Y%m%d}"
    sequence = db.session.scalar(
        update(SerialCounter).where(SerialCounter.prefix == prefix)
        .values(last=SerialCounter.last + 1).returning(SerialCounter.last))
    if sequence is None:
        sequence = _first_of_day(prefix)
    return f"{prefix}{sequence:06d}"


def _first_of_day(prefix: str) -> int:
    """Start the day's counter after any number already given (declarations saved before the
    counter existed); a save racing this one to the day's first number queues on the primary
    key and then counts on from ours."""
    last = db.session.scalar(
        select(func.max(Declaration.serial_no)).where(Declaration.serial_no.like(f"{prefix}%")))
    start = int(last[len(prefix):]) + 1 if last else 1
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(SerialCounter).values(prefix=prefix, last=start)
    return db.session.scalar(
        insert.on_conflict_do_update(index_elements=[SerialCounter.prefix],
                                     set_={"last": SerialCounter.last + 1})
        .returning(SerialCounter.last))
