"""Celery for background jobs at scale: ``celery -A app.celery_app worker -Q $CELERY_QUEUE``.

One task, ``shebao.run_job(job_id)``: the Job row carries everything else, and the result is
written there too (no Celery result backend). The worker creates the Flask app once per process
(``create_app()``, settings from the environment as for the web) and runs each job inside an app
context of its own through ``app.jobs.run_job`` — the same body as the in-process runner.

Settings (environment): CELERY_BROKER_URL (``redis://127.0.0.1:6379/0``), CELERY_QUEUE (default
``shebao``), CELERY_KEY_PREFIX (a Redis key prefix, for runs sharing one Redis), JOB_MODULES
(extra modules that register job kinds).
"""
import os
import threading

from celery import Celery

from app.jobs import DEFAULTS, TASK_NAME


def make_celery(broker_url: str, queue: str = "shebao", key_prefix: str = "") -> Celery:
    """A Celery app for the broker; the web uses one to send, the worker this module's own."""
    celery = Celery("shebao", broker=broker_url or None, set_as_current=False)
    transport = {"socket_connect_timeout": 5}
    if key_prefix:
        transport["global_keyprefix"] = key_prefix
    celery.conf.update(
        task_default_queue=queue,
        task_ignore_result=True,
        task_publish_retry_policy={"max_retries": 3, "interval_start": 0,
                                   "interval_step": 0.5, "interval_max": 1},
        broker_transport_options=transport,
        broker_connection_retry_on_startup=True,
        worker_prefetch_multiplier=1,  # jobs are long: take one at a time
    )
    if broker_url:
        # Celery lets the CELERY_BROKER_URL environment variable win over ``broker=``; the
        # read and write URLs make the broker given here the one used.
        celery.conf.update(broker_read_url=broker_url, broker_write_url=broker_url)
    return celery


def _environment(name: str) -> str:
    from config import Config

    return str(getattr(Config, name, None) or os.environ.get(name, DEFAULTS[name]))


celery = make_celery(_environment("CELERY_BROKER_URL"), _environment("CELERY_QUEUE"),
                     _environment("CELERY_KEY_PREFIX"))

_flask_app = None
_flask_lock = threading.Lock()


def flask_app():
    """The Flask app of this worker process, created on first use."""
    global _flask_app
    with _flask_lock:
        if _flask_app is None:
            from app import create_app
            from app.jobs import load_job_modules

            created = create_app()
            load_job_modules(created)
            _flask_app = created
    return _flask_app


@celery.task(name=TASK_NAME, ignore_result=True)
def run_job_task(job_id: str) -> None:
    from app.jobs import run_job

    with flask_app().app_context():
        run_job(job_id, own_process=True)  # a worker process: memory-limited kinds get their limit


@celery.task(name="shebao.submit_periodic", ignore_result=True)
def submit_periodic_task(kind: str) -> None:
    from app.money.payment_jobs import submit_periodic

    with flask_app().app_context():
        submit_periodic(kind)


def beat_schedule() -> dict:
    """``celery -A app.celery_app beat``: the payment's periodic jobs (PERIODIC), each submitted
    as a Job like any other, so its runs show on the job pages."""
    from celery.schedules import crontab

    from app.money.payment_jobs import PERIODIC

    return {f"shebao-{kind}": {"task": "shebao.submit_periodic", "args": (kind,),
                               "schedule": crontab(hour=2, minute=0) if every == "daily"
                               else float(every)}
            for kind, every in PERIODIC.items()}


celery.conf.beat_schedule = beat_schedule()
