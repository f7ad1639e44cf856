from tests.own_database import app  # noqa: F401
