"""G5 统计分析 at 200,000 persons: the whole page (four GROUP BY queries, four SVG charts, the
tables) answers in ≤ 500 ms at the median, on the benchmark database of tests/benchmarks
(SQLite) and on PostgreSQL (DATABASE_URL: a database of its own, loaded and VACUUM ANALYZEd).
The amounts come from the unit totals, so the ledger's millions of rows are never read.
Run with ``make bench`` (pytest -s)."""
import statistics
from time import perf_counter

import pytest
import sqlalchemy as sa

from tests.benchmarks.conftest import BENCH_PERSONS
from tests.support import SERVER_URL, close_app, demo_app, login, throwaway_database

RUNS = 15
MEDIAN_LIMIT_MS = 500.0
QUERIES = ("", "?start=2024-01&end=2026-12&days=90")


def measure(app, label: str) -> None:
    client = app.test_client()
    assert login(client, "reviewer").status_code == 302
    for query in QUERIES:
        assert client.get(f"/statistics/{query}").status_code == 200  # warm-up
        times = []
        for _ in range(RUNS):
            started = perf_counter()
            response = client.get(f"/statistics/{query}")
            times.append((perf_counter() - started) * 1000)
            assert response.status_code == 200
        median = statistics.median(times)
        print(f"\n{label} /statistics/{query}: median {median:.0f} ms, "
              f"max {max(times):.0f} ms over {RUNS} runs")
        assert median <= MEDIAN_LIMIT_MS


def test_statistics_page_200k_sqlite(bench_app):
    measure(bench_app, "SQLite")


@pytest.mark.slow
@pytest.mark.postgres
def test_statistics_page_200k_postgres(tmp_path):
    with throwaway_database(SERVER_URL, tmp_path) as url:
        app = demo_app(url, tmp_path, BENCH_PERSONS)
        try:
            engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
            engine.dispose()
            measure(app, "PostgreSQL")
        finally:
            close_app(app)
