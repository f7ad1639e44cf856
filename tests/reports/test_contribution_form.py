"""社会保险费申报表 (F2) read back with pdftotext: the unit, the period, per 险种 the ledger's sums
(persons, base, unit and personal amounts, late fee) and the total in capitals equal to
``rmb_upper(total)``; printed over HTTP by the employer (own unit only) and the reviewer (any
unit by number); bad periods refused with a message and an audit row. And the chunked join
(reports/chunked_pdf.py): page numbers continuous over ≥ 3 chunks, every row once, in order."""
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from reports.chunked_pdf import Chunk, join_documents, render_chunked
from reports.contribution_form import (
    InsuranceLine, NothingToPrint, contribution_form_context, contribution_form_pdf,
)
from reports.declaration_form import declaration_context
from reports.pdf import render_pdf
from rules.money import rmb_upper
from rules.months import add_months, month_label, to_month
from tests.reports.forms_support import UNIT, declaration, squeeze
from tests.reports.test_wage_summary_pdf import WAGE_LOOKUPS, wage_item
from tests.support import login

EMPLOYER, OTHER = "37010000001", "37010000002"
D = Decimal


# --- the context, without a database -------------------------------------------------------
LINES = [
    InsuranceLine("110", "企业职工基本养老保险", 3, D("15000.00"), D("2400.00"), D("1200.00"),
                  D("0.00"), [D("0.16")], [D("0.08")]),
    InsuranceLine("210", "失业保险", 3, D("15000.00"), D("105.00"), D("45.00"), D("1.23"),
                  [D("0.007")], [D("0.003")]),
    InsuranceLine("410", "工伤保险", 3, D("15000.00"), D("30.00"), D("0.00"), D("0"),
                  [D("0.002"), D("0.0024")], [D("0")]),
]


def test_context_totals_rates_and_capitals():
    context = contribution_form_context(UNIT, 202603, 202605, LINES, 3, date(2026, 6, 2))
    assert context["period"] == "2026-03至2026-05"
    assert context["unit_total"] == "2535.00" and context["personal_total"] == "1245.00"
    assert context["late_fee_total"] == "1.23" and context["total"] == "3781.23"
    assert context["total_upper"] == "人民币叁仟柒佰捌拾壹元贰角叁分" == rmb_upper(
        D("3781.23"), prefix=True)
    pension, unemployment, injury = context["rows"]
    assert (pension["unit_rate"], pension["personal_rate"]) == ("16%", "8%")
    assert (unemployment["unit_rate"], unemployment["total"]) == ("0.7%", "151.23")
    assert injury["unit_rate"] == "0.2%、0.24%" and injury["personal_rate"] == "0%"
    assert contribution_form_context(UNIT, 202604, 202604, LINES, 3, date(2026, 6, 2))[
        "period"] == "2026-04"


def test_a_period_without_ledger_rows_is_not_printed():
    with pytest.raises(NothingToPrint):
        contribution_form_context(UNIT, 202604, 202604, [], 0, date(2026, 6, 2))


def test_the_form_prints_the_facts(pdf_text):
    context = contribution_form_context(UNIT, 202603, 202605, LINES, 3, date(2026, 6, 2))
    text = squeeze(pdf_text(render_pdf("contribution_form", **context)))
    for expected in ("社会保险费申报表", UNIT.name, UNIT.unit_no, "2026-03至2026-05",
                     "2026-06-02", "企业职工基本养老保险315000.0016%2400.008%1200.000.003600.00",
                     "合计32535.001245.001.233781.23",
                     "合计金额(人民币)大写人民币叁仟柒佰捌拾壹元贰角叁分", "缴费单位（盖章）",
                     "第1页共1页"):
        assert expected in text, expected


# --- from the demo ledger ----------------------------------------------------------------
def _ledger(app, unit_no, first, last):
    """The unit's ledger sums per 险种 name, added up here in Python (not by the report)."""
    from app.extensions import db
    from models.contribution import Contribution
    from models.reference import Insurance
    from models.unit import Unit

    with app.app_context():
        unit = db.session.scalar(sa.select(Unit).where(Unit.unit_no == unit_no))
        rows = db.session.execute(
            sa.select(Insurance.name, Contribution.person_id, Contribution.base,
                      Contribution.unit_amount, Contribution.personal_amount,
                      Contribution.late_fee)
            .join(Insurance, Insurance.id == Contribution.insurance_id)
            .where(Contribution.unit_id == unit.id,
                   Contribution.month.between(first, last))).all()
        facts = {"name": unit.name, "unit_no": unit.unit_no, "id": unit.id}
    sums = defaultdict(lambda: [set(), D(0), D(0), D(0), D(0)])
    for name, person, base, unit_amount, personal, late in rows:
        line = sums[name]
        line[0].add(person)
        for i, value in enumerate((base, unit_amount, personal, late), 1):
            line[i] += value
    return facts, sums


