"""The six home-page counters (B1) and the 待办/已办 task lists (B2) of one unit."""
from sqlalchemy import and_, func, or_, select

from app.extensions import db
from models.declaration import Declaration
from rules import workflow

# key, label, condition: the order the home page shows them in.
COUNTERS = (
    ("draft", "未提交", Declaration.status == workflow.DRAFT),
    ("submitted", "提交后等待处理", Declaration.status == workflow.SUBMITTED),
    ("reviewing", "正在处理", Declaration.status == workflow.REVIEWING),
    ("approved_unread", "处理成功还未查阅",
     and_(Declaration.status == workflow.APPROVED, Declaration.read.is_(False))),
    ("rejected_unread", "处理失败还未查阅",
     and_(Declaration.status == workflow.REJECTED, Declaration.read.is_(False))),
    ("partial_unread", "部分处理成功还未查阅",
     and_(Declaration.status == workflow.PARTIAL, Declaration.read.is_(False))),
)
CONDITIONS = {key: condition for key, _, condition in COUNTERS}
# 待办: what still needs the unit — saved drafts and declarations sent back (回退).
TODO = or_(Declaration.status == workflow.DRAFT, Declaration.status == workflow.REJECTED)
DONE = Declaration.status.in_((workflow.SUBMITTED, workflow.REVIEWING, workflow.APPROVED,
                               workflow.PARTIAL, workflow.VOID))


def counts(unit_id: int) -> list[tuple[str, str, int]]:
    """(key, label, count) for each counter, in one query."""
    columns = [func.count().filter(condition).label(key) for key, _, condition in COUNTERS]
    row = db.session.execute(select(*columns).where(Declaration.unit_id == unit_id)).one()
    return [(key, label, getattr(row, key)) for key, label, _ in COUNTERS]


def listing(unit_id: int, which: str, limit: int = 200) -> list[Declaration]:
    # SQL clauses have no truth value: look the key up, never `or` the clauses together.
    lists = {**CONDITIONS, "todo": TODO, "done": DONE}
    condition = lists.get(which, TODO)
    return db.session.scalars(
        select(Declaration).where(Declaration.unit_id == unit_id, condition)
        .order_by(Declaration.updated_at.desc()).limit(limit)).all()
