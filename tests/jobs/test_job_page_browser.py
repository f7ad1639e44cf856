"""The job page in a real browser: job_progress.js moves the bar while the job runs, then goes to
``next`` (or reloads to show the result), with no CSP complaint."""
import shutil
import threading
import uuid

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app import jobs
from app.extensions import db
from models.user import ShebaoUser
from tests.jobs.job_kinds import GATES
from tests.support import PASSWORDS, browser_login

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
EMPLOYER = "37010000001"


@pytest.fixture(scope="module")
def live(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def in_browser(live, scenario, timeout=90):
    """Run ``scenario(page)`` logged in as the employer, in a thread with a Playwright (and a
    Chromium) of its own: the sync API allows one Playwright per thread, and tests/e2e keeps its
    session-wide one open in the main thread. Returns what the page complained about."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip("chromium is not installed (apt-get install chromium)")
    outcome = {}

    def run():
        try:
            with sync_api.sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run"])
                try:
                    page = browser.new_context(locale="zh-CN").new_page()
                    page.set_default_timeout(15000)
                    outcome["complaints"] = watch(page)
                    browser_login(page, live, EMPLOYER, PASSWORDS[EMPLOYER])
                    scenario(page, sync_api.expect)
                finally:
                    browser.close()
        except BaseException as error:  # handed to the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"the browser did not finish in {timeout} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["complaints"]


def watch(page) -> list:
    """Console errors (a CSP refusal among them), script errors and failed requests of the page;
    "Failed to load resource" is left to the response hook, which names the URL (the browser's
    own /favicon.ico probe is no request of the page's)."""
    complaints = []
    page.on("console", lambda m: m.type == "error" and not m.text.startswith(
        "Failed to load resource") and complaints.append(m.text))
    page.on("pageerror", lambda e: complaints.append(str(e)))
    page.on("response", lambda r: r.status >= 400 and complaints.append(f"{r.status} {r.url}"))
    return complaints


@pytest.fixture
def gated_job(app):
    """A job of the employer's unit held half-way until the test opens its gate."""
    gate = uuid.uuid4().hex
    GATES[gate] = threading.Event()
    with app.app_context():
        unit_id = db.session.scalar(
            select(ShebaoUser.unit_id).where(ShebaoUser.username == EMPLOYER))
        job_id = jobs.submit("test.count", {"n": 6, "gate": gate}, unit_id=unit_id).id
    yield job_id, GATES[gate]
    GATES[gate].set()


def test_bar_moves_then_the_page_goes_to_next(live, gated_job):
    job_id, gate = gated_job

    def scenario(page, expect):
        page.goto(f"{live}/jobs/{job_id}/?next=/tasks/")
        expect(page.locator("#job-message")).to_have_text("等待放行")
        assert page.get_attribute("#job-bar", "aria-valuenow") == "50"
        assert page.inner_text("#job-status") == "进行中"
        gate.set()
        page.wait_for_url(f"{live}/tasks/**")

    assert in_browser(live, scenario) == []


def test_without_next_the_finished_page_offers_the_result(live, gated_job):
    job_id, gate = gated_job

    def scenario(page, expect):
        page.goto(f"{live}/jobs/{job_id}/")
        assert page.is_hidden("#job-result")
        gate.set()
        page.wait_for_selector("#job-result:not(.hidden)")
        assert page.get_attribute("#job-bar", "aria-valuenow") == "100"
        assert page.inner_text("#job-status") == "已完成"
        with page.expect_download() as download:
            page.click("#job-result")
        assert download.value.suggested_filename == "平方表.csv"

    assert in_browser(live, scenario) == []
