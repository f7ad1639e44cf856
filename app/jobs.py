"""Background jobs (H6): imports, exports and bulk effects that outlast a request, with progress.

A job kind is a function registered once with ``@job("kind", title=_l("…"))`` and called as
``fn(ctx, **params)`` with a ``JobContext``: ``ctx.progress(done, total, message)`` while it
works, ``ctx.save_result(data, filename)`` for a file to download, ``ctx.result = {...}``
(JSON-able) for what the next page shows. Returning a dict sets ``ctx.result`` too.

``submit(kind, params, unit_id=None, user_id=None)`` writes the Job row (queued, committed) and
hands its id to a runner: Celery (task ``shebao.run_job`` of app/celery_app.py, queue
CELERY_QUEUE) when CELERY_BROKER_URL is set, else a small thread pool owned by this app
(JOB_THREADS, default 2). Both runners (app/job_dispatch.py) call ``run_job(job_id)`` inside an app context of their own,
so a job has its own ``db.session``. The Job row is the single source of truth: every status
change and progress report is written in a short transaction of its own, on a connection of its
own, so the page (``/jobs/<id>/``) sees it while the job runs. An exception marks the job failed
with its text in ``message`` (and the traceback in the log); nothing is lost silently.

A running job's runner beats (``updated_at``) every JOB_HEARTBEAT seconds from a side thread, so
a long silent step still shows it alive; a running job not heard of for JOB_STALE_AFTER seconds
(default 60) is failed when read: its process died (killed, a restart, out of memory). A queued
job waits for a free runner, which may take long: it is failed after JOB_QUEUED_STALE_AFTER.
The job's work and its "done" are committed in one transaction, and only while it is still
running: a job failed as stale never turns done later.

Memory: ``memory_limited`` kinds (imports) run with an address-space limit (RLIMIT_AS,
JOB_MEMORY_LIMIT_MB above what the process has when the job starts) where they have a process of
their own (the in-process runner's child for ``isolated`` kinds, a Celery worker); running out
fails that job with a clear message, never the web server.

Rules for a job function: ``params`` must be JSON-able; commit your own work (``db.session``) in
batches before calling ``progress`` — on SQLite a second connection cannot write while your
session holds uncommitted writes (set-based SQL per batch, ARCHITECTURE.md). Whatever the function
leaves uncommitted is committed when it returns and rolled back when it raises.

Job kinds live in modules the worker imports: ``APP_JOB_MODULES`` (the app's own) plus
JOB_MODULES (comma-separated import paths), loaded by ``load_job_modules()``.
"""
import importlib
import json
import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app import job_dispatch
from app.extensions import db
from app.job_guards import heartbeat, memory_limit
from app.storage import storage
from models.job import Job

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
FINISHED = (DONE, FAILED)
STATUS_NAMES = {QUEUED: _l("排队中"), RUNNING: _l("进行中"), DONE: _l("已完成"), FAILED: _l("失败")}
TASK_NAME = "shebao.run_job"
APP_JOB_MODULES: tuple[str, ...] = (  # the app's own job kinds
    "app.batch.jobs", "reports.jobs", "app.money.assessment_job", "app.money.payment_jobs",
    "app.certificate.jobs")
DEFAULTS = {"JOB_THREADS": 2, "JOB_MODULES": "", "JOB_PROGRESS_INTERVAL": 0.5,
            "JOB_STALE_AFTER": 60, "JOB_QUEUED_STALE_AFTER": 900, "JOB_HEARTBEAT": 10,
            "JOB_MEMORY_LIMIT_MB": 1024,
            "CELERY_BROKER_URL": "", "CELERY_QUEUE": "shebao", "CELERY_KEY_PREFIX": ""}
MESSAGE_LIMIT = 2000
STALE_MESSAGE = "任务已中断：处理进程已停止运行（退出或服务重启），结果未保存，请重新上传或重新提交"

log = logging.getLogger(__name__)
LOCK = threading.Lock()


