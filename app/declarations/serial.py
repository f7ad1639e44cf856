"""流水号: SB + date + a 6-digit sequence of the day, readable over the phone and unique."""
from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from models.declaration import Declaration


def next_serial(now: datetime | None = None) -> str:
    now = now or datetime.now()
    prefix = f"SB{now:%Y%m%d}"
    last = db.session.scalar(
        select(func.max(Declaration.serial_no)).where(Declaration.serial_no.like(f"{prefix}%")))
    sequence = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"
