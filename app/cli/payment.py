"""``flask payment tick`` (cron, every minute or so): the demo bank resends the notifications
that are due, and payments still 支付中 after PAYMENT_QUERY_AFTER_MINUTES are settled by asking
the bank. ``flask payment reconcile --day YYYY-MM-DD`` compares the bank's statement of a day
(default yesterday) with the ledger. Both run the same code as the background job kinds."""
from datetime import date, datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group(help="网上支付：补发通知、查询支付中订单、银行对账")
def payment():
    pass


@payment.command("tick", help="Resend due notifications (demo bank) and query stale payments.")
@with_appcontext
def tick():
    from app.money.payments import settle_stale

    if current_app.config.get("PAYMENT_GATEWAY", "demo_bank") == "demo_bank":
        from app.demo_bank.bank import deliver_due

        click.echo(f"notifications: {deliver_due(datetime.now())}")
    minutes = int(current_app.config.get("PAYMENT_QUERY_AFTER_MINUTES", 15))
    click.echo(f"queried: {settle_stale(minutes)}")


@payment.command("reconcile", help="Compare the bank's daily statement with the ledger.")
@click.option("--day", default=None, help="YYYY-MM-DD, default yesterday")
@with_appcontext
def reconcile_day(day):
    from app.money.reconciliation import reconcile

    chosen = date.fromisoformat(day) if day else date.today() - timedelta(days=1)
    run = reconcile(chosen)
    click.echo(f"{chosen}: bank {run.bank_count}, ledger {run.ledger_count}, "
               f"mismatches {run.mismatch_count}")
