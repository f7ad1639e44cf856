import pytest

from tests.declarations.flows import ORDINARY, Reviewer
from tests.own_database import app  # noqa: F401  (this package changes the demo city)


# The web clients of the registry tests: an ordinary (reviewed) unit's clerk and the reviewer.
@pytest.fixture
def employer(as_user):
    return as_user(ORDINARY)


@pytest.fixture
def reviewer(as_user):
    return Reviewer(as_user("reviewer"))
