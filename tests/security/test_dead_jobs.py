"""Jobs whose runner died are noticed within a minute (issue 10, item 8): the runner beats every
JOB_HEARTBEAT seconds, a running job silent for JOB_STALE_AFTER (60) reads failed, a live job
with a long silent step does not, and a job failed so never turns done later. An import-like job
past its memory limit fails with a clear message, in its own process."""
import threading
import time
import uuid
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app import jobs
from app.extensions import db
from models.audit import AuditLog
from models.job import Job
from models.user import ShebaoUser
from tests.jobs.job_kinds import GATES

EMPLOYER = "37010000001"


@pytest.fixture
def runner_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "CELERY_BROKER_URL", "")  # the in-process runner
    monkeypatch.setitem(app.config, "JOB_MODULES", "tests.jobs.job_kinds")  # for a child
    return lambda **settings: [monkeypatch.setitem(app.config, k, v) for k, v in settings.items()]


def queued_job(app, kind: str, params: dict) -> str:
    """A queued job of the employer's unit, not dispatched: the test runs it in its own thread."""
    with app.app_context():
        unit = db.session.scalar(sa.select(ShebaoUser.unit_id)
                                 .where(ShebaoUser.username == EMPLOYER))
        job_id = str(uuid.uuid4())
        db.session.add(Job(id=job_id, kind=kind, status=jobs.QUEUED, done=0, total=0,
                           params=params, unit_id=unit, created_at=datetime.now()))
        db.session.commit()
    return job_id


def run_in_thread(app, job_id: str) -> tuple[threading.Thread, dict]:
    outcome = {}

    def run():
        with app.app_context():
            outcome["status"] = jobs.run_job(job_id)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def status_of(client, job_id: str) -> dict:
    response = client.get(f"/jobs/{job_id}.json")
    assert response.status_code == 200
    return response.get_json()


def until_running(client, job_id: str) -> None:
    deadline = time.monotonic() + 15
    while status_of(client, job_id)["status"] != jobs.RUNNING:
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.05)


def test_a_job_whose_runner_died_reads_failed_after_a_minute_and_never_turns_done(
        app, as_user, runner_settings):
    runner_settings(JOB_HEARTBEAT=3600)  # the runner is dead: no beat comes
    assert jobs.setting("JOB_STALE_AFTER", app) == 60
    gate, marker = uuid.uuid4().hex, f"dead-{uuid.uuid4().hex[:8]}"
    GATES[gate] = threading.Event()
    job_id = queued_job(app, "test.silent", {"gate": gate, "marker": marker})
    thread, outcome = run_in_thread(app, job_id)
    client = as_user(EMPLOYER)
    try:
        until_running(client, job_id)
        assert status_of(client, job_id)["status"] == jobs.RUNNING  # heard of just now
        with app.app_context():  # its last sign of life 61 seconds ago
            db.session.execute(sa.update(Job).where(Job.id == job_id).values(
                updated_at=datetime.now() - timedelta(seconds=61)))
            db.session.commit()
        data = status_of(client, job_id)
        assert data["status"] == jobs.FAILED and data["finished"]
        assert "任务已中断" in data["message"] and "请重新上传或重新提交" in data["message"]
    finally:
        GATES[gate].set()  # the runner was only frozen: its late work must not land
        thread.join(timeout=30)
    assert outcome["status"] == jobs.FAILED
    assert status_of(client, job_id)["status"] == jobs.FAILED
    with app.app_context():
        assert not db.session.scalar(sa.select(sa.func.count(AuditLog.id))
                                     .where(AuditLog.target_id == marker))


def test_a_live_job_with_a_long_silent_step_keeps_beating(app, as_user, runner_settings):
    runner_settings(JOB_HEARTBEAT=0.2, JOB_STALE_AFTER=1)
    gate = uuid.uuid4().hex
    GATES[gate] = threading.Event()
    job_id = queued_job(app, "test.silent", {"gate": gate})
    thread, outcome = run_in_thread(app, job_id)
    client = as_user(EMPLOYER)
    try:
        until_running(client, job_id)
        ends = time.monotonic() + 2.5  # 2.5 stale periods without a progress report
        while time.monotonic() < ends:
            assert status_of(client, job_id)["status"] == jobs.RUNNING
            time.sleep(0.1)
    finally:
        GATES[gate].set()
        thread.join(timeout=30)
    assert outcome["status"] == jobs.DONE
    assert status_of(client, job_id)["status"] == jobs.DONE


def test_an_import_job_runs_in_its_own_process_with_a_memory_limit():
    from app.batch import jobs as batch_jobs  # noqa: F401  (registers the kind)

    kind = jobs.KINDS["batch_import"]
    assert kind.isolated and kind.memory_limited


def test_a_job_past_its_memory_limit_fails_with_a_clear_message(app, runner_settings):
    runner_settings(JOB_MEMORY_LIMIT_MB=100)
    with app.app_context():
        job_id = jobs.submit("test.hog", {"mb": 400}).id
        row = jobs.wait(job_id, timeout=90)
        assert row.status == jobs.FAILED
        assert "处理所需内存超过上限（100 MB）" in row.message, row.message
        assert "请把文件分成几个较小的文件后重新上传" in row.message
        db.session.delete(row)
        db.session.commit()


def test_an_import_job_process_killed_for_memory_fails_its_job_with_a_hint(app, runner_settings):
    with app.app_context():
        job_id = jobs.submit("test.killed", {}).id
        row = jobs.wait(job_id, timeout=90)
        assert row.status == jobs.FAILED
        assert "任务进程异常退出（退出码-9）" in row.message
        assert "可能是处理所需内存超过上限（1024 MB）" in row.message, row.message
        db.session.delete(row)
        db.session.commit()
