"""The home page (FAB_INDEX_VIEW): the employer's unit, its six declaration counters (B1)
linking to their lists, and the way to 待办/已办 (B2). Notices (B3) and alerts (B4) come with
their issues."""
from flask_appbuilder import IndexView

from app.declarations.counters import counts
from views.tenancy import current_user, is_center


class HomeView(IndexView):
    index_template = "home.html"

    def render_template(self, template, **kwargs):
        user = current_user()
        kwargs.setdefault("unit", getattr(user, "unit", None))
        kwargs.setdefault("center", user is not None and is_center(user))
        unit_id = getattr(user, "unit_id", None)
        kwargs.setdefault("counters", counts(unit_id) if unit_id else [])
        return super().render_template(template, **kwargs)
