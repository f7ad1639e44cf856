"""Where a submitted job runs (app.jobs): on a Celery worker when CELERY_BROKER_URL is set, else
on this app's thread pool of JOB_THREADS threads; an ``isolated`` kind gets a fresh interpreter of
its own from that thread (a spawned child), so its memory limit and a crash stay its own. A
thread waits for its child, so JOB_THREADS still bounds how many jobs run at once."""
import logging
import multiprocessing
import pickle
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import sqlalchemy as sa

from app import jobs
from app.extensions import db
from models.job import Job

log = logging.getLogger(__name__)


def dispatch(app, job_id: str, kind) -> None:
    """Hand a queued job to its runner; raises when it cannot (the broker is down …)."""
    if jobs.setting("CELERY_BROKER_URL", app):
        _send_to_celery(app, job_id)
    else:
        runner(app).submit(_run_in_thread, app, job_id, kind.isolated)


def runner(app) -> ThreadPoolExecutor:
    """The in-process runner of ``app``: a thread pool of JOB_THREADS threads."""
    with jobs.LOCK:
        pool = app.extensions.get("job_runner")
        if pool is None:
            pool = app.extensions["job_runner"] = ThreadPoolExecutor(
                max_workers=int(jobs.setting("JOB_THREADS", app)), thread_name_prefix="shebao-job")
    return pool


def _run_in_thread(app, job_id: str, isolated: bool = False) -> None:
    with app.app_context():
        try:
            if isolated:
                _run_in_child(app, job_id)
            else:
                jobs.run_job(job_id)
        except BaseException:  # run_job records failures itself; this is the last resort
            log.exception("job %s: runner thread failed", job_id)


def _run_in_child(app, job_id: str) -> None:
    """Run the job in a fresh interpreter with this app's settings; this thread waits for it,
    so JOB_THREADS still bounds how many jobs run. A child that dies (killed for memory, a
    crash) leaves its job failed, not running."""
    process = multiprocessing.get_context("spawn").Process(
        target=_child_main, args=(_portable_settings(app), job_id),
        name=f"shebao-job-{job_id[:8]}")
    process.start()
    process.join()
    if process.exitcode != 0:
        # Out of address space, native code (calamine) aborts: say what most likely happened.
        kind = jobs.KINDS.get(_kind_of_job(job_id))
        hint = (f"，可能是处理所需内存超过上限（{jobs.setting('JOB_MEMORY_LIMIT_MB', app)} MB），"
                "请把文件分成几个较小的文件后重新上传") if kind and kind.memory_limited \
            else "，请重新提交"
        jobs.write(job_id, only_from=(jobs.QUEUED, jobs.RUNNING), status=jobs.FAILED, finished_at=datetime.now(),
               message=f"任务进程异常退出（退出码{process.exitcode}）{hint}")


def _kind_of_job(job_id: str) -> str | None:
    with db.engine.connect() as conn:
        return conn.scalar(sa.select(Job.kind).where(Job.id == job_id))


def _portable_settings(app) -> dict:
    """The app's settings that survive pickling: the child builds the same app from them."""
    settings = {}
    for key, value in app.config.items():
        try:
            pickle.dumps(value)
        except Exception:  # a class or a lazy text: the child's Config makes its own
            continue
        settings[key] = value
    return settings


def _child_main(settings: dict, job_id: str) -> None:
    from app import create_app

    app = create_app(**settings)
    with app.app_context():
        try:
            jobs.run_job(job_id, own_process=True)
        finally:
            db.engine.dispose()


def _send_to_celery(app, job_id: str) -> None:
    from app.celery_app import make_celery

    broker, queue = jobs.setting("CELERY_BROKER_URL", app), jobs.setting("CELERY_QUEUE", app)
    prefix = jobs.setting("CELERY_KEY_PREFIX", app)
    with jobs.LOCK:
        sender = app.extensions.get("job_celery")
        if getattr(sender, "shebao_settings", None) != (broker, queue, prefix):
            sender = app.extensions["job_celery"] = make_celery(broker, queue, prefix)
            sender.shebao_settings = (broker, queue, prefix)
    sender.send_task(jobs.TASK_NAME, args=[job_id], queue=queue)


def shutdown(app, wait: bool = True) -> None:
    """Stop the app's thread runner (after its jobs finish) and close the Celery sender."""
    pool = app.extensions.pop("job_runner", None)
    if pool is not None:
        pool.shutdown(wait=wait)
    sender = app.extensions.pop("job_celery", None)
    if sender is not None:
        sender.close()
