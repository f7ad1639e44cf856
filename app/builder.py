"""FAB's AppBuilder with our links where FAB's own would send a user to a page refused to them."""
from flask import url_for
from flask_appbuilder import AppBuilder
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
