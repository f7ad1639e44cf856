"""A new password equal to the current one is refused, on 修改密码 and on 找回密码 alike, with a
message in the page's language; nothing changes and no audit row is written."""
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from models.audit import AuditLog
from models.user import ShebaoUser
from tests.account_support import last_code
from tests.accounts.test_link_and_reset import ready_client

CURRENT = "Canyin2026ok"  # what ready_client sets for the fresh unit


def _audits(app, action, username):
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count(AuditLog.id)).where(
            AuditLog.action == action, AuditLog.username == username))


def _password_hash(app, username):
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(ShebaoUser.password).where(
            ShebaoUser.username == username))


def test_reset_to_the_current_password_is_refused(app, fresh_unit3):
    client = ready_client(app, fresh_unit3)
    before, stored = _audits(app, "password_reset", fresh_unit3), _password_hash(app, fresh_unit3)
    client.post("/reset/", data={"login": fresh_unit3, "action": "send", "captcha": "x"})
    page = client.post("/reset/", data={
        "login": fresh_unit3, "code": last_code(app), "new": CURRENT, "repeat": CURRENT})
    assert "新密码不能与当前密码相同" in page.get_data(as_text=True)
    assert _audits(app, "password_reset", fresh_unit3) == before
    assert _password_hash(app, fresh_unit3) == stored
    assert check_password_hash(stored, CURRENT)


def test_the_refusal_speaks_english_on_an_english_page(app, fresh_unit3):
    client = ready_client(app, fresh_unit3)
    client.get("/lang/en")
    page = client.post("/account/password/", data={
        "current": CURRENT, "new": CURRENT, "repeat": CURRENT}).get_data(as_text=True)
    assert "The new password must differ from the current password" in page
    assert "新密码不能与当前密码相同" not in page
    # several reasons at once, each translated
    page = client.post("/account/password/", data={
        "current": CURRENT, "new": "abc", "repeat": "abc"}).get_data(as_text=True)
    assert "at least 8 characters" in page and "letters and digits" in page


def test_a_different_password_is_still_taken(app, fresh_unit3):
    client = ready_client(app, fresh_unit3)
    page = client.post("/account/password/", data={
        "current": CURRENT, "new": "Canyin2027ok", "repeat": "Canyin2027ok"})
    assert page.status_code == 302
    assert check_password_hash(_password_hash(app, fresh_unit3), "Canyin2027ok")
