"""G5 统计分析 at 200,000 persons: the whole page (four GROUP BY queries, four SVG charts, the
tables) answers in ≤ 500 ms at the median, on the benchmark database of tests/benchmarks
(SQLite; PostgreSQL with DATABASE_URL, loaded and analysed the same way). The amounts come from
the unit totals, so the ledger's millions of rows are never read by the page.
Run with ``make bench`` (pytest -s)."""
import statistics
from time import perf_counter

from tests.support import login

RUNS = 15
MEDIAN_LIMIT_MS = 500.0


def test_statistics_page_at_200k_persons(bench_app):
    client = bench_app.test_client()
    assert login(client, "reviewer").status_code == 302
    for query in ("", "?start=2024-01&end=2026-12&days=90"):
        assert client.get(f"/statistics/{query}").status_code == 200  # warm-up
        times = []
        for _ in range(RUNS):
            started = perf_counter()
            response = client.get(f"/statistics/{query}")
            times.append((perf_counter() - started) * 1000)
            assert response.status_code == 200
        median = statistics.median(times)
        print(f"\n/statistics/{query}: median {median:.0f} ms, max {max(times):.0f} ms "
              f"over {RUNS} runs")
        assert median <= MEDIAN_LIMIT_MS
