"""SMS verification codes (A3, A4, A7): 6 digits, stored as a keyed hash, valid 10 minutes,
5 tries; at most 1 send a minute and 10 a day per phone. Codes only ever go to the phone on
record, which the caller looks up; no phone typed in a form reaches this module."""
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from app import audit, sms
from app.errors import Invalid, TooMany
from app.extensions import db
from models.sms import SmsCode

VALID_FOR = timedelta(minutes=10)
MAX_TRIES = 5
PER_MINUTE = 1
PER_DAY = 10

PURPOSES = {
    "activate": "账号激活",
    "link": "险种关联",
    "reset": "找回密码",
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
    """Use the newest unused code for this phone and purpose; every failure costs a try."""
    now = now or datetime.now()
    row = db.session.scalars(
        select(SmsCode)
        .where(SmsCode.phone == phone, SmsCode.purpose == purpose, SmsCode.used_at.is_(None))
        .order_by(SmsCode.created_at.desc(), SmsCode.id.desc())
        .limit(1)
        .with_for_update()
    ).first()
    if row is None:
        raise Invalid("请先获取短信验证码")
    if row.expires_at < now:
        raise Invalid("验证码已过期，请重新获取")
    if row.attempts >= MAX_TRIES:
        raise Invalid("验证码错误次数过多，请重新获取")
    if target is not None and row.target != target:
        raise Invalid("验证码与所办业务不符，请重新获取")
    if not hmac.compare_digest(row.code_hash, _hash((code or "").strip())):
        row.attempts += 1
        db.session.commit()  # the failed try must count even though the request is refused
        left = MAX_TRIES - row.attempts
        raise Invalid(f"验证码错误，还可尝试{left}次" if left else "验证码错误次数过多，请重新获取")
    row.used_at = now
    return row


def _check_send_limits(phone: str, now: datetime) -> None:
    def sent_since(moment):
        return db.session.scalar(
            select(func.count(SmsCode.id)).where(SmsCode.phone == phone,
                                                 SmsCode.created_at > moment))

    if sent_since(now - timedelta(minutes=1)) >= PER_MINUTE:
        raise TooMany("验证码发送过于频繁，请1分钟后再试")
    if sent_since(now - timedelta(days=1)) >= PER_DAY:
        raise TooMany("该手机号今日获取验证码次数已达上限（10次），请明天再试")


def _hash(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()
