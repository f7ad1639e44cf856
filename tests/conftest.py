"""Fixtures shared by every test that needs the app.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL names a PostgreSQL
server: then it creates a database of its own with a unique name and drops it at the end,
because the server is shared with other runs on the machine.
"""
import shutil

import pytest

from tests.account_support import fresh_unit3  # noqa: F401  (a fixture)
from tests.support import (
    DEMO_PERSONS, SERVER_URL, close_app, demo_app, login, throwaway_database,
)

ON_POSTGRES = SERVER_URL.startswith("postgresql")


def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="PostgreSQL tests skipped: DATABASE_URL is not PostgreSQL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    with throwaway_database(SERVER_URL, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The app on a migrated database holding the demo city (small by default)."""
    app = demo_app(database_url, tmp_path_factory.mktemp("instance"), DEMO_PERSONS)
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def as_user(app):
    """``as_user("37010000001")`` gives a test client logged in as that demo account."""

    def _as(username: str):
        c = app.test_client()
        response = login(c, username)
        # FAB answers a failed login with a redirect too: back to the login page.
        assert response.status_code == 302, f"login of {username} failed"
        assert "/login" not in response.headers["Location"], f"login of {username} refused"
        return c

    return _as


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (Playwright's sync API runs one at a time in a
    thread): the e2e tests and every other browser test share it."""
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
