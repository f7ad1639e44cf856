from tests.own_database import app  # noqa: F401  (bills and payments change the demo city)
