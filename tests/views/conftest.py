"""Fixtures of the query screen tests."""
from contextlib import contextmanager

import pytest

from tests.views.pages import read_xlsx, route


@pytest.fixture
def export():
    """``export(client, View, query)``: the view's .xlsx export of that search, read back."""

    def _export(client, view, query=""):
        response = client.get(f"{route(view)}/export/{query}")
        assert response.status_code == 200, response.data[:300]
        assert response.mimetype.endswith("spreadsheetml.sheet")
        return read_xlsx(response.data)

    return _export


@pytest.fixture
def lookup(app):
    """``with lookup() as session:`` the database, in an app context of its own.

    Close it before the next request: a request inside a pushed app context shares its ``g``
    (and the logged-in user cached there) instead of getting its own.
    """
    from app.extensions import db

    @contextmanager
    def _lookup():
        with app.app_context():
            try:
                yield db.session
            finally:
                db.session.rollback()

    return _lookup


@pytest.fixture
def unit_ids(lookup):
    """Unit number → unit id."""
    from models.unit import Unit

    with lookup() as session:
        return dict(session.query(Unit.unit_no, Unit.id))
