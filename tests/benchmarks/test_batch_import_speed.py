"""批量增员 (C1) import and approval on a fresh small demo database (400 persons).

Targets (issue): a 10,000-row import, validated and staged, ≤ 1.0 s and ≤ 3× the bare pipeline
measured in the same run (python-calamine read + the row checks + one bulk INSERT into a scratch
table of the same database); 100,000 rows ≤ 8 s as a job (a child process) with peak RSS ≤ 400 MB;
approving a 10,000-item batch (effects applied) ≤ 5 s, on SQLite and, when DATABASE_URL names a
PostgreSQL server, on PostgreSQL too.

The workbooks are the real 报盘模板 (reports.excel_template.template_workbook) prefilled with
distinct, valid people; they are built once and kept under instance/bench/, keyed by the template
builder's source, this file's BENCH_VERSION and the month (start months are "this month").
When a target is missed, the 100k child is run again under cProfile and the top entries printed.
Run with ``pytest tests/benchmarks/test_batch_import_speed.py -s -p no:cacheprovider``.
"""
import cProfile
import hashlib
import io
import json
import pstats
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from python_calamine import CalamineWorkbook
from stdnum.iso7064 import mod_11_2

from tests.support import SERVER_URL, close_app, demo_app, throwaway_database

ROOT = Path(__file__).resolve().parents[2]
BENCH_VERSION = "2"  # 2: 参加工作日期 at 18 (issue 11 §6)
UNIT = "37010000001"
RUNS = 3
LIMIT_10K = 1.0  # seconds, import_file of 10,000 rows
RATIO_LIMIT = 2.0  # against the bare pipeline, same run (issue 11)
LIMIT_100K = 8.0  # seconds of wall time in the child
RSS_LIMIT_MB = 400
LIMIT_DECIDE = 5.0  # seconds, approving 10,000 items
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
DAYS = 11_000  # birth dates from 1970-01-01 over ~30 years
# Disjoint ID ranges, so one file's people are never "already declared" by another's staging.
START = {"10k": 0, "100k": 10_000}

BACKENDS = ["sqlite"] + (["postgresql"] if SERVER_URL.startswith("postgresql") else [])

CHILD = r"""
import cProfile, io, json, pstats, resource, sys, time
from pathlib import Path
from tests.support import make_app
url, path, instance, profile = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4] == "1"


def peak_rss_mb():
    # This program's own peak: VmHWM belongs to the address space exec made; ru_maxrss also
    # counts the parent's pages the child held between fork and exec (the pytest process).
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


app = make_app(url, instance)
from sqlalchemy import select
from app.batch.importer import import_file
from app.extensions import db
from models.user import ShebaoUser
data = Path(path).read_bytes()
with app.test_request_context():
    user = db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == "37010000001"))
    user_id, unit_id = user.id, user.unit_id
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    result = import_file(unit_id, "C1", user, data, "bench-100k.xlsx")
    if profiler:
        profiler.disable()
    wall = time.perf_counter() - started
    out = {"wall": wall, "good": result.good, "bad": result.bad,
           "rss_mb": peak_rss_mb(), "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(15)
        tottime = io.StringIO()
        pstats.Stats(profiler, stream=tottime).sort_stats("tottime").print_stats(15)
        out["profile"] = text.getvalue() + tottime.getvalue()
    out["bad_rows"] = result.bad_rows[:3]
    # Unstage, so a second (profiled) run sees the same database as the first.
    from sqlalchemy import delete
    from models.declaration import Declaration, DeclarationEvent, DeclarationItem
    pk = result.declaration.id
    db.session.rollback()
    db.session.execute(delete(DeclarationItem).where(DeclarationItem.declaration_id == pk))
    db.session.execute(delete(DeclarationEvent).where(DeclarationEvent.declaration_id == pk))
    db.session.execute(delete(Declaration).where(Declaration.id == pk))
    db.session.commit()
print("RESULT " + json.dumps(out))
"""


def id_number(i: int) -> str:
    """Distinct valid IDs of men (odd sequence) born 1970–2000; i < 110,000 keeps seq < 1000."""
    born = date(1970, 1, 1) + timedelta(days=i % DAYS)
    body = f"370102{born:%Y%m%d}{(i // DAYS) * 2 + 1:03d}"
    return body + mod_11_2.calc_check_digit(body)


