"""Background jobs (H6) with the in-process runner: progress, result, failure, and the job page."""
import re
import threading
import time
import uuid

import pytest
from sqlalchemy import func, select

from app import jobs
from app.extensions import db
from app.storage import storage
from models.audit import AuditLog
from models.job import Job
from models.user import ShebaoUser
from tests.jobs.job_kinds import GATES

EMPLOYER, OTHER_EMPLOYER, REVIEWER = "37010000001", "37010000002", "reviewer"


@pytest.fixture
def unit_of(app):
    def _unit_of(username):
        with app.app_context():
            return db.session.scalar(
                select(ShebaoUser.unit_id).where(ShebaoUser.username == username))
    return _unit_of


@pytest.fixture
def submit(app):
    """Submit a job from an app context, as a view would; returns its id."""
    def _submit(kind, params, unit_id=None):
        with app.app_context():
            return jobs.submit(kind, params, unit_id=unit_id).id
    return _submit


def finished(app, job_id, timeout=30):
    with app.app_context():
        row = jobs.wait(job_id, timeout=timeout)
        db.session.expunge(row)
        return row


def poll_json(client, job_id, until, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        data = client.get(f"/jobs/{job_id}.json").get_json()
        if until(data):
            return data
        assert time.monotonic() < deadline, f"job never reached the state: {data}"
        time.sleep(0.05)


def test_job_reports_progress_and_keeps_its_result(app, submit, unit_of, as_user):
    gate = uuid.uuid4().hex
    GATES[gate] = threading.Event()
    job_id = submit("test.count", {"n": 10, "gate": gate}, unit_id=unit_of(EMPLOYER))
    reviewer = as_user(REVIEWER)
    try:
        half = poll_json(reviewer, job_id, lambda d: d["message"] == "等待放行")
        assert half["status"] == "running" and not half["finished"]
        assert (half["done"], half["total"], half["percent"]) == (5, 10, 50)
        assert half["result"] is None and half["result_url"] is None
    finally:
        GATES[gate].set()
    row = finished(app, job_id)
    assert row.status == "done", row.message
    assert (row.done, row.total) == (10, 10)
    assert row.result["count"] == 10 and row.result["units"] > 0
    assert row.started_at and row.finished_at and row.created_at <= row.started_at

    data = reviewer.get(f"/jobs/{job_id}.json").get_json()
    assert data["finished"] and data["percent"] == 100 and data["status_name"] == "已完成"
    assert data["result"]["count"] == 10
    assert data["result_url"] == f"/jobs/{job_id}/result"
    download = as_user(EMPLOYER).get(data["result_url"])
    assert download.status_code == 200
    assert download.data.decode("utf-8").splitlines()[-1] == "10,100"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "%E5%B9%B3%E6%96%B9%E8%A1%A8.csv" in download.headers["Content-Disposition"]
    assert download.headers["Content-Type"].startswith("text/csv")
    with app.app_context():  # the file is the content-addressed copy in the storage
        assert storage().get(row.result_file.split("/")[0]) == download.data


def test_failing_job_is_failed_with_its_message_and_its_work_undone(app, submit, as_user):
    marker = uuid.uuid4().hex[:12]
    job_id = submit("test.fail", {"marker": marker, "at": 3})
    row = finished(app, job_id)
    assert row.status == "failed"
    assert row.message == "任务执行失败：ValueError: 第3行身份证号码错误"
    assert (row.done, row.total) == (2, 10)  # the progress it reached stays visible
    assert row.result is None and row.result_file is None and row.finished_at
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditLog.id))
                                      .where(AuditLog.target_id == marker)) == 0
    reviewer = as_user(REVIEWER)
    data = reviewer.get(f"/jobs/{job_id}.json").get_json()
    assert data["status"] == "failed" and data["finished"] and data["status_name"] == "失败"
    assert "第3行身份证号码错误" in data["message"]
    assert reviewer.get(f"/jobs/{job_id}/result").status_code == 404
    page = reviewer.get(f"/jobs/{job_id}/").get_data(as_text=True)
    assert "progress-bar-danger" in page and "第3行身份证号码错误" in page


def test_job_commits_its_batches_and_what_it_leaves_open(app, submit):
    marker = uuid.uuid4().hex[:12]
    row = finished(app, submit("test.write", {"marker": marker, "n": 30, "batch": 10}))
    assert row.status == "done", row.message
    assert row.result == {"written": 31} and (row.done, row.total) == (30, 31)
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditLog.id))
                                      .where(AuditLog.target_id == marker)) == 31


def test_unknown_kind_or_params_that_are_not_json_are_refused(app):
    with app.app_context():
        before = db.session.scalar(select(func.count(Job.id)))
        with pytest.raises(LookupError):
            jobs.submit("test.no-such-kind", {})
        with pytest.raises(TypeError):
            jobs.submit("test.count", {"n": object()})
        assert db.session.scalar(select(func.count(Job.id))) == before


