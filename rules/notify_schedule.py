"""When the bank sends a payment notification again (Alipay's rule: up to 8 times in all).

The first notification goes at once; until the merchant answers the bare text ``success`` the
bank tries again after 4 m, 10 m, 10 m, 1 h, 2 h, 6 h and 15 h, each counted from the previous
attempt, and then gives up (the merchant's reconciliation finds the payment by asking the bank).
"""
from datetime import datetime, timedelta

RESEND_DELAYS = (
    timedelta(minutes=4), timedelta(minutes=10), timedelta(minutes=10), timedelta(hours=1),
    timedelta(hours=2), timedelta(hours=6), timedelta(hours=15),
)
MAX_ATTEMPTS = 1 + len(RESEND_DELAYS)
ACCEPTED = "success"


def accepted(answer: str | None) -> bool:
    """Only the bare word counts: an error page that happens to contain it does not."""
    return (answer or "").strip() == ACCEPTED


def next_attempt(attempts: int, last_at: datetime) -> datetime | None:
    """After ``attempts`` failed deliveries (the last at ``last_at``): when to try again, or
    None when every attempt is spent."""
    if attempts < 1:
        return last_at
    if attempts >= MAX_ATTEMPTS:
        return None
    return last_at + RESEND_DELAYS[attempts - 1]
