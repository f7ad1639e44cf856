"""FAB's AppBuilder with our links where FAB's own would send a user to a page refused to them,
and without the FAB routes the application does not use (each answered a 500)."""
from flask import url_for
from flask_appbuilder import AppBuilder
from flask_appbuilder.baseviews import BaseModelView
from flask_babel import gettext


class ShebaoAppBuilder(AppBuilder):
    @property
    def get_url_for_userinfo(self) -> str:
        """The navbar's profile link opens our account page (unit, 险种, password) for every
        role; FAB's user-admin page would refuse employers and reviewers."""
        return url_for("AccountView.settings")

    @property
    def app_name(self) -> str:
        """APP_NAME in the page's language where the catalogue has it (the default name has
        its English; a deployment's own name shows as configured)."""
        return gettext(super().app_name)

    def _check_and_init(self, baseview):
        """Every model view without FAB's generic file download: no model has a file column,
        and the route failed on its missing UPLOAD_FOLDER (a 500). Files are served by their
        own views, which check the row they belong to."""
        view = super()._check_and_init(baseview)
        if isinstance(view, BaseModelView):
            view.exclude_route_methods = {*view.exclude_route_methods, "download"}
        return view