def test_run_job_never_runs_a_job_twice(app, submit):
    row = finished(app, submit("test.count", {"n": 2}))
    with app.app_context():
        assert jobs.run_job(row.id) == "done"  # already done: left alone
        assert jobs.run_job("no-such-job") is None
        assert jobs.get(row.id).finished_at == row.finished_at


def test_progress_writes_are_throttled(app, monkeypatch):
    writes = []
    monkeypatch.setattr(jobs, "write", lambda job_id, **values: writes.append(values))
    with app.app_context():
        ctx = jobs.JobContext("x", "test.count")
        for i in range(1000):
            ctx.progress(i, 1000)
        ctx.progress(500, 1000, "强制", force=True)
        ctx.progress(1000, 1000)
    assert writes[0] == {"done": 0, "total": 1000}
    assert {"done": 500, "total": 1000, "message": "强制"} in writes
    assert writes[-1] == {"done": 1000, "total": 1000}
    assert len(writes) < 10


def test_a_job_whose_runner_went_silent_is_failed_when_read(app, as_user, unit_of):
    """A runner that died (restart, killed worker) leaves its job running: once no heartbeat
    has come for JOB_STALE_AFTER seconds, the page shows it failed, not running forever. A
    queued job only waits for a free runner: it is failed after JOB_QUEUED_STALE_AFTER."""
    from datetime import datetime, timedelta

    unit = unit_of(EMPLOYER)
    now = datetime.now()
    silent = now - timedelta(seconds=jobs.setting("JOB_STALE_AFTER", app) + 1)
    forgotten = now - timedelta(seconds=jobs.setting("JOB_QUEUED_STALE_AFTER", app) + 1)
    rows = {"dead": (jobs.RUNNING, silent, silent), "never_started": (jobs.QUEUED, None, forgotten),
            "waiting": (jobs.QUEUED, None, silent), "alive": (jobs.RUNNING, now, silent)}
    ids = {}
    with app.app_context():
        for name, (status, updated, created) in rows.items():
            ids[name] = str(uuid.uuid4())
            db.session.add(Job(id=ids[name], kind="test.count", status=status, done=3, total=10,
                               params={}, unit_id=unit, created_at=created,
                               updated_at=updated))
        db.session.commit()
    client = as_user(EMPLOYER)
    for name in ("dead", "never_started"):
        data = client.get(f"/jobs/{ids[name]}.json").get_json()
        assert data["status"] == jobs.FAILED, name
        assert "任务已中断" in data["message"] and "请重新上传或重新提交" in data["message"]
    assert client.get(f"/jobs/{ids['alive']}.json").get_json()["status"] == jobs.RUNNING
    assert client.get(f"/jobs/{ids['waiting']}.json").get_json()["status"] == jobs.QUEUED
    with app.app_context():
        assert jobs.run_job(ids["never_started"]) == jobs.FAILED  # a late delivery: not run
        db.session.query(Job).filter(Job.id.in_(ids.values())).delete()
        db.session.commit()


def test_an_isolated_job_runs_in_a_process_of_its_own(app, submit, unit_of, as_user,
                                                      monkeypatch):
    """Memory-hungry kinds (the big print) run in a child, which returns the memory when it
    ends; the job row, its result file and the page work as for any job."""
    import os

    monkeypatch.setitem(app.config, "JOB_MODULES", "tests.jobs.job_kinds")  # for the child
    job_id = submit("test.isolated", {"n": 5}, unit_id=unit_of(EMPLOYER))
    row = finished(app, job_id, timeout=90)
    assert row.status == jobs.DONE, row.message
    assert row.result["pid"] != os.getpid() and row.result["units"] > 0
    client = as_user(EMPLOYER)
    assert client.get(f"/jobs/{job_id}/result").data == b"ok\n"


