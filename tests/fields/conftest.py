from tests.own_database import app  # noqa: F401  (this package changes the demo city)
