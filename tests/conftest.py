"""Fixtures shared by every test that needs the app.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL names a PostgreSQL
server: then it creates a database of its own with a unique name and drops it at the end,
because the server is shared with other runs on the machine.
"""
import os
import uuid

import pytest
import sqlalchemy as sa

from tests.account_support import fresh_unit3  # noqa: F401  (a fixture)
from tests.support import login, make_app

SERVER_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith("postgresql")
DEMO_PERSONS = int(os.environ.get("TEST_DEMO_PERSONS", "400"))



def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="PostgreSQL tests skipped: DATABASE_URL is not PostgreSQL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    name = f"shebao_test_{uuid.uuid4().hex[:10]}"
    server = sa.make_url(SERVER_URL)
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The app on a migrated database holding the demo city (small by default)."""
    from flask_migrate import upgrade

    from app.demo import load_demo
    from app.roles import sync_roles

    app = make_app(database_url, tmp_path_factory.mktemp("instance"))
    with app.app_context():
        upgrade()
        sync_roles(app.appbuilder)
        load_demo(persons=DEMO_PERSONS)
    yield app
    with app.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def as_user(app):
    """``as_user("37010000001")`` gives a test client logged in as that demo account."""

    def _as(username: str):
        c = app.test_client()
        response = login(c, username)
        # FAB answers a failed login with a redirect too: back to the login page.
        assert response.status_code == 302, f"login of {username} failed"
        assert "/login" not in response.headers["Location"], f"login of {username} refused"
        return c

    return _as
