"""SMS verification codes (A3, A4, A7): 6 digits, stored as a keyed hash, valid 10 minutes,
5 tries; at most 1 send a minute and 10 a day per phone. Codes only ever go to the phone on
record, which the caller looks up; no phone typed in a form reaches this module.

Both limits hold under concurrent requests: a send first takes the phone's row in sms_send_lock
(held until its transaction ends), so sends to one phone count and insert one at a time; a try
is counted by one conditional UPDATE before the code is judged, so no more than MAX_TRIES tries
are ever judged, however many arrive at once."""
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from app import audit, sms
from app.errors import Invalid, TooMany
from app.extensions import db
from models.sms import SmsCode, SmsSendLock

VALID_FOR = timedelta(minutes=10)
MAX_TRIES = 5
PER_MINUTE = 1
PER_DAY = 10

PURPOSES = {
    "activate": "账号激活",
    "link": "险种关联",
    "reset": "找回密码",
    "phone_change": "专管员手机变更",  # C6 confirmed by the old phone (app/declarations/phone_change.py)
}


def mask_phone(phone: str | None) -> str:
    if not phone or len(phone) < 7:
        return "—"
    return f"{phone[:3]}****{phone[-4:]}"


def issue(phone: str, purpose: str, *, unit_id=None, user_id=None, target=None,
          now: datetime | None = None) -> SmsCode:
    """Create a code and send it; refuses when the phone has had too many sends."""
    now = now or datetime.now()
    if not phone:
        raise Invalid("单位未登记专管员手机号码，请联系经办机构")
    _check_send_limits(phone, now)
    code = f"{secrets.randbelow(10**6):06d}"
    row = SmsCode(phone=phone, purpose=purpose, code_hash=_hash(code), unit_id=unit_id,
                  user_id=user_id, target=target, expires_at=now + VALID_FOR, created_at=now)
    db.session.add(row)
    text = f"【社会保险网上服务】您的{PURPOSES[purpose]}验证码为{code}，10分钟内有效。请勿泄露。"
    sms.send(phone, text, purpose, unit_id)
    audit.record("sms_send", target_type="phone", target_id=mask_phone(phone),
                 detail={"purpose": purpose, "unit_id": unit_id})
    return row


def verify(phone: str, purpose: str, code: str, *, target=None,
           now: datetime | None = None) -> SmsCode:
    """Use the newest unused code for this phone and purpose; every try, right or wrong, costs
    one of its MAX_TRIES, taken (and committed) before the code is judged."""
    now = now or datetime.now()
    row = db.session.scalars(
        select(SmsCode)
        .where(SmsCode.phone == phone, SmsCode.purpose == purpose, SmsCode.used_at.is_(None))
        .order_by(SmsCode.created_at.desc(), SmsCode.id.desc())
        .limit(1)
    ).first()
    if row is None:
        raise Invalid("请先获取短信验证码")
    if row.expires_at < now:
        raise Invalid("验证码已过期，请重新获取")
    if target is not None and row.target != target:
        raise Invalid("验证码与所办业务不符，请重新获取")
    attempts = _take_a_try(row.id)
    if attempts is None:
        raise Invalid("验证码错误次数过多，请重新获取")
    if not hmac.compare_digest(row.code_hash, _hash((code or "").strip())):
        left = MAX_TRIES - attempts
        raise Invalid(f"验证码错误，还可尝试{left}次" if left else "验证码错误次数过多，请重新获取")
    used = db.session.execute(
        update(SmsCode).where(SmsCode.id == row.id, SmsCode.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    if used.rowcount != 1:  # a concurrent request used it first
        raise Invalid("请先获取短信验证码")
    return row


def _take_a_try(code_id: int) -> int | None:
    """Count one try in the database, if the code has one left: the tries so far, this one
    included, or None. Committed at once: a refused try must stay counted."""
    taken = db.session.execute(
        update(SmsCode)
        .where(SmsCode.id == code_id, SmsCode.used_at.is_(None), SmsCode.attempts < MAX_TRIES)
        .values(attempts=SmsCode.attempts + 1)
        .returning(SmsCode.attempts)
        .execution_options(synchronize_session=False)).scalar_one_or_none()
    db.session.commit()
    return taken


def _check_send_limits(phone: str, now: datetime) -> None:
    _take_send_lock(phone, now)

    def sent_since(moment):
        return db.session.scalar(
            select(func.count(SmsCode.id)).where(SmsCode.phone == phone,
                                                 SmsCode.created_at > moment))

    if sent_since(now - timedelta(minutes=1)) >= PER_MINUTE:
        raise TooMany("验证码发送过于频繁，请1分钟后再试")
    if sent_since(now - timedelta(days=1)) >= PER_DAY:
        raise TooMany("该手机号今日获取验证码次数已达上限（10次），请明天再试")


def _take_send_lock(phone: str, now: datetime) -> None:
    """Hold the phone's lock row until this transaction ends. The row is created once (a
    concurrent creation waits for the first, then finds it); the UPDATE then waits for any other
    send to this phone to commit, so the counts below include its code."""
    insert = _dialect_insert()(SmsSendLock).values(phone=phone, locked_at=now)
    db.session.execute(insert.on_conflict_do_nothing(index_elements=["phone"]))
    db.session.execute(update(SmsSendLock).where(SmsSendLock.phone == phone)
                       .values(locked_at=now).execution_options(synchronize_session=False))


def _dialect_insert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _hash(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()
