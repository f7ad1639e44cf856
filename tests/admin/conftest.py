"""The admin screens change the demo city (codes, rates, accounts): a database of their own."""
import re

import pytest
from sqlalchemy import select

from tests.own_database import app  # noqa: F401  (a fixture)
from tests.support import form_values


def flashes(page: str) -> list[tuple[str, str]]:
    """The flashed messages of a page, as (kind, text)."""
    return re.findall(r'<div class="alert alert-(\w+)"><button[^>]*>&times;</button>([^<]*)</div>',
                      page)


def field_errors(page: str) -> list[str]:
    """The errors FAB's form shows under its fields."""
    return [" ".join(text.split()) for text in
            re.findall(r'<div class="alert alert-danger">\s*([^<]*?)\s*</div>', page)]


def form_of(page: str) -> dict:
    """The values an edit form shows, as the browser would post them back (no CSRF token)."""
    form = form_values(page)
    form.pop("csrf_token", None)
    return form

@pytest.fixture
def db_read(app):
    """``db_read(statement)``: one scalar, read in an app context of its own."""
    from app.extensions import db

    def _read(statement):
        with app.app_context():
            return db.session.scalar(statement)

    return _read


@pytest.fixture
def admin(as_user):
    return as_user("admin")


def code_id(app, model, code: str) -> int:
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(model.id).where(model.code == code))