@dataclass(frozen=True)
class JobKind:
    kind: str
    fn: Callable
    title: object  # a lazy_gettext string, or the kind itself
    isolated: bool = False  # the in-process runner runs it in a child process of its own
    memory_limited: bool = False  # JOB_MEMORY_LIMIT_MB where it has a process of its own


KINDS: dict[str, JobKind] = {}


def job(kind: str, title=None, isolated: bool = False, memory_limited: bool = False):
    """Register ``fn(ctx, **params)`` as the job kind ``kind`` (at most 40 characters);
    ``title`` (a ``lazy_gettext`` string) heads the job's page. ``isolated`` kinds need much
    memory for a while (a 10,000-row PDF: ~1.5 GB): the in-process runner gives each run a
    child process, so the memory goes back to the system when it ends instead of staying
    with the web server. Celery workers are separate processes already. ``memory_limited``
    kinds (user uploads) get JOB_MEMORY_LIMIT_MB there: a file that needs more fails its job."""
    if not kind or len(kind) > 40:
        raise ValueError(f"job kind must have 1 to 40 characters: {kind!r}")

    def register(fn):
        known = KINDS.get(kind)
        if known is not None and _name_of(known.fn) != _name_of(fn):
            raise ValueError(f"job kind {kind!r} is already registered by {_name_of(known.fn)}")
        KINDS[kind] = JobKind(kind, fn, title or kind, isolated, memory_limited)
        return fn

    return register


def _name_of(fn) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def setting(name: str, app=None):
    """A job setting: the app's config, else the environment, else the default."""
    config = (app or current_app).config
    if name in config:
        return config[name]
    return os.environ.get(name, DEFAULTS[name])


def load_job_modules(app=None) -> None:
    """Import every module that registers job kinds (idempotent)."""
    extra = setting("JOB_MODULES", app) or ""
    if isinstance(extra, str):
        extra = extra.split(",")
    for name in (*APP_JOB_MODULES, *extra):
        if name.strip():
            importlib.import_module(name.strip())


def kind_of(name: str) -> JobKind:
    if name not in KINDS:
        load_job_modules()
    if name not in KINDS:
        raise LookupError(f"未知的任务类型：{name}")
    return KINDS[name]


class JobContext:
    """What a running job function sees of its Job row."""

    def __init__(self, job_id: str, kind: str, unit_id=None, user_id=None):
        self.job_id, self.kind, self.unit_id, self.user_id = job_id, kind, unit_id, user_id
        self.result = None
        self.result_file = None
        self._written_at = None
        self._unwritten = {}

    def progress(self, done: int, total: int, message: str | None = None, force=False) -> None:
        """Record progress for the page. Written at most every JOB_PROGRESS_INTERVAL seconds,
        except the first report, the last (``done >= total``) and ``force=True``."""
        now = time.monotonic()
        values = {"done": int(done), "total": int(total)}
        if message is not None:
            values["message"] = str(message)[:MESSAGE_LIMIT]
        final = total and done >= total
        interval = float(setting("JOB_PROGRESS_INTERVAL"))
        if not (force or final or self._written_at is None
                or now - self._written_at >= interval):
            self._unwritten.update(values)  # written with the final status at the latest
            return
        write(self.job_id, **values)
        self._written_at, self._unwritten = now, {}

    def unwritten(self) -> dict:
        """The latest progress the throttle held back (empty when all was written)."""
        return dict(self._unwritten)

    def save_result(self, data: bytes, filename: str) -> str:
        """Store the result file (content-addressed) and link it to the job on completion.
        Returns the storage key."""
        key = storage().put(data)
        name = os.path.basename(str(filename).replace("\\", "/")).strip() or "result"
        self.result_file = f"{key}/{name[:120]}"
        return key


def result_file_parts(job_row) -> tuple[str, str] | None:
    """(storage key, file name) of a job's result file, or None."""
    if not job_row.result_file or "/" not in job_row.result_file:
        return None
    key, name = job_row.result_file.split("/", 1)
    return key, name