def _latest_month(app, unit_no):
    from app.extensions import db
    from models.contribution import Contribution
    from models.unit import Unit

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.max(Contribution.month)).join(
            Unit, Unit.id == Contribution.unit_id).where(Unit.unit_no == unit_no))


def _client(app, username):
    c = app.test_client()
    assert login(c, username).status_code == 302
    return c


def _audit_rows(app, **where):
    from app.extensions import db
    from models.audit import AuditLog

    with app.app_context():
        return [SimpleNamespace(detail=row.detail, target_id=row.target_id) for row in
                db.session.scalars(sa.select(AuditLog).where(
                    AuditLog.action == "contribution_form_print",
                    *[getattr(AuditLog, k) == v for k, v in where.items()])
                    .order_by(AuditLog.id))]


@pytest.fixture(scope="module")
def period(app):
    last = _latest_month(app, EMPLOYER)
    assert last is not None, "the demo unit has no ledger"
    return add_months(last, -2), last


def test_employer_prints_the_ledger_sums_of_its_unit(app, period, pdf_text):
    first, last = period
    unit, sums = _ledger(app, EMPLOYER, first, last)
    response = _client(app, EMPLOYER).get(
        f"/contribution-form/?first={month_label(first)}&last={month_label(last)}")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"] == "application/pdf"
    layout = pdf_text(response.data)
    text = squeeze(layout)
    assert unit["name"] in text and unit["unit_no"] in text
    assert f"{month_label(first)}至{month_label(last)}" in text
    # A row's cells, split by the gaps pdftotext -layout leaves between columns.
    cells = {line.split()[0]: line.split()[1:] for line in layout.splitlines() if line.strip()}
    total = D(0)
    for name, (persons, base, unit_amount, personal, late) in sums.items():
        line_total = unit_amount + personal + late
        total += line_total
        count, base_total, unit_rate, unit_sum, personal_rate, personal_sum, fee, subtotal = \
            cells[name]
        assert (count, base_total, unit_sum, personal_sum, fee, subtotal) == (
            str(len(persons)), f"{base:.2f}", f"{unit_amount:.2f}", f"{personal:.2f}",
            f"{late:.2f}", f"{line_total:.2f}"), name
        assert unit_rate.endswith("%") and personal_rate.endswith("%")
    assert total > 0
    assert f"合计金额(人民币)大写{rmb_upper(total, prefix=True)}" in text
    done = _audit_rows(app, success=True, target_id=str(unit["id"]))
    assert done and done[-1].detail == {"unit_no": EMPLOYER, "first": first, "last": last}


def test_one_month_without_an_end(app, period, pdf_text):
    last = period[1]
    response = _client(app, EMPLOYER).get(f"/contribution-form/?first={last}&last=")
    assert response.headers["Content-Type"] == "application/pdf"
    text = squeeze(pdf_text(response.data))
    assert f"费款所属期{month_label(last)}填表日期{date.today().isoformat()}" in text


def test_the_form_page_in_chinese_and_english(app):
    c = _client(app, EMPLOYER)
    page = c.get("/contribution-form/").text
    assert "费款所属期起" in page and 'name="unit_no"' not in page  # the employer's own unit
    c.get("/lang/en")
    page = c.get("/contribution-form/").text
    assert "Social Insurance Contribution Declaration Form" in page and "Fee period from" in page


def test_an_employer_never_prints_another_unit(app, period, pdf_text):
    first, last = period
    other, _sums = _ledger(app, OTHER, first, last)
    before = len(_audit_rows(app, success=False))
    response = _client(app, EMPLOYER).get(
        f"/contribution-form/?first={month_label(last)}&unit_no={OTHER}")
    assert response.status_code == 200 and "text/html" in response.headers["Content-Type"]
    assert "只能打印本单位的申报表" in response.text and other["name"] not in response.text
    refused = _audit_rows(app, success=False)
    assert len(refused) == before + 1 and refused[-1].detail["unit_no"] == OTHER
    # Its own number is fine, and the form shows its own unit, never the other.
    mine = _client(app, EMPLOYER).get(
        f"/contribution-form/?first={month_label(last)}&unit_no={EMPLOYER}")
    text = squeeze(pdf_text(mine.data))
    assert EMPLOYER in text and OTHER not in text and other["name"] not in text


