"""Password login with lockout (A5): five failures lock the account for 15 minutes, and while it
is locked even the right password is refused.

Failures are counted in the database by one atomic UPDATE … RETURNING, never read, added to and
written back: twelve wrong passwords sent at once count 1 to 12, each answer says how many tries
are left after it, and the fifth locks the account (and ends its sessions). The password hash is
checked outside any transaction, so concurrent logins never hold SQLite's write lock while they
hash."""
from datetime import datetime, timedelta

from flask import current_app
from flask_appbuilder.security.utils import is_null_password
from sqlalchemy import case, func, or_, update
from werkzeug.security import check_password_hash

from app import audit, sessions
from app.errors import DomainError
from app.extensions import db
from models.user import ShebaoUser

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
    if user is None or not user.is_active:
        sm.check_password_db(username, password)  # FAB spends a hash here too: same timing
        _refuse(username, user, "bad_password")
        raise LoginRefused()
    if user.locked_until and user.locked_until > now:
        _refuse(username, user, "locked")
        raise LoginRefused(_locked_message(user.locked_until))
    if is_null_password(password) or not check_password_hash(user.password or "", password):
        failures = _count_failure(user, now)
        if failures >= MAX_FAILURES:
            _refuse(username, user, "locked_now" if failures == MAX_FAILURES else "locked")
            raise LoginRefused(_locked_message(_lock(user, now)))
        _refuse(username, user, "bad_password")
        raise LoginRefused(f"用户名或密码错误，再错{MAX_FAILURES - failures}次账号将被锁定15分钟")
    if not _count_success(user, now):  # locked by a concurrent failure since it was read
        _refuse(username, user, "locked")
        raise LoginRefused(_locked_message(now + LOCK_FOR))
    audit.record_now("login", user=user, detail={"username": username})
    return user


def _count_failure(user, now: datetime) -> int:
    """The failures so far, this one included. A lock that has run out starts the count anew."""
    table = ShebaoUser
    expired = table.locked_until.is_not(None) & (table.locked_until <= now)
    return db.session.execute(
        update(table).where(table.id == user.id)
        .values(fail_login_count=case((expired, 1),
                                      else_=func.coalesce(table.fail_login_count, 0) + 1),
                locked_until=case((expired, None), else_=table.locked_until))
        .returning(table.fail_login_count)
        .execution_options(synchronize_session=False)).scalar_one()


def _lock(user, now: datetime) -> datetime:
    """Lock the account (once: later failures keep the first lock) and end its sessions."""
    until = now + LOCK_FOR
    table = ShebaoUser
    locked = db.session.execute(
        update(table).where(table.id == user.id,
                            or_(table.locked_until.is_(None), table.locked_until <= now))
        .values(locked_until=until).execution_options(synchronize_session=False))
    if locked.rowcount:
        sessions.end_all(user)
    db.session.commit()
    db.session.refresh(user)
    return user.locked_until or until


def _count_success(user, now: datetime) -> bool:
    """Clear the failures and count the login, unless the account is locked now."""
    table = ShebaoUser
    done = db.session.execute(
        update(table).where(table.id == user.id,
                            or_(table.locked_until.is_(None), table.locked_until <= now))
        .values(fail_login_count=0, locked_until=None, last_login=now,
                login_count=func.coalesce(table.login_count, 0) + 1)
        .execution_options(synchronize_session=False))
    if not done.rowcount:
        db.session.rollback()
        return False
    db.session.commit()
    db.session.refresh(user)
    return True


def _refuse(username: str, user, reason: str) -> None:
    audit.record("login", success=False, user=user,
                 detail={"username": username, "reason": reason})
    db.session.commit()


def _locked_message(until: datetime) -> str:
    return f"登录失败次数过多，账号已锁定至{until:%Y-%m-%d %H:%M}，请稍后再试"
