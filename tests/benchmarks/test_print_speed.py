"""缴费工资申报汇总表 of one person and of 10,000 (a batch's upper end), rendered without a
database: the one-person form is printed inside the request, the 10,000-row one by a background
job (views/declaration_print.py), so its target is a job's, not a page's. The figures are
printed; run with ``pytest tests/benchmarks/test_print_speed.py -s -p no:cacheprovider``.

Measured on the 2-core development machine under other load: one person ~0.2 s after warm-up,
10,000 persons 85–100 s for 271 pages with a peak RSS of ~1.5 GB (WeasyPrint keeps the whole
layout): that is why big prints run in a job, and why JOB_THREADS stays small."""
import resource
import subprocess
import tempfile
import time

from reports.pdf import declaration_pdf
from tests.reports.forms_support import declaration, id_number, squeeze
from tests.reports.test_wage_summary_pdf import WAGE_LOOKUPS, wage_item

LIMIT_ONE = 2.0  # seconds: inside a request
LIMIT_10K = 180.0  # seconds: a background job with its progress page
ROWS = 10_000


def pages_of(pdf: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], check=True,
                              capture_output=True, text=True).stdout
    return [squeeze(page) for page in text.split("\f") if page.strip()]


def test_one_person():
    form = declaration("C3", [wage_item(1, "张三丰", id_number("19850317", 211), "3000")])
    declaration_pdf(form, WAGE_LOOKUPS)  # warm-up: fonts and WeasyPrint's import
    started = time.perf_counter()
    pdf = declaration_pdf(form, WAGE_LOOKUPS)
    seconds = time.perf_counter() - started
    print(f"\n工资申报汇总表, 1 person: {seconds:.2f} s")
    assert "张三丰" in pages_of(pdf)[0]
    assert seconds <= LIMIT_ONE


def test_ten_thousand_persons():
    wages = ("3000", "6123.45", "30000")  # under the floor, within, above the cap
    items = [wage_item(n, f"职工{n:05d}", id_number(f"19{60 + n % 40:02d}0101", n % 999 + 1),
                       wages[n % 3]) for n in range(1, ROWS + 1)]
    started = time.perf_counter()
    pdf = declaration_pdf(declaration("C3", items), WAGE_LOOKUPS)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages = pages_of(pdf)
    print(f"\n工资申报汇总表, {ROWS:,} persons: {seconds:.1f} s, {len(pages)} pages, "
          f"{len(pdf) / 1024:.0f} KB, peak RSS {peak:.0f} MB")
    assert all(f"第{n}页共{len(pages)}页" in page for n, page in enumerate(pages, 1))
    assert all("缴费基数" in page for page in pages)  # the header on every page
    assert "职工00001" in pages[0] and f"职工{ROWS:05d}" in pages[-1]
    thirds = ROWS // 3
    assert f"按下限人数{thirds}按上限人数{thirds}" in pages[-1]
    assert seconds <= LIMIT_10K
