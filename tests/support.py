"""Helpers the fixtures and tests share (kept out of conftest.py so they can be imported)."""
from pathlib import Path

PASSWORDS = {
    "37010000001": "Demo@2026",
    "37010000002": "Demo@2026",
    "37010000004": "Demo@2026",
    "reviewer": "Review@2026",
    "admin": "Admin@2026",
}


def make_app(database_url: str, instance_dir: Path, **overrides):
    from app import create_app

    settings = dict(
        APP_ENV="testing",
        TESTING=True,
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_DIR=str(instance_dir / "uploads"),
        CAPTCHA_ENABLED=False,
        WTF_CSRF_ENABLED=False,
        AUTH_RATE_LIMITED=False,
        SERVER_NAME=None,
    )
    settings.update(overrides)
    return create_app(**settings)


def login(client, username: str, password: str | None = None):
    """Log in through FAB's form; returns the response of the login POST."""
    password = password or PASSWORDS[username]
    return client.post(
        "/login/", data={"username": username, "password": password}, follow_redirects=False
    )


def browser_login(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[type=submit]")
    page.wait_for_load_state("networkidle")