def name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 20) % len(GIVEN)] + GIVEN[(i // 500) % len(GIVEN)]


def bench_file(app, label: str, rows: int) -> Path:
    from app.declarations.choices import load_choices
    from reports import excel_template
    from rules.business import get

    folder = ROOT / "instance" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(Path(excel_template.__file__).read_bytes() + BENCH_VERSION.encode()
                         + date.today().strftime("%Y-%m").encode())
    path = folder / f"import-C1-{label}-{key.hexdigest()[:12]}.xlsx"
    if not path.exists():
        with app.app_context():
            business, choices = get("C1"), load_choices()
        example = excel_template.example_rows(business, choices)[0]
        people = []
        for i in range(START[label], START[label] + rows):
            number = id_number(i)
            born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            people.append(dict(example, id_number=number, name=name(i), gender="male",
                               birth_date=born, retirement_category="male",
                               phone=f"139{i:08d}",
                               first_work_month=(born.year + 18) * 100 + born.month))
        partial = path.with_suffix(".partial")
        partial.write_bytes(excel_template.template_workbook(business, choices, people))
        partial.rename(path)
        for stale in folder.glob(f"import-C1-{label}-*.xlsx"):
            if stale != path:
                stale.unlink()
    return path


@pytest.fixture(scope="module", params=BACKENDS)
def bench(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"import-{request.param}")
    server = SERVER_URL if request.param == "postgresql" else ""
    with throwaway_database(server, folder) as url:
        app = demo_app(url, folder, persons=400)
        state = {"app": app, "url": url, "folder": folder, "backend": request.param}
        yield state
        close_app(app)


def employer(app_db, username=UNIT):
    from models.user import ShebaoUser

    return app_db.session.scalar(sa.select(ShebaoUser).where(ShebaoUser.username == username))


def bare_pipeline(data: bytes, engine, wage_column: int) -> int:
    """calamine read + ID normalize + Decimal parse per row + one executemany INSERT."""
    from rules.id_number import normalize

    rows = []
    with CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
        sheet = workbook.get_sheet_by_index(0).to_python()
    for cells in sheet[1:]:
        number = normalize(str(cells[0]))
        wage = Decimal(str(cells[wage_column]))
        rows.append({"id_number": number, "name": str(cells[1]), "wage": wage})
    meta = sa.MetaData()
    scratch = sa.Table("bench_scratch", meta, sa.Column("id", sa.Integer, primary_key=True),
                       sa.Column("id_number", sa.String(18)), sa.Column("name", sa.String(50)),
                       sa.Column("wage", sa.Numeric(12, 2)))
    with engine.begin() as conn:
        scratch.drop(conn, checkfirst=True)
        scratch.create(conn)
        conn.execute(sa.insert(scratch), rows)
    return len(rows)


def timed(call):
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, value


def test_import_10k(bench):
    from app.batch.importer import import_file
    from app.extensions import db
    from rules.business import get

    app = bench["app"]
    data = bench_file(app, "10k", 10_000).read_bytes()
    wage_column = [f.name for f in get("C1").fields].index("wage")
    imports, bares = [], []
    with app.test_request_context():
        user = employer(db)
        declaration = None
        for _ in range(RUNS):  # interleaved; runs after the first re-import into the same draft
            seconds, result = timed(lambda: import_file(user.unit_id, "C1", user, data,
                                                        "bench-10k.xlsx", declaration))
            declaration = result.declaration
            assert result.good == 10_000, result.bad_rows[:3]
            imports.append(seconds)
            seconds, count = timed(lambda: bare_pipeline(data, db.engine, wage_column))
            assert count == 10_000
            bares.append(seconds)
        bench["declaration_id"] = declaration.id
        best, bare = min(imports), min(bares)
        if best > LIMIT_10K or best / bare > RATIO_LIMIT:
            profiler = cProfile.Profile()
            profiler.runcall(import_file, user.unit_id, "C1", user, data, "bench-10k.xlsx",
                             declaration)
            text = io.StringIO()
            for order in ("cumulative", "tottime"):
                pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(15)
            print(f"\n10k import missed its target; one re-import under cProfile:\n"
                  f"{text.getvalue()}")
    print(f"\n[{bench['backend']}] 10,000-row C1 import: first {imports[0]:.3f} s, best {best:.3f} s "
          f"(median {statistics.median(imports):.3f}); bare pipeline best {bare:.3f} s "
          f"(median {statistics.median(bares):.3f}); ratio {best / bare:.2f}")
    assert best <= LIMIT_10K
    assert best / bare <= RATIO_LIMIT


def run_child(bench, path: Path, profile: bool) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, bench["url"], str(path), str(bench["folder"]),
         "1" if profile else "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    line = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def test_import_100k_job(bench):
    path = bench_file(bench["app"], "100k", 100_000)
    out = run_child(bench, path, profile=False)
    print(f"\n[{bench['backend']}] 100,000-row C1 import in a child: {out['wall']:.2f} s, "
          f"peak RSS {out['rss_mb']:.0f} MB (ru_maxrss {out['ru_maxrss_mb']:.0f} MB); good {out['good']}, bad {out['bad']} "
          f"(e.g. {[(b['row'], *b['errors'].values()) for b in out['bad_rows']]})")
    if out["wall"] > LIMIT_100K or out["rss_mb"] > RSS_LIMIT_MB:
        profiled = run_child(bench, path, profile=True)
        print(f"profiled run ({profiled['wall']:.2f} s under cProfile):\n{profiled['profile']}")
    # A few generated IDs belong to demo people already insured elsewhere: refused, rightly.
    assert out["good"] + out["bad"] == 100_000 and out["good"] >= 99_900
    assert out["wall"] <= LIMIT_100K
    assert out["rss_mb"] <= RSS_LIMIT_MB


def test_approve_10k(bench):
    from app.declarations import commands
    from app.extensions import db
    from models.declaration import Declaration, Material
    from rules.business import get

    if "declaration_id" not in bench:
        pytest.skip("needs the staged 10k batch of test_import_10k")
    app = bench["app"]
    with app.test_request_context():
        declaration = db.session.get(Declaration, bench["declaration_id"])
        for m in get(declaration.business_code).materials:
            if m.required:
                db.session.add(Material(declaration_id=declaration.id, material_type=m.code,
                                        filename=f"{m.code}.pdf", content_type="application/pdf",
                                        size=10, sha256="0" * 64))
        db.session.commit()
        submit_s, _ = timed(lambda: commands.submit(declaration, employer(db)))
        reviewer = employer(db, "reviewer")
        claim_s, _ = timed(lambda: commands.claim(declaration, reviewer))
        results = {item.id: True for item in declaration.items}
        assert len(results) == 10_000
        decide_s, _ = timed(lambda: commands.decide(declaration, reviewer, results, ""))
        assert declaration.status == "approved"
    print(f"\n[{bench['backend']}] 10,000 items: submit {submit_s:.3f} s, claim {claim_s:.3f} s, "
          f"decide (all approved, effects applied) {decide_s:.3f} s")
    assert decide_s <= LIMIT_DECIDE
