"""A 200,000-person demo database for the page benchmarks, built once and kept under
instance/bench/ (keyed by the schema and the loader's source, so any change rebuilds it)."""
import hashlib
from pathlib import Path

import pytest

from tests.support import make_app

ROOT = Path(__file__).resolve().parents[2]
BENCH_PERSONS = 200_000


def _source_key() -> str:
    digest = hashlib.sha256()
    for folder in ("migrations/versions", "app/demo"):
        for path in sorted((ROOT / folder).glob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@pytest.fixture(scope="session")
def bench_app():
    from flask_migrate import upgrade

    from app.demo import load_demo

    folder = ROOT / "instance" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"demo-{BENCH_PERSONS}-{_source_key()}.db"
    fresh = not path.exists()
    partial = path.with_suffix(".partial")
    app = make_app(f"sqlite:///{partial if fresh else path}", folder)
    if fresh:
        partial.unlink(missing_ok=True)
        with app.app_context():
            upgrade()
            load_demo(persons=BENCH_PERSONS)
            from app.extensions import db

            db.engine.dispose()
        partial.rename(path)
        for stale in folder.glob(f"demo-{BENCH_PERSONS}-*.db"):
            if stale != path:
                stale.unlink()
        app = make_app(f"sqlite:///{path}", folder)
    return app
