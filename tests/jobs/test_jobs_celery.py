"""Background jobs (H6) through a real Celery worker and the Redis on 127.0.0.1:6379.

The worker is a subprocess (``celery -A app.celery_app worker --pool=solo``) on this package's
database, with a queue and a Redis key prefix of its own (the Redis is shared by every run on the
machine), importing the test job kinds through JOB_MODULES. Skipped when Redis does not answer;
on CI it does (.ci/run starts it)."""
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import select

from app import jobs
from app.extensions import db
from app.storage import storage
from models.user import ShebaoUser
from tests.jobs import job_kinds  # noqa: F401  (registers the kinds in this process too)

ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
BROKER = f"redis://{REDIS_HOST}:{REDIS_PORT}/0"
TIMEOUT = 60


def redis_answers() -> bool:
    try:
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=1,
                             socket_timeout=1, retry=Retry(NoBackoff(), 0))
        try:
            return bool(client.ping())
        finally:
            client.close()
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.celery,
    pytest.mark.slow,
    pytest.mark.skipif(not redis_answers(), reason=(
        f"Celery job test skipped: no Redis answers on {REDIS_HOST}:{REDIS_PORT} "
        "(start one: redis-server --bind 127.0.0.1 --port 6379; CI does)")),
]


@pytest.fixture(scope="module")
def worker(app, tmp_path_factory):
    """A Celery worker subprocess; yields (process, log path, settings for the sending app)."""
    token = f"shebao-test-{uuid.uuid4().hex[:12]}"
    settings = {"CELERY_BROKER_URL": BROKER, "CELERY_QUEUE": token,
                "CELERY_KEY_PREFIX": f"{token}:"}
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ, **settings,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "INSTANCE_DIR": str(Path(app.config["UPLOAD_DIR"]).parent),  # UPLOAD_DIR = …/uploads
        "JOB_MODULES": "tests.jobs.job_kinds",
        "APP_ENV": "testing",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "celery", "-A", "app.celery_app", "worker",
               "--pool=solo", "--concurrency=1", "-Q", token, "-n", f"{token}@%h",
               "--without-gossip", "--without-mingle", "--without-heartbeat",
               "--loglevel=INFO"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    try:
        yield process, log_path, settings
    finally:
        _stop(process)
        _forget_keys(settings["CELERY_KEY_PREFIX"])
        jobs.shutdown(app)  # the sender made for this broker


def _stop(process) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # warm shutdown
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _forget_keys(prefix: str) -> None:
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=2,
                         socket_timeout=5)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)
    except redis.RedisError:
        pass
    finally:
        client.close()


def _log_tail(log_path: Path) -> str:
    try:
        return log_path.read_text(errors="replace")[-4000:]
    except OSError:
        return ""


def run_on_worker(app, worker, monkeypatch, kind, params, unit_id=None):
    """Submit through Celery and wait (at most TIMEOUT s) for the end; returns (row, progress
    states seen while it ran)."""
    process, log_path, settings = worker
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)
    seen = []
    with app.app_context():
        job_id = jobs.submit(kind, params, unit_id=unit_id).id
        deadline = time.monotonic() + TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"the Celery worker exited ({process.returncode}):\n"
                            f"{_log_tail(log_path)}")
            try:
                row = jobs.wait(job_id, timeout=0.1, interval=0.05)
                break
            except TimeoutError:
                current = jobs.get(job_id)
                seen.append((current.status, current.done, current.total))
            if time.monotonic() > deadline:
                pytest.fail(f"job {job_id} not finished after {TIMEOUT} s: {seen[-1:]}\n"
                            f"{_log_tail(log_path)}")
        db.session.expunge(row)
    return row, seen


def test_celery_worker_runs_a_job_with_progress_and_result(app, worker, monkeypatch):
    with app.app_context():
        unit_id = db.session.scalar(
            select(ShebaoUser.unit_id).where(ShebaoUser.username == "37010000001"))
    row, seen = run_on_worker(app, worker, monkeypatch, "test.count",
                              {"n": 30, "delay": 0.1}, unit_id=unit_id)
    assert row.status == "done", f"{row.message}\n{_log_tail(worker[1])}"
    assert (row.done, row.total) == (30, 30) and row.unit_id == unit_id
    assert row.result["count"] == 30 and row.result["units"] > 0
    assert row.result["pid"] not in (os.getpid(), None)  # it ran in the worker
    running = [done for status, done, total in seen if status == "running" and total == 30]
    assert any(0 < done < 30 for done in running), f"no progress seen while running: {seen}"
    with app.app_context():
        key = row.result_file.split("/")[0]
        assert storage().get(key).decode("utf-8").splitlines()[-1] == "30,900"


def test_celery_worker_records_a_failure(app, worker, monkeypatch):
    row, _ = run_on_worker(app, worker, monkeypatch, "test.fail",
                           {"marker": uuid.uuid4().hex[:12], "at": 4})
    assert row.status == "failed"
    assert row.message == "任务执行失败：ValueError: 第4行身份证号码错误"
