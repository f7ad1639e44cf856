"""A real browser (Playwright driving Debian's /usr/bin/chromium) against the app served on a
free 127.0.0.1 port from a thread, on the suite's own database, with CSRF switched on."""
import shutil

import pytest

from tests.support import served, shots_folder

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="session")
def live_server(app, database_url, tmp_path_factory):
    """The demo app (already loaded by the ``app`` fixture) served over HTTP."""
    with served(database_url, tmp_path_factory.mktemp("e2e")) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def shots(tmp_path):
    """Where the screens of a browser test are saved to be looked at."""
    return shots_folder(tmp_path)
