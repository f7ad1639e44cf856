"""`flask demo load --persons 200000` must finish within 3 minutes on SQLite (DEMO.md, brief).

Each run loads a fresh database: a new SQLite file, and on PostgreSQL (when DATABASE_URL names a
server) a database of its own that is dropped afterwards. Run with ``make bench`` (pytest -s).
"""
import os
import uuid
from time import perf_counter

import pytest
import sqlalchemy as sa

from tests.support import make_app

PERSONS = int(os.environ.get("BENCH_DEMO_PERSONS", "200000"))
SQLITE_LIMIT_SECONDS = 180
SERVER_URL = os.environ.get("DATABASE_URL", "")


def _load(database_url: str, instance_dir) -> tuple[float, dict]:
    from flask_migrate import upgrade

    from app.demo import load_demo
    from app.extensions import db

    app = make_app(database_url, instance_dir)
    with app.app_context():
        upgrade()
        started = perf_counter()
        summary = load_demo(persons=PERSONS)
        elapsed = perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    assert summary["loaded"], summary
    return elapsed, summary


def _report(label: str, elapsed: float, summary: dict) -> None:
    counts = summary["counts"]
    rows = sum(counts.values())
    print(f"\n[demo load] {label}: {PERSONS:,} persons in {elapsed:.1f} s — {rows:,} rows "
          f"(person {counts['person']:,}, enrollment {counts['enrollment']:,}, "
          f"contribution {counts['contribution']:,}, unit_contribution "
          f"{counts['unit_contribution']:,})")
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in summary["timings"].items())
    print(f"[demo load] steps: {steps}")


@pytest.mark.slow
def test_demo_load_200k_sqlite(tmp_path):
    path = tmp_path / "demo.db"
    try:
        elapsed, summary = _load(f"sqlite:///{path}", tmp_path)
        _report("SQLite", elapsed, summary)
        assert summary["counts"]["person"] == PERSONS
        assert elapsed <= SQLITE_LIMIT_SECONDS
    finally:
        path.unlink(missing_ok=True)  # ~2 GB at 200,000 persons


@pytest.mark.slow
@pytest.mark.postgres
def test_demo_load_200k_postgres(tmp_path):
    """No hard limit on PostgreSQL: the figure is printed for the record."""
    name = f"shebao_bench_{uuid.uuid4().hex[:10]}"
    server = sa.make_url(SERVER_URL)
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        elapsed, summary = _load(url, tmp_path)
        _report("PostgreSQL", elapsed, summary)
        assert summary["counts"]["person"] == PERSONS
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
