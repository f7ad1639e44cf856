"""统计分析 (G5): the figures of the back-office statistics page, each one GROUP BY query.

Amounts come from the unit totals (unit_contribution, kept by the assessment and by payment),
not from the ledger: a month of 200,000 people is 1,000,000 ledger rows but a few thousand unit
totals. Every series is filled to the whole period, so a month or day without rows shows as 0
instead of vanishing from the chart.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select

from app.extensions import db
from models.contribution import Bill, UnitContribution
from models.declaration import Declaration
from rules import workflow
from rules.months import month_range

ZERO = Decimal("0.00")
BILL_STATUSES = ("unpaid", "paying", "paid", "failed", "void")  # models.contribution.Bill
QUEUE_STATES = (workflow.SUBMITTED, workflow.REVIEWING)
# Age buckets of the review queue: (key, submitted less than this many hours ago).
AGE_BUCKETS = (("under_4h", 4), ("under_1d", 24), ("under_3d", 72), ("under_7d", 168),
               ("over_7d", None))


@dataclass(frozen=True)
class MonthAmounts:
    month: int
    due: Decimal
    paid: Decimal

    @property
    def unpaid(self) -> Decimal:
        return self.due - self.paid


@dataclass(frozen=True)
class StatusCount:
    status: str
    count: int
    total: Decimal


@dataclass(frozen=True)
class Queue:
    buckets: list[tuple[str, int]]  # (AGE_BUCKETS key, pending declarations)
    oldest: Declaration | None


def amounts_by_month(first: int, last: int) -> list[MonthAmounts]:
    """Due (unit + personal + late fee) and paid per fee month, every unit and 险种."""
    rows = db.session.execute(
        select(UnitContribution.month, func.sum(UnitContribution.total),
               func.sum(UnitContribution.paid_amount))
        .where(UnitContribution.month.between(first, last))
        .group_by(UnitContribution.month)).all()
    found = {month: (_money(due), _money(paid)) for month, due, paid in rows}
    return [MonthAmounts(month, *found.get(month, (ZERO, ZERO)))
            for month in month_range(first, last)]


def bills_by_status(first: int, last: int) -> list[StatusCount]:
    """Bills whose period starts in the months, by status: how many and their totals."""
    rows = db.session.execute(
        select(Bill.status, func.count(), func.sum(Bill.total))
        .where(Bill.period_start.between(first, last))
        .group_by(Bill.status)).all()
    found = {status: (count, _money(total)) for status, count, total in rows}
    statuses = [*BILL_STATUSES, *sorted(set(found) - set(BILL_STATUSES))]
    return [StatusCount(status, *found.get(status, (0, ZERO))) for status in statuses]


def declarations_per_day(days: int, today: date) -> list[tuple[date, int]]:
    """Declarations submitted on each of the last ``days`` days (today included)."""
    since = today - timedelta(days=days - 1)
    # date() is a function on both SQLite (text 2026-12-07) and PostgreSQL (a date).
    day = func.date(Declaration.submitted_at).label("day")
    start = datetime.combine(since, datetime.min.time())
    submitted = select(day).where(Declaration.submitted_at >= start).subquery()
    rows = db.session.execute(
        select(submitted.c.day, func.count()).group_by(submitted.c.day)).all()
    found = {date.fromisoformat(str(value)[:10]): count for value, count in rows}
    return [(since + timedelta(days=i), found.get(since + timedelta(days=i), 0))
            for i in range(days)]


def queue_age(now: datetime) -> Queue:
    """Declarations waiting for a decision (submitted or being reviewed) by how long they have
    waited since submission, and the one waiting longest."""
    waiting = Declaration.status.in_(QUEUE_STATES)
    bucket = case(*[(Declaration.submitted_at > now - timedelta(hours=hours), index)
                    for index, (_key, hours) in enumerate(AGE_BUCKETS) if hours is not None],
                  else_=len(AGE_BUCKETS) - 1).label("bucket")
    # Grouped in an outer query: PostgreSQL would not see the CASE with its bound
    # parameters in GROUP BY as the same expression as in SELECT.
    ages = select(bucket).where(waiting).subquery()
    found = dict(db.session.execute(
        select(ages.c.bucket, func.count()).group_by(ages.c.bucket)).all())
    oldest = db.session.scalars(
        select(Declaration).where(waiting)
        .order_by(Declaration.submitted_at.asc().nulls_first(), Declaration.id).limit(1)).first()
    return Queue([(key, found.get(index, 0)) for index, (key, _h) in enumerate(AGE_BUCKETS)],
                 oldest)


def _money(value) -> Decimal:
    return ZERO if value is None else Decimal(value).quantize(ZERO)
