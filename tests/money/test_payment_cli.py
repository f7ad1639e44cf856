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
