"""The home page (FAB_INDEX_VIEW): the employer's unit, its six declaration counters (B1)
linking to their lists, and the way to 待办/已办 (B2); for a reviewer the queue's counts
(待受理, 我受理的, 今日已办) linking to the queue. Notices (B3) and alerts (B4) come with
their issues."""
from datetime import datetime

from flask import url_for
from flask_appbuilder import IndexView
from sqlalchemy import func, select

from app.declarations.counters import counts
from app.extensions import db
from models.declaration import Declaration
from rules import workflow
from views.review import DECIDED_TODAY
from views.tenancy import current_user, is_center


class HomeView(IndexView):
    index_template = "home.html"

    def render_template(self, template, **kwargs):
        user = current_user()
        kwargs.setdefault("unit", getattr(user, "unit", None))
        kwargs.setdefault("center", user is not None and is_center(user))
        unit_id = getattr(user, "unit_id", None)
        kwargs.setdefault("counters", counts(unit_id) if unit_id else [])
        reviews = (user is not None and not unit_id
                   and self.appbuilder.sm.has_access("can_read", "Review"))
        kwargs.setdefault("queue", queue_counts(user.id) if reviews else [])
        return super().render_template(template, **kwargs)


def queue_counts(user_id: int) -> list[tuple[str, str, int, str]]:
    """(key, label, count, link) of the reviewer's three counters, in one query."""
    today = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
    status = Declaration.status
    waiting, mine, done = db.session.execute(select(
        func.count().filter(status == workflow.SUBMITTED),
        func.count().filter((status == workflow.REVIEWING) & (Declaration.reviewer_id == user_id)),
        func.count().filter(status.in_(workflow.DECIDED) & (Declaration.reviewer_id == user_id)
                            & (Declaration.decided_at >= today)),
    ).where(status.in_((workflow.SUBMITTED, workflow.REVIEWING, *workflow.DECIDED)))).one()
    queue = "ReviewView.queue"
    return [("waiting", "待受理", waiting, url_for(queue, status=workflow.SUBMITTED)),
            ("mine", "我受理的", mine, url_for(queue, status=workflow.REVIEWING, mine=1)),
            ("done-today", "今日已办", done, url_for(queue, status=DECIDED_TODAY))]