# --- submitting ----------------------------------------------------------------------------
def submit(kind: str, params: dict | None = None, unit_id=None, user_id=None) -> Job:
    """Insert the Job row (queued, committed with the caller's session) and dispatch it."""
    kind_of(kind)  # an unknown kind is a programming error: refuse before writing anything
    params = dict(params or {})
    json.dumps(params)  # TypeError now, not in the worker
    row = Job(id=str(uuid.uuid4()), kind=kind, status=QUEUED, done=0, total=0, params=params,
              unit_id=unit_id, user_id=user_id, created_at=datetime.now())
    db.session.add(row)
    db.session.commit()
    try:
        job_dispatch.dispatch(current_app._get_current_object(), row.id, kind_of(kind))
    except Exception as error:  # the broker is down, the pool is shut down …
        log.exception("job %s could not be dispatched", row.id)
        write(row.id, only_from=(QUEUED,), status=FAILED, finished_at=datetime.now(),
               message=f"任务提交失败：{_describe(error)}"[:MESSAGE_LIMIT])
        db.session.refresh(row)
    return row


def submit_once(kind: str, params: dict | None = None, unit_id=None, user_id=None) -> Job:
    """``submit``, unless this user already has the same job queued or running: a second click
    on 打印 while the first print renders joins it instead of rendering it all again. (Two
    clicks in the same instant may still start two.)"""
    params = dict(params or {})
    candidates = db.session.scalars(
        sa.select(Job.id).where(Job.kind == kind, Job.user_id == user_id, Job.unit_id == unit_id,
                                Job.status.in_((QUEUED, RUNNING)))
        .order_by(Job.created_at.desc())).all()
    for job_id in candidates:
        row = get(job_id)  # a stale one is failed here, and not joined
        if row.status in (QUEUED, RUNNING) and row.params == params:
            return row
    return submit(kind, params, unit_id=unit_id, user_id=user_id)


def shutdown(app, wait: bool = True) -> None:
    """Stop the app's runners (app.job_dispatch), where the app is torn down."""
    job_dispatch.shutdown(app, wait)


# --- running -------------------------------------------------------------------------------
def run_job(job_id: str, own_process: bool = False) -> str | None:
    """Run one queued job to its end; returns its final status (None: no such job). A job that
    another runner already started is left alone, so a redelivered task never runs twice.
    ``own_process``: this process runs this job only (a child, a Celery worker), so a
    ``memory_limited`` kind gets its address-space limit here."""
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(Job.kind, Job.params, Job.unit_id, Job.user_id, Job.status)
                           .where(Job.id == job_id)).first()
    if row is None:
        log.warning("job %s: no such job", job_id)
        return None
    if not write(job_id, only_from=(QUEUED,), status=RUNNING, started_at=datetime.now()):
        log.info("job %s: already %s, not run again", job_id, row.status)
        return row.status
    ctx = JobContext(job_id, row.kind, row.unit_id, row.user_id)
    engine = db.engine  # the heartbeat thread has no app context
    try:
        kind = kind_of(row.kind)
        memory_mb = int(setting("JOB_MEMORY_LIMIT_MB") or 0) \
            if own_process and kind.memory_limited else 0
        with heartbeat(float(setting("JOB_HEARTBEAT")), job_id,
                       lambda: write(job_id, only_from=(RUNNING,), engine=engine)), \
                memory_limit(memory_mb):
            returned = kind.fn(ctx, **(row.params or {}))
        if ctx.result is None and isinstance(returned, dict):
            ctx.result = returned
        result = json.loads(json.dumps(ctx.result)) if ctx.result is not None else None
        # The work and "done" in one transaction, and only if the job still runs: a job shown
        # failed (its runner silent too long) must not turn done, nor its work land, later.
        done = db.session.execute(
            sa.update(Job).where(Job.id == job_id, Job.status == RUNNING).values(
                status=DONE, result=result, result_file=ctx.result_file,
                finished_at=datetime.now(), updated_at=datetime.now(), **ctx.unwritten()),
            execution_options={"synchronize_session": False}).rowcount
        if not done:
            db.session.rollback()
            log.warning("job %s: failed while it ran (its runner was silent), work undone", job_id)
            return FAILED
        db.session.commit()
        return DONE
    except BaseException as error:
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, row.kind)
        interrupted = not isinstance(error, Exception)
        text = "任务被中断" if interrupted else f"任务执行失败：{_describe(error)}"
        try:
            write(job_id, **{**ctx.unwritten(), "status": FAILED,
                              "message": text[:MESSAGE_LIMIT], "finished_at": datetime.now()})
        except Exception:
            log.exception("job %s: could not record the failure", job_id)
        if interrupted:
            raise
        return FAILED


