from tests.own_database import app  # noqa: F401  (batches change the demo city)