def test_an_isolated_job_whose_process_dies_is_failed(app, submit, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_MODULES", "tests.jobs.job_kinds")
    row = finished(app, submit("test.crash", {}), timeout=90)
    assert row.status == jobs.FAILED
    assert "任务进程异常退出（退出码3）" in row.message


def test_job_kinds_are_registered_once():
    with pytest.raises(ValueError, match="already registered"):
        jobs.job("test.count")(lambda ctx: None)
    with pytest.raises(ValueError):
        jobs.job("x" * 41)


def test_a_broker_that_does_not_answer_fails_the_job_instead_of_losing_it(app, monkeypatch):
    monkeypatch.setitem(app.config, "CELERY_BROKER_URL", "redis://127.0.0.1:9/0")  # discard port
    with app.app_context():
        started = time.monotonic()
        row = jobs.submit("test.count", {"n": 1})
        assert time.monotonic() - started < 30
        assert row.status == "failed" and row.message.startswith("任务提交失败：")
    jobs.shutdown(app)  # drop the sender made for the dead broker


# --- the page, the JSON and the file: tenancy ------------------------------------------------
@pytest.fixture(scope="module")
def unit_job(app):
    """A finished job of 37010000001's unit, with a result file, and a center job."""
    with app.app_context():
        unit_id = db.session.scalar(
            select(ShebaoUser.unit_id).where(ShebaoUser.username == EMPLOYER))
        own = jobs.submit("test.count", {"n": 3}, unit_id=unit_id).id
        center = jobs.submit("test.count", {"n": 3}).id
        assert jobs.wait(own, 30).status == jobs.wait(center, 30).status == "done"
    return own, center


@pytest.mark.parametrize("path", ["/jobs/{}/", "/jobs/{}.json", "/jobs/{}/result"])
def test_employer_reaches_only_its_own_units_jobs(as_user, unit_job, path):
    own, center = unit_job
    assert as_user(EMPLOYER).get(path.format(own)).status_code == 200
    assert as_user(OTHER_EMPLOYER).get(path.format(own)).status_code == 404
    assert as_user(EMPLOYER).get(path.format(center)).status_code == 404
    assert as_user(REVIEWER).get(path.format(own)).status_code == 200
    assert as_user(REVIEWER).get(path.format(center)).status_code == 200
    assert as_user(EMPLOYER).get(path.format(uuid.uuid4())).status_code == 404


def test_anonymous_users_are_sent_to_the_login(client, unit_job):
    for path in ("/jobs/{}/", "/jobs/{}.json", "/jobs/{}/result"):
        response = client.get(path.format(unit_job[0]))
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_page_has_a_progress_bar_and_no_inline_script(app, submit, as_user, unit_of):
    gate = uuid.uuid4().hex
    GATES[gate] = threading.Event()
    job_id = submit("test.count", {"n": 4, "gate": gate}, unit_id=unit_of(EMPLOYER))
    employer = as_user(EMPLOYER)
    try:
        poll_json(employer, job_id, lambda d: d["message"] == "等待放行")
        response = employer.get(f"/jobs/{job_id}/?next=/tasks/")
    finally:
        GATES[gate].set()
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "script-src 'self' 'nonce-" in response.headers["Content-Security-Policy"]
    bar = re.search(r'<div id="job-bar" class="progress-bar ([^"]*)"[^>]*>', page).group(0)
    assert "active" in bar and 'aria-valuenow="50"' in bar and "width: 50%" in bar
    assert f'data-status-url="/jobs/{job_id}.json"' in page
    assert 'data-status="running"' in page and 'data-next="/tasks/"' in page
    assert '<script src="/static/js/job_progress.js"></script>' in page
    for tag in re.findall(r"<script\b[^>]*>", page):  # only files, or FAB's own with the nonce
        assert "src=" in tag or "nonce=" in tag, tag
    assert "测试任务" in page and "进行中" in page
    assert finished(app, job_id).status == "done"
    script = app.test_client().get("/static/js/job_progress.js")
    assert script.status_code == 200 and b"setTimeout(poll, 1000)" in script.data
    script.close()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example",
                                    "javascript:alert(1)"])
def test_next_goes_nowhere_but_this_site(as_user, unit_job, target):
    page = as_user(REVIEWER).get(f"/jobs/{unit_job[0]}/", query_string={"next": target})
    assert 'data-next=""' in page.get_data(as_text=True)


def test_finished_page_links_the_result(as_user, unit_job):
    page = as_user(EMPLOYER).get(f"/jobs/{unit_job[0]}/").get_data(as_text=True)
    assert f'href="/jobs/{unit_job[0]}/result"' in page and "progress-bar-success" in page
    assert 'data-status="done"' in page and "100%" in page


def test_the_same_job_asked_again_while_it_runs_is_joined(app, unit_of, as_user):
    """submit_once: a second click on 打印 joins the running print; other parameters, another
    user or a finished job start a new one."""
    gate = uuid.uuid4().hex
    GATES[gate] = threading.Event()
    unit = unit_of(EMPLOYER)
    with app.app_context():
        employer, other = (db.session.scalar(select(ShebaoUser.id).where(
            ShebaoUser.username == name)) for name in (EMPLOYER, REVIEWER))
        params = {"n": 4, "gate": gate}
        first = jobs.submit_once("test.count", params, unit_id=unit, user_id=employer).id
        try:
            assert jobs.submit_once("test.count", dict(params), unit_id=unit,
                                    user_id=employer).id == first
            others = [jobs.submit_once("test.count", {**params, "n": 5}, unit_id=unit,
                                       user_id=employer).id,
                      jobs.submit_once("test.count", params, unit_id=unit, user_id=other).id]
            assert first not in others and len(set(others)) == 2
        finally:
            GATES[gate].set()
        for job_id in (first, *others):
            assert jobs.wait(job_id, timeout=30).status == jobs.DONE
        again = jobs.submit_once("test.count", params, unit_id=unit, user_id=employer).id
        assert again != first
        assert jobs.wait(again, timeout=30).status == jobs.DONE
