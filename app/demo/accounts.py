"""The fixed demo accounts (DEMO.md), created through FAB's security manager."""
from datetime import datetime

from app.roles import ADMIN, EMPLOYER, REVIEWER, ROLE_NAMES

# username, password, role, unit number, first name, last name
ACCOUNTS = [
    ("37010000001", "Demo@2026", EMPLOYER, "37010000001", None, "经办人"),
    ("37010000002", "Demo@2026", EMPLOYER, "37010000002", None, "经办人"),
    ("37010000004", "Demo@2026", EMPLOYER, "37010000004", None, "经办人"),
    ("reviewer", "Review@2026", REVIEWER, None, "李明", "审核员"),
    ("admin", "Admin@2026", ADMIN, None, "系统", "管理员"),
]
EMAIL_DOMAIN = "demo.invalid"


class AccountError(RuntimeError):
    pass


def create_accounts(sm, units: dict, now: datetime) -> tuple[dict, list]:
    """(username -> user, usernames kept as they were). Units: unit_no -> (id, contact name).

    ``sm.add_user`` takes no extra fields: add without committing, then set the unit and flags;
    the caller commits the whole load at once. An account that already exists is left alone.
    """
    users, kept = {}, []
    for username, password, role_key, unit_no, first, last in ACCOUNTS:
        user = sm.find_user(username=username)
        if user is not None:
            users[username] = user
            kept.append(username)
            continue
        role = sm.find_role(ROLE_NAMES[role_key])
        unit_id, contact = units[unit_no] if unit_no else (None, None)
        user = sm.add_user(
            username, first or contact, last, f"{username}@{EMAIL_DOMAIN}",
            role=role, password=password, commit=False,
        )
        if not user:
            raise AccountError(f"无法创建演示账号 {username}（用户名或邮箱已被占用？）")
        user.unit_id = unit_id
        user.activated = True
        user.must_change_password = False
        user.password_changed_at = now
        users[username] = user
    sm.session.flush()
    return users, kept
