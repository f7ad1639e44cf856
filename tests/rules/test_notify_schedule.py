"""The bank's resend schedule (rules/notify_schedule.py): 8 attempts in all, Alipay's delays."""
from datetime import datetime, timedelta

from rules.notify_schedule import MAX_ATTEMPTS, accepted, next_attempt

START = datetime(2026, 12, 7, 10, 0)


def test_eight_attempts_at_alipays_delays_then_none():
    at, times = START, []
    attempts = 1  # the first one, at once
    while (following := next_attempt(attempts, at)) is not None:
        times.append(following - at)
        at, attempts = following, attempts + 1
    assert MAX_ATTEMPTS == 8 and attempts == 8
    assert times == [timedelta(minutes=4), timedelta(minutes=10), timedelta(minutes=10),
                     timedelta(hours=1), timedelta(hours=2), timedelta(hours=6),
                     timedelta(hours=15)]


def test_a_notification_not_yet_tried_goes_at_once():
    assert next_attempt(0, START) == START


def test_only_the_bare_word_success_is_an_acceptance():
    assert accepted("success") and accepted("success\n")
    assert not accepted("SUCCESS") and not accepted("fail") and not accepted(None)
    assert not accepted("<html>success</html>")
