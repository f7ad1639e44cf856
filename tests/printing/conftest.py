from tests.own_database import app  # noqa: F401  (a C3 of the year: the unit's one per year)
