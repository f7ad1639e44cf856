"""A5: captcha, lockout after five failures, audit of every attempt, the JWT login too."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from models.audit import AuditLog
from models.user import ShebaoUser
from tests.support import close_app, login, make_app


@pytest.fixture
def unlock(app):
    def _unlock(username):
        from app.extensions import db

        with app.app_context():
            db.session.execute(update(ShebaoUser).where(ShebaoUser.username == username)
                               .values(locked_until=None, fail_login_count=0))
            db.session.commit()
    yield _unlock
    _unlock("37010000002")


def test_sixth_attempt_refused_even_with_the_right_password(app, client, unlock):
    unlock("37010000002")
    for attempt in range(5):
        page = client.post("/login/", data={"username": "37010000002", "password": "wrong1"})
        assert page.status_code == 200
    page = login(client, "37010000002")
    assert page.status_code == 200
    assert "已锁定至" in page.get_data(as_text=True)
    from app.extensions import db

    with app.app_context():
        user = db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == "37010000002"))
        assert user.locked_until > datetime.now() + timedelta(minutes=14)
        failures = db.session.scalars(select(AuditLog).where(
            AuditLog.action == "login", AuditLog.success.is_(False),
            AuditLog.username == "37010000002")).all()
        assert len(failures) >= 6


def test_lock_runs_out_after_fifteen_minutes(app, client, unlock):
    from app.extensions import db

    with app.app_context():
        db.session.execute(update(ShebaoUser).where(ShebaoUser.username == "37010000002")
                           .values(locked_until=datetime.now() - timedelta(seconds=1),
                                   fail_login_count=5))
        db.session.commit()
    assert "/login" not in login(client, "37010000002").headers["Location"]


def test_wrong_password_says_how_many_tries_are_left(client, unlock):
    unlock("37010000002")
    page = client.post("/login/", data={"username": "37010000002", "password": "bad"})
    assert "再错4次" in page.get_data(as_text=True)


def test_successful_login_is_audited(app, client):
    login(client, "reviewer")
    from app.extensions import db

    with app.app_context():
        row = db.session.scalars(select(AuditLog).where(
            AuditLog.action == "login", AuditLog.username == "reviewer",
            AuditLog.success.is_(True)).order_by(AuditLog.id.desc())).first()
        assert row is not None and row.ip == "127.0.0.1"


@pytest.fixture
def database_url(app):
    """The database of this package's app (a second app on it sees the same accounts)."""
    return app.config["SQLALCHEMY_DATABASE_URI"]


@pytest.fixture
def captcha_app(database_url, tmp_path):
    app = make_app(database_url, tmp_path, CAPTCHA_ENABLED=True)
    yield app
    close_app(app)


def test_captcha_is_checked_case_insensitively_and_used_once(captcha_app, monkeypatch):
    from app import captcha

    monkeypatch.setattr(captcha, "new_text", lambda: "AB3D")
    client = captcha_app.test_client()
    image = client.get("/captcha/image.png")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    data = {"username": "reviewer", "password": "Review@2026", "captcha": "ab3d"}
    assert "/login" not in client.post("/login/", data=data).headers.get("Location", "/login")
    client.get("/logout/")
    again = client.post("/login/", data=data)  # same answer, no new image: refused
    assert again.status_code == 200 and "验证码错误" in again.get_data(as_text=True)


def test_wrong_captcha_is_refused_before_the_password_is_tried(captcha_app, monkeypatch):
    from app import captcha

    monkeypatch.setattr(captcha, "new_text", lambda: "XY7Z")
    client = captcha_app.test_client()
    client.get("/captcha/image.png")
    page = client.post("/login/", data={"username": "reviewer", "password": "Review@2026",
                                        "captcha": "QQQQ"})
    assert "验证码错误" in page.get_data(as_text=True)


def test_captcha_off_is_refused_in_production(database_url, tmp_path):
    with pytest.raises(RuntimeError, match="CAPTCHA_ENABLED"):
        make_app(database_url, tmp_path, APP_ENV="production", SECRET_KEY="x" * 40,
                 SMS_BACKEND="http", CAPTCHA_ENABLED=False)


def test_production_refuses_the_default_secret(database_url, tmp_path):
    from config import DEV_SECRET

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        make_app(database_url, tmp_path, APP_ENV="production", SECRET_KEY=DEV_SECRET)


def test_jwt_login_goes_through_the_lockout(app, client, unlock):
    from app.extensions import db

    with app.app_context():
        db.session.execute(update(ShebaoUser).where(ShebaoUser.username == "37010000002")
                           .values(locked_until=datetime.now() + timedelta(minutes=10)))
        db.session.commit()
    response = client.post("/api/v1/security/login", json={
        "username": "37010000002", "password": "Demo@2026", "provider": "db"})
    assert response.status_code == 401
    unlock("37010000002")
    response = client.post("/api/v1/security/login", json={
        "username": "37010000002", "password": "Demo@2026", "provider": "db"})
    assert response.status_code == 200 and "access_token" in response.get_json()


def test_login_rate_limit_per_ip_covers_web_and_api(database_url, tmp_path):
    limited = make_app(database_url, tmp_path, AUTH_RATE_LIMITED=True,
                       AUTH_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    try:
        codes = [client.post("/login/", data={"username": "nobody", "password": "x"}).status_code
                 for _ in range(4)]
        assert codes[-1] == 429
        api = [client.post("/api/v1/security/login", json={
            "username": "nobody", "password": "x", "provider": "db"}).status_code
            for _ in range(4)]
        assert api[-1] == 429
    finally:
        close_app(limited)
