from tests.own_database import app  # noqa: F401  (this package changes the demo city)
from tests.reports.conftest import pdf_text  # noqa: F401  (a fixture)