def test_the_reviewer_prints_any_unit_by_its_number(app, period, pdf_text):
    last = period[1]
    other, sums = _ledger(app, OTHER, last, last)
    c = _client(app, "reviewer")
    assert 'name="unit_no"' in c.get("/contribution-form/").text
    response = c.get(f"/contribution-form/?first={month_label(last)}&unit_no={OTHER}")
    assert response.headers["Content-Type"] == "application/pdf"
    text = squeeze(pdf_text(response.data))
    assert other["name"] in text and OTHER in text
    total = sum((s[2] + s[3] + s[4] for s in sums.values()), D(0))
    assert rmb_upper(total, prefix=True) in text
    for bad, message in (("", "请填写单位编号"), ("99999999999", "单位编号99999999999不存在")):
        page = c.get(f"/contribution-form/?first={month_label(last)}&unit_no={bad}")
        assert "text/html" in page.headers["Content-Type"] and message in page.text


def test_not_logged_in_no_form(app):
    response = app.test_client().get("/contribution-form/?first=2026-01")
    assert response.status_code in (302, 401, 403)
    assert response.headers.get("Content-Type") != "application/pdf"


NEXT = month_label(add_months(to_month(date.today()), 1))


@pytest.mark.parametrize("query, message", [
    ("first=", "请填写费款所属期起"),
    ("first=abc", "费款所属期起“abc”不是有效的年月"),
    ("first=2026-13", "费款所属期起“2026-13”不是有效的年月"),
    ("first=<script>", "费款所属期起“&lt;script&gt;”不是有效的年月"),
    ("first=2026-05&last=2026-02", "费款所属期止不能早于费款所属期起"),
    (f"first={NEXT}", "以后的费款所属期"),
    ("first=2024-01&last=2025-06", "费款所属期最长12个月"),
    ("first=1990-01", "1990-01没有缴费记录"),
])
def test_bad_periods_are_refused_with_a_reason_and_an_audit_row(app, query, message):
    before = len(_audit_rows(app, success=False))
    response = _client(app, EMPLOYER).get(f"/contribution-form/?{query}")
    assert response.status_code == 200 and "text/html" in response.headers["Content-Type"]
    assert message in response.text
    assert len(_audit_rows(app, success=False)) == before + 1


def test_bad_period_in_english(app):
    c = _client(app, EMPLOYER)
    c.get("/lang/en")
    page = c.get("/contribution-form/?first=2026-05&last=2026-02").text
    assert "cannot be earlier" in page and "费款所属期止不能" not in page


def test_without_a_request_the_pdf_needs_only_the_unit(app, period, pdf_text):
    """contribution_form_pdf straight (a job could call it): the reviewer's view of a unit."""
    from app.extensions import db
    from models.unit import Unit

    with app.app_context():
        unit = db.session.scalar(sa.select(Unit).where(Unit.unit_no == EMPLOYER))
        text = squeeze(pdf_text(contribution_form_pdf(unit, *period, today=date(2026, 6, 2))))
    assert "填表日期2026-06-02" in text and "企业职工基本养老保险" in text


# --- the chunked join ----------------------------------------------------------------------
ROWS = 300


@pytest.fixture(scope="module")
def chunked():
    """The 工资申报汇总表 of 300 persons in chunks of 70 rows (5 chunks, boundaries inside
    pages), with the progress it reported."""
    wages = ("3000", "6123.45", "30000")
    items = [wage_item(n, f"职工{n:05d}", f"37010219{60 + n % 40:02d}0101{n:04d}", wages[n % 3])
             for n in range(1, ROWS + 1)]
    context = declaration_context(declaration("C3", items), WAGE_LOOKUPS)
    template, rows = context.pop("template"), context.pop("rows")
    seen, progress = [], []

    def context_of(part, chunk):
        seen.append(chunk)
        return {**context, "rows": part}

    pdf = render_chunked(template, context_of, rows, 70,
                         progress=lambda done, total: progress.append((done, total)))
    return SimpleNamespace(pdf=pdf, chunks=seen, progress=progress, items=items)


