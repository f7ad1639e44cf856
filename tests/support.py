"""Helpers the fixtures and tests share (kept out of conftest.py so they can be imported)."""
import os
import re
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

SERVER_URL = os.environ.get("DATABASE_URL", "")
DEMO_PERSONS = int(os.environ.get("TEST_DEMO_PERSONS", "400"))

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


@contextmanager
def throwaway_database(server_url: str, folder: Path):
    """A new empty database: a SQLite file in ``folder``, or on the PostgreSQL server named by
    ``server_url`` a database with a unique name, dropped afterwards (the server is shared)."""
    if not server_url.startswith("postgresql"):
        yield f"sqlite:///{folder / 'test.db'}"
        return
    name = f"shebao_test_{uuid.uuid4().hex[:10]}"
    server = sa.make_url(server_url)
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def demo_app(database_url: str, instance_dir: Path, persons: int, **overrides):
    """The app on a freshly migrated database holding the demo city."""
    from flask_migrate import upgrade

    from app.demo import load_demo

    app = make_app(database_url, instance_dir, **overrides)
    with app.app_context():
        upgrade()
        load_demo(persons=persons)
    return app


def close_app(app) -> None:
    with app.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


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


def browser_as(page, base_url: str, username: str, lang: str) -> None:
    """A fresh login of a demo account in ``page``'s browser, then its language (zh or en)."""
    page.context.clear_cookies()
    browser_login(page, base_url, username, PASSWORDS[username])
    if lang == "en":
        page.goto(f"{base_url}/lang/en")


def shots_folder(tmp_path) -> Path:
    """Where a browser test saves the screens to be looked at: $SHOTS_DIR, else its tmp_path."""
    folder = Path(os.environ.get("SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot_without(page, folder: Path, name: str, forbidden) -> str:
    """Save the page as ``name``.png and return its text, which must not match ``forbidden``
    (the codes and keys a clerk must never read)."""
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True, timeout=90000)
    shown = page.inner_text("body")
    found = forbidden.search(shown)
    assert found is None, f"{name} shows {found.group(0)}"
    return shown


@contextmanager
def rows_for_a_while(app, make_rows):
    """The rows ``make_rows()`` returns (called in an app context), committed for the block and
    deleted after it. The block runs outside the app context: requests inside one would share
    its g (and the user Flask-Login caches there) instead of getting their own."""
    from app.extensions import db

    with app.app_context():
        rows = make_rows()
        db.session.add_all(rows)
        db.session.commit()
        keys = [(type(row), row.id) for row in rows]
    try:
        yield
    finally:
        with app.app_context():
            for model, pk in keys:
                db.session.delete(db.session.get(model, pk))
            db.session.commit()


def form_values(page: str) -> dict:
    """The values an HTML form shows, as the browser would post them back."""
    form = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and 'type="checkbox"' not in tag:
            form[name.group(1)] = value.group(1) if value else ""
        elif name and "checked" in tag:
            form[name.group(1)] = "y"
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected',
                           options)
        if chosen:
            form[name] = chosen.group(1) or chosen.group(2)
    return form


@contextmanager
def served(database_url: str, instance_dir: Path):
    """The app on that database, with CSRF on, served over HTTP from a thread on a free
    127.0.0.1 port: yields its base URL (what the browser tests open)."""
    from werkzeug.serving import make_server

    app = make_app(database_url, instance_dir, WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        close_app(app)
