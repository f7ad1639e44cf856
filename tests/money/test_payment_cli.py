"""``flask payment tick`` and ``flask payment reconcile`` (cron's way to run the payment jobs)."""
from datetime import date, timedelta

import pytest

from tests.own_database import own_app

app = own_app("module")  # paying changes the demo city


def test_the_cli_ticks_and_reconciles(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["payment", "tick"])
    assert result.exit_code == 0, result.output
    assert "notifications: {'due':" in result.output and "queried: {'checked':" in result.output
    day = date.today() - timedelta(days=3)
    result = runner.invoke(args=["payment", "reconcile", "--day", day.isoformat()])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{day}: bank ")


def test_the_reconcile_job_kind_records_a_run(app):
    from app import jobs
    from app.extensions import db
    from models.reconciliation import ReconciliationRun
    from tests.money.test_payment_reconciliation import wait_for_job

    day = date.today() - timedelta(days=2)
    with app.test_request_context():
        job_id = jobs.submit("payment_reconcile", {"day": day.isoformat()}).id
    result = wait_for_job(app, job_id)
    with app.app_context():
        run = db.session.get(ReconciliationRun, result["run_id"])
        assert run.day == day and run.mismatch_count == result["mismatches"] == 0
        db.session.rollback()


def test_celery_beat_submits_every_periodic_payment_job(app):
    """The beat schedule (app/celery_app.py) names only job kinds the worker knows, and its
    task submits the daily statement comparison for yesterday."""
    from app import jobs
    from app.celery_app import beat_schedule
    from app.money.payment_jobs import PERIODIC, submit_periodic
    from tests.money.test_payment_reconciliation import wait_for_job

    schedule = beat_schedule()
    assert {entry["args"][0] for entry in schedule.values()} == set(PERIODIC)
    assert set(PERIODIC) <= set(jobs.KINDS)
    today = date.today()
    with app.test_request_context():
        job = submit_periodic("payment_reconcile", today)
        job_id, kind, params = job.id, job.kind, job.params
    assert kind == "payment_reconcile"
    assert params == {"day": (today - timedelta(days=1)).isoformat()}
    assert "run_id" in wait_for_job(app, job_id)
    with app.test_request_context(), pytest.raises(ValueError, match="assessment"):
        submit_periodic("assessment")