def test_chunks_page_numbers_run_on(chunked, pdf_text):
    assert [c.index for c in chunked.chunks] == [0, 1, 2, 3, 4]
    assert chunked.chunks[0] == Chunk(0, 5, 0)
    # A chunk starts where the last one's full pages ended (the rows of its short last page
    # are laid out again) and ends where planned: 70, 140, 210, 280.
    offsets = [c.offset for c in chunked.chunks]
    assert all(end - 70 < offset <= end for offset, end in zip(offsets[1:], (70, 140, 210, 280)))
    assert [done for done, _ in chunked.progress] == [*offsets[1:], 300]
    assert {total for _, total in chunked.progress} == {300}
    pages = [squeeze(p) for p in pdf_text(chunked.pdf).split("\f") if p.strip()]
    assert len(pages) >= 5
    for number, page in enumerate(pages, 1):
        assert page.count(f"第{number}页共{len(pages)}页") == 1, number  # one number per page
        assert "缴费基数" in page  # the table header on every page
    assert "申报年度2026" in pages[0] and "申报年度" not in "".join(pages[1:])  # header once
    assert "按下限人数100按上限人数100" in pages[-1] and "合计300人" in pages[-1]
    assert "按下限人数" not in "".join(pages[:-1])  # totals once, at the end


def test_chunks_keep_every_row_once_in_order(chunked, pdf_text):
    names = re.findall(r"职工(\d{5})", squeeze(pdf_text(chunked.pdf)))
    assert [int(n) for n in names] == list(range(1, ROWS + 1))


def test_chunks_fill_their_pages_as_one_piece_does(chunked, pdf_text):
    """No short page where a chunk ended: the same rows on each page as the form in one piece."""
    context = declaration_context(declaration("C3", chunked.items), WAGE_LOOKUPS)
    whole = render_pdf(context.pop("template"), **context)

    def rows_per_page(pdf):
        return [len(re.findall(r"职工\d{5}", squeeze(page)))
                for page in pdf_text(pdf).split("\f") if page.strip()]

    assert rows_per_page(chunked.pdf) == rows_per_page(whole)


def test_one_chunk_is_the_one_piece_render(pdf_text):
    """Rows fewer than a chunk: the same words as the form rendered whole."""
    items = [wage_item(n, f"职工{n:05d}", f"3701021960010{n:05d}", "5000") for n in range(1, 6)]
    context = declaration_context(declaration("C3", items), WAGE_LOOKUPS)
    template, rows = context.pop("template"), context.pop("rows")
    whole = squeeze(pdf_text(render_pdf(template, rows=rows, **context)))
    chunked = squeeze(pdf_text(render_chunked(template, lambda part, c: {**context, "rows": part},
                                              rows, 500)))
    assert sorted(chunked) == sorted(whole) and "第1页共1页" in chunked


def test_independent_documents_join_with_their_own_numbers(pdf_text, tmp_path):
    def form(name, count):
        items = [wage_item(n, f"{name}{n:03d}", f"3701021960010{n:05d}", "5000")
                 for n in range(1, count + 1)]
        context = declaration_context(declaration("C3", items), WAGE_LOOKUPS)
        return render_pdf(context.pop("template"), **context)

    progress = []
    path = tmp_path / "joined.pdf"
    documents = (form(name, count) for name, count in (("甲", 3), ("乙", 60), ("丙", 2)))
    assert join_documents(documents, progress=lambda d, t: progress.append((d, t)), total=3,
                          output=path) is None
    pages = [squeeze(p) for p in pdf_text(path.read_bytes()).split("\f") if p.strip()]
    assert progress == [(1, 3), (2, 3), (3, 3)]
    assert "甲001" in pages[0] and "第1页共1页" in pages[0]
    middle = pages[1:-1]  # 乙's own pages, numbered 1 to its count
    assert len(middle) >= 2 and "乙001" in middle[0] and "乙060" in "".join(middle)
    assert all(f"第{n}页共{len(middle)}页" in page for n, page in enumerate(middle, 1))
    assert "丙002" in pages[-1] and "第1页共1页" in pages[-1]


def test_the_collector_is_back_as_it_was_after_a_render():
    import gc

    from reports.chunked_pdf import _collection_paused

    assert gc.isenabled()
    with _collection_paused():
        with _collection_paused():  # nested (two renders in threads): still paused inside
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with _collection_paused():
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()


def test_a_chunk_of_no_rows_is_refused():
    with pytest.raises(ValueError):
        render_chunked("wage_summary", lambda part, chunk: {}, [1, 2], 0)
