"""The payment's background work (app/jobs.py): the reconciliation by query-order, the daily
statement comparison and the demo bank's notification resends. Celery beat submits them on the
schedule PERIODIC gives (app/celery_app.py; cron with ``flask payment tick`` where there is no
Celery); the back office can start them by hand."""
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.jobs import job

DEFAULT_QUERY_AFTER = 15  # minutes a payment may stay 支付中 before the bank is asked
# Job kind -> seconds between two runs, or "daily" (the bank's statement of yesterday, at night).
# The resends are due minutes apart (rules/notify_schedule.py), so once a minute is on time.
PERIODIC = {"demo_bank_notify": 60, "payment_query": 300, "payment_reconcile": "daily"}


def submit_periodic(kind: str, today: date | None = None):
    """The scheduled run of ``kind`` (in an app context): joined to one still queued or running,
    so a slow bank never piles runs up."""
    from app.jobs import submit_once

    if kind not in PERIODIC:
        raise ValueError(f"not a periodic payment job: {kind}")
    params = {}
    if kind == "payment_reconcile":
        params["day"] = ((today or date.today()) - timedelta(days=1)).isoformat()
    return submit_once(kind, params)


@job("payment_query", title=_l("查询支付中的订单"))
def query_pending(ctx, after_minutes=None):
    from app.money.payments import settle_stale

    minutes = int(after_minutes if after_minutes is not None else current_app.config.get(
        "PAYMENT_QUERY_AFTER_MINUTES", DEFAULT_QUERY_AFTER))
    ctx.progress(0, 1)
    counts = settle_stale(minutes, progress=ctx.progress)
    ctx.progress(1, 1, force=True)
    return counts


@job("payment_reconcile", title=_l("银行对账"))
def reconcile_day(ctx, day):
    from app.extensions import db
    from app.money.reconciliation import reconcile
    from models.user import ShebaoUser

    user = db.session.get(ShebaoUser, ctx.user_id) if ctx.user_id else None
    run = reconcile(date.fromisoformat(day), user)
    return {"run_id": run.id, "mismatches": run.mismatch_count}


@job("demo_bank_notify", title=_l("演示银行补发支付通知"))
def demo_bank_tick(ctx):
    from app.demo_bank.bank import deliver_due

    return deliver_due(datetime.now())