def _describe(error: BaseException) -> str:
    from app.errors import DomainError

    if isinstance(error, MemoryError):
        return (f"处理所需内存超过上限（{setting('JOB_MEMORY_LIMIT_MB')} MB），"
                "请把文件分成几个较小的文件后重新上传")
    text = str(error) or type(error).__name__
    return text if isinstance(error, DomainError) else f"{type(error).__name__}: {text}"


def write(job_id: str, only_from=None, engine=None, **values) -> int:
    """Update the Job row in a transaction of its own; returns the number of rows changed.
    Every write is also the runner's sign of life (``updated_at``). ``engine``: for a thread
    without the app context (the heartbeat)."""
    statement = sa.update(Job).where(Job.id == job_id).values(
        **{"updated_at": datetime.now(), **values})
    if only_from:
        statement = statement.where(Job.status.in_(only_from))
    with (engine or db.engine).begin() as conn:
        return conn.execute(statement).rowcount


# --- reading -------------------------------------------------------------------------------
def get(job_id: str) -> Job | None:
    """The Job row as it is now in the database (never a stale copy from the session). A
    running job whose runner has not been heard of for JOB_STALE_AFTER seconds (it beats every
    JOB_HEARTBEAT) is failed first: the process that ran it is gone (killed, a restart), and the
    page must not show it running. A queued one is failed after JOB_QUEUED_STALE_AFTER."""
    _fail_if_stale(job_id)
    return db.session.get(Job, job_id, populate_existing=True)


def _fail_if_stale(job_id: str) -> None:
    now = datetime.now()
    last_heard = sa.func.coalesce(Job.updated_at, Job.started_at, Job.created_at)
    silent_since = {
        RUNNING: now - timedelta(seconds=float(setting("JOB_STALE_AFTER"))),
        QUEUED: now - timedelta(seconds=float(setting("JOB_QUEUED_STALE_AFTER")))}
    with db.engine.connect() as conn:  # read first: most reads find it alive, and need no lock
        row = conn.execute(sa.select(Job.status, last_heard.label("heard"))
                           .where(Job.id == job_id)).first()
    if row is None or row.status not in silent_since or row.heard >= silent_since[row.status]:
        return
    with db.engine.begin() as conn:  # the same test again: a beat may have come meanwhile
        failed = conn.execute(
            sa.update(Job).where(Job.id == job_id, Job.status == row.status,
                                 last_heard < silent_since[row.status])
            .values(status=FAILED, message=STALE_MESSAGE, finished_at=now, updated_at=now)
        ).rowcount
    if failed:
        log.warning("job %s: %s, no word from its runner since %s, marked failed", job_id,
                    row.status, row.heard)


def wait(job_id: str, timeout: float = 60, interval: float = 0.2) -> Job:
    """Poll until the job is done or failed; TimeoutError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    query = sa.select(Job.status, Job.done, Job.total).where(Job.id == job_id)
    while True:
        with db.engine.connect() as conn:  # not the caller's session: it may be mid-transaction
            row = conn.execute(query).first()
        if row is None:
            raise LookupError(f"no job {job_id}")
        if row.status in FINISHED:
            return get(job_id)
        if time.monotonic() >= deadline:
            raise TimeoutError(f"job {job_id} still {row.status} after {timeout} s "
                               f"({row.done}/{row.total})")
        time.sleep(interval)


def percent(job_row) -> int:
    if job_row.status == DONE:
        return 100
    if not job_row.total:
        return 0
    return max(0, min(100, int(job_row.done * 100 / job_row.total)))
