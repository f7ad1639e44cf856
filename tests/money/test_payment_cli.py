"""``flask payment tick`` and ``flask payment reconcile`` (cron's way to run the payment jobs)."""
from datetime import date, timedelta

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
