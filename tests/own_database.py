"""For test packages that change the demo city: their own database, so tests elsewhere still
find the demo exactly as DEMO.md describes it. Import ``app`` into the package's conftest."""
import pytest

from tests.support import DEMO_PERSONS, SERVER_URL, close_app, demo_app, throwaway_database


@pytest.fixture(scope="package")
def app(tmp_path_factory):
    with throwaway_database(SERVER_URL, tmp_path_factory.mktemp("db")) as url:
        app = demo_app(url, tmp_path_factory.mktemp("instance"), DEMO_PERSONS)
        yield app
        close_app(app)
