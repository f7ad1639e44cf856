"""Background jobs (H6): their own database (jobs write rows)."""
import pytest

from tests.own_database import app  # noqa: F401


@pytest.fixture(scope="package", autouse=True)
def jobs_app(app):  # noqa: F811
    """The package's app running jobs in-process whatever the environment says (the Celery
    test sets its broker itself), and its thread runner stopped at the end."""
    from app import jobs

    app.config["CELERY_BROKER_URL"] = ""
    yield app
    jobs.shutdown(app)
