"""For tests that change the demo city: a database of their own, so tests elsewhere still find
the demo exactly as DEMO.md describes it. A package imports ``app`` into its conftest; a module
whose changes would disturb its own package (locked accounts, a unit's new phone) says
``app = own_app("module")``."""
import pytest

from tests.support import DEMO_PERSONS, SERVER_URL, close_app, demo_app, throwaway_database


def own_app(scope: str, persons: int = DEMO_PERSONS):
    """The ``app`` fixture on a freshly loaded demo city of its own, for ``scope``."""

    @pytest.fixture(scope=scope, name="app")
    def app(tmp_path_factory):
        with throwaway_database(SERVER_URL, tmp_path_factory.mktemp("db")) as url:
            app = demo_app(url, tmp_path_factory.mktemp("instance"), persons)
            yield app
            close_app(app)

    return app


app = own_app("package")
