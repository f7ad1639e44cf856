"""The home page (FAB_INDEX_VIEW): the employer's unit and the way to its staff list.

The declaration counters (B1), tasks (B2), notices (B3) and alerts (B4) come with their issues.
"""
from flask_appbuilder import IndexView

from views.tenancy import current_user, is_center


class HomeView(IndexView):
    index_template = "home.html"

    def render_template(self, template, **kwargs):
        user = current_user()
        kwargs.setdefault("unit", getattr(user, "unit", None))
        kwargs.setdefault("center", user is not None and is_center(user))
        return super().render_template(template, **kwargs)
