from tests.own_database import app  # noqa: F401  (this package registers unit 37010000003)
