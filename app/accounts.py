"""Account commands (A1–A4, A7): each validates, then changes state and writes its audit row in
one transaction. Views call these and show the DomainError message on the same page."""
import secrets
import string
from datetime import datetime

from flask import current_app
from flask_babel import get_locale, gettext
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app import audit, sessions, verification
from app.errors import DomainError, Invalid, NotFound
from app.extensions import db
from app.roles import EMPLOYER, ROLE_NAMES
from models.reference import Insurance
from models.unit import Unit, UnitInsurance
from models.user import ShebaoUser
from rules.password import password_problems

DEMO_INITIAL_PASSWORD = "888888"


def find_registration(unit_no: str, insurance_code: str) -> tuple[Unit, UnitInsurance]:
    """The registry rows behind a registration request, or the reason it cannot proceed."""
    unit = db.session.scalar(select(Unit).where(Unit.unit_no == (unit_no or "").strip()))
    if unit is None:
        raise NotFound("单位编号不存在，请核对后重新输入（单位须先在经办机构办理参保登记）")
    registration = db.session.scalar(
        select(UnitInsurance).join(Insurance)
        .where(UnitInsurance.unit_id == unit.id, Insurance.code == insurance_code))
    if registration is None:
        raise Invalid("该单位未参加所选险种，请选择单位已参保的业务范围")
    if _unit_account(unit) is not None:
        raise Invalid("该单位已注册网上服务账号，请直接登录；忘记密码可通过短信找回")
    return unit, registration


def register(unit_no: str, insurance_code: str) -> tuple[ShebaoUser, str]:
    """Create the not-yet-activated employer account; returns it with its initial password."""
    unit, registration = find_registration(unit_no, insurance_code)
    initial = _initial_password()
    sm = current_app.appbuilder.sm
    user = sm.user_model(
        first_name=unit.name[:64], last_name="", username=unit.unit_no,
        email=f"{unit.unit_no}@units.invalid", active=True,
        password=generate_password_hash(initial), roles=[sm.find_role(ROLE_NAMES[EMPLOYER])],
        unit_id=unit.id, activated=False, must_change_password=True,
        initial_password_hash=generate_password_hash(initial),
    )
    db.session.add(user)
    registration.linked, registration.linked_at = True, datetime.now()
    db.session.flush()
    audit.record("register", target_type="unit", target_id=unit.unit_no, user=user,
                 detail={"insurance": insurance_code})
    db.session.commit()
    return user, initial


def send_activation_code(user: ShebaoUser):
    if user.unit_id is None:
        raise Invalid("经办机构账号无需激活")
    if user.activated:
        raise Invalid("账号已激活，无需再获取激活码")
    return _send(user, "activate")


def activate(user: ShebaoUser, code: str) -> None:
    if user.unit_id is None:
        raise Invalid("经办机构账号无需激活")
    verification.verify(user.unit.contact_phone, "activate", code)
    user.activated = True
    audit.record("activate", target_type="unit", target_id=user.unit.unit_no, user=user)
    db.session.commit()


def change_password(user: ShebaoUser, current: str, new: str, repeat: str) -> None:
    if not check_password_hash(user.password or "", current or ""):
        raise Invalid("当前密码不正确")
    _set_password(user, new, repeat)
    audit.record("password_change", target_type="user", target_id=user.id, user=user)
    db.session.commit()


def linkable(user: ShebaoUser, business_no: str) -> UnitInsurance:
    """Another 险种 registration of the user's own unit, not yet linked to the account."""
    registration = db.session.scalar(
        select(UnitInsurance).where(UnitInsurance.business_no == (business_no or "").strip()))
    if registration is None or registration.unit_id != user.unit_id:
        raise NotFound("未找到本单位的该业务单位编号，请核对后重新输入")
    if registration.linked:
        raise Invalid("该业务单位编号已关联到本账号")
    return registration


def send_link_code(user: ShebaoUser, business_no: str):
    registration = linkable(user, business_no)
    return _send(user, "link", target=registration.business_no)


def link(user: ShebaoUser, business_no: str, code: str) -> UnitInsurance:
    registration = linkable(user, business_no)
    verification.verify(user.unit.contact_phone, "link", code, target=registration.business_no)
    registration.linked, registration.linked_at = True, datetime.now()
    audit.record("insurance_link", target_type="unit_insurance", target_id=registration.id,
                 user=user, detail={"business_no": registration.business_no})
    db.session.commit()
    return registration


def account_for_reset(login: str) -> ShebaoUser | None:
    """The employer account a reset is for, or None: the caller must answer the same either
    way, so that the reset page does not tell which unit numbers have an account."""
    user = db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == (login or "").strip()))
    return user if user is not None and user.unit is not None else None


def send_reset_code(login: str) -> None:
    """Send a reset code to the phone on record when the account exists. Nothing tells the
    caller whether it did: an unknown number, and a known one whose phone has had its codes for
    the minute or the day, are answered as if sent (the limits still hold)."""
    user = account_for_reset(login)
    if user is None:
        return
    try:
        _send(user, "reset")
    except DomainError:
        db.session.rollback()


def reset_password(login: str, code: str, new: str, repeat: str) -> None:
    user = account_for_reset(login)
    if user is None:
        raise Invalid("请先获取短信验证码")  # what a known account without a code hears
    verification.verify(user.unit.contact_phone, "reset", code)
    _set_password(user, new, repeat)
    user.locked_until, user.fail_login_count = None, 0
    audit.record("password_reset", target_type="user", target_id=user.id, user=user)
    db.session.commit()


def linked_insurance_codes(user) -> set[str]:
    """The 险种 an employer account may declare and query (A4)."""
    rows = db.session.scalars(
        select(Insurance.code).join(UnitInsurance, UnitInsurance.insurance_id == Insurance.id)
        .where(UnitInsurance.unit_id == user.unit_id, UnitInsurance.linked.is_(True)))
    return set(rows)


def _send(user: ShebaoUser, purpose: str, target=None):
    code = verification.issue(user.unit.contact_phone, purpose, unit_id=user.unit_id,
                              user_id=user.id, target=target)
    db.session.commit()
    return code


def _set_password(user: ShebaoUser, new: str, repeat: str) -> None:
    if new != repeat:
        raise Invalid("两次输入的新密码不一致")
    initial_hash = user.initial_password_hash
    problems = password_problems(new, login=user.username)
    if initial_hash and check_password_hash(initial_hash, new):
        problems.append("新密码不能与初始密码相同")
    elif check_password_hash(user.password or "", new):
        problems.append("新密码不能与当前密码相同")
    if problems:
        raise Invalid(_joined(problems))
    user.password = generate_password_hash(new)
    user.must_change_password = False
    user.password_changed_at = datetime.now()
    sessions.end_all(user)  # a session opened under the old password ends


def _joined(problems) -> str:
    """Every reason at once, each in the page's language (the rules speak Chinese msgids)."""
    separator = "；" if str(get_locale() or "zh").startswith("zh") else "; "
    return separator.join(gettext(problem) for problem in problems)


def _unit_account(unit: Unit):
    return db.session.scalar(select(ShebaoUser).where(ShebaoUser.unit_id == unit.id))


def _initial_password() -> str:
    # The seeds' 888888 only in demo/dev; anywhere else a random one, shown once.
    if current_app.config.get("APP_ENV") == "development":
        return DEMO_INITIAL_PASSWORD
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(10))
