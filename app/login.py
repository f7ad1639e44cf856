"""Password login with lockout (A5): five failures lock the account for 15 minutes, and while it
is locked even the right password is refused. FAB counts failures but never locks."""
from datetime import datetime, timedelta

from flask import current_app

from app import audit
from app.errors import DomainError
from app.extensions import db

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)


class LoginRefused(DomainError):
    status = 401
    message = "用户名或密码错误"


def authenticate(username: str, password: str, now: datetime | None = None):
    """The user for these credentials, or LoginRefused with the reason to show."""
    now = now or datetime.now()
    sm = current_app.appbuilder.sm
    username = (username or "").strip()
    user = sm.find_user(username=username) if username else None
    if user is not None and user.locked_until and user.locked_until > now:
        _refuse(username, user, "locked")
        raise LoginRefused(_locked_message(user.locked_until))
    if user is not None and user.locked_until:
        user.locked_until, user.fail_login_count = None, 0  # the lock has run out
    checked = sm.check_password_db(username, password)  # FAB keeps fail_login_count
    if checked is None:
        if user is not None and (user.fail_login_count or 0) >= MAX_FAILURES:
            user.locked_until = now + LOCK_FOR
            _refuse(username, user, "locked_now")
            raise LoginRefused(_locked_message(user.locked_until))
        _refuse(username, user, "bad_password")
        left = MAX_FAILURES - (user.fail_login_count or 0) if user is not None else None
        raise LoginRefused(
            f"用户名或密码错误，再错{left}次账号将被锁定15分钟" if left else "用户名或密码错误")
    audit.record_now("login", user=checked, detail={"username": username})
    return checked


def _refuse(username: str, user, reason: str) -> None:
    audit.record("login", success=False, user=user,
                 detail={"username": username, "reason": reason})
    db.session.commit()


def _locked_message(until: datetime) -> str:
    return f"登录失败次数过多，账号已锁定至{until:%Y-%m-%d %H:%M}，请稍后再试"
