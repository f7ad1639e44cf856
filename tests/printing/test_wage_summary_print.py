"""The 工资申报 summary (缴费工资申报汇总表) of a real C3 declaration, printed over HTTP and read
back with pdftotext: the unit, the year and its floor and cap, each person's declared wage, the
base used and the clamp mark, the totals. Its owner and the reviewer print it; another unit's
employer gets 404 and not a byte of it, also when a big declaration is printed by a job."""
from decimal import Decimal

import pytest

from app import jobs
from tests.declarations.flows import (
    LARGE,
    ORDINARY,
    VIP,
    Employer,
    add_required_materials,
    new_person_form,
)
from tests.declarations.test_batch_businesses import (
    YEAR, batch, limits, staff, user, wage_row,
)
from tests.reports.conftest import pdf_text  # noqa: F401  (the fixture, read with pdftotext)
from tests.reports.forms_support import squeeze
from tests.support import login

CENT = Decimal("0.01")


def client(app, username):
    c = app.test_client()
    assert login(c, username).status_code == 302
    return c


@pytest.fixture(scope="module")
def c3(app):
    """A C3 of the large unit: one person under the floor, one between, one above the cap and
    one the reviewer rejects (部分处理成功). Returns what the form must show."""
    with app.test_request_context():
        from app.extensions import db

        employer = user(db, LARGE)
        floor, cap = limits(db, YEAR)
        people = staff(db, employer.unit_id, limit=4)
        wages = [floor - Decimal("0.5"), Decimal("6123.45"), cap + Decimal("1000.10"),
                 Decimal("7000")]
        d = batch(db, employer, "C3", [wage_row(p, w) for p, w in zip(people, wages)])
        rejected = d.items[3]
        results = {i.id: i is not rejected for i in d.items}
        _materials_and_submit(db, d, employer)
        assert d.status == "submitted", "the large unit is an ordinary one (no auto-review)"
        from app.declarations import commands

        reviewer = user(db, "reviewer")
        commands.claim(d, reviewer)
        commands.decide(d, reviewer, results, "第4行工资发放明细不符")
        facts = dict(pk=d.id, serial=d.serial_no, floor=floor, cap=cap, status=d.status,
                     unit_no=d.unit.unit_no, unit_name=d.unit.name,
                     people=[(p.id_number, p.name) for p in people], wages=wages)
        db.session.rollback()
    return facts


def _materials_and_submit(db, d, employer):
    from app.declarations import commands

    add_required_materials(db.session, d)
    commands.submit(d, employer)


def money(value) -> str:
    return f"{Decimal(value).quantize(CENT):.2f}"


def assert_summary(text: str, c3: dict):
    floor, cap, wages = c3["floor"], c3["cap"], c3["wages"]
    for expected in ("缴费工资申报汇总表", c3["unit_name"], c3["unit_no"], c3["serial"],
                     f"申报年度{YEAR}", f"缴费基数下限{money(floor)}",
                     f"缴费基数上限{money(cap)}", "单位经办人", "单位盖章", "第1页共1页"):
        assert expected in text, expected
    for number, name in c3["people"]:
        assert number in text and name in text, name
    (n0, name0), _, _, (n3, name3) = c3["people"]
    # Under the floor: declared wage, then the floor as base, marked 按下限; above the cap the
    # cap, marked 按上限; in between the wage itself, unmarked.
    assert f"{n0}{name0}{money(wages[0])}{money(floor)}按下限通过" in text
    assert f"{money(wages[1])}{money(wages[1])}通过" in text
    assert f"{money(wages[2])}{money(cap)}按上限通过" in text
    bases = floor + wages[1] + cap
    assert f"{n3}{name3}{money(wages[3])}不通过" in text  # a rejected row has no base
    assert "合计4人，其中审核通过3人" in text
    assert f"申报人数4缴费工资合计{money(sum(wages))}缴费基数合计{money(bases)}" in text
    assert "按下限人数1按上限人数1" in text


def test_the_owner_prints_the_summary(app, c3, pdf_text):
    assert c3["status"] == "partial"
    response = client(app, LARGE).get(f"/declare/c3/{c3['pk']}/print.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert_summary(squeeze(pdf_text(response.data)), c3)


def test_the_status_page_offers_the_print(app, c3):
    page = client(app, LARGE).get(f"/declare/c3/{c3['pk']}/").get_data(as_text=True)
    assert f"/declare/c3/{c3['pk']}/print.pdf" in page


def test_the_reviewer_prints_it_too(app, c3, pdf_text):
    c = client(app, "reviewer")
    assert f"/review/{c3['pk']}/print.pdf" in c.get(f"/review/{c3['pk']}/").get_data(as_text=True)
    response = c.get(f"/review/{c3['pk']}/print.pdf")
    assert response.status_code == 200
    assert_summary(squeeze(pdf_text(response.data)), c3)


@pytest.mark.parametrize("intruder", [ORDINARY, VIP])
def test_another_units_employer_cannot_print_it(app, c3, intruder):
    c = client(app, intruder)
    for path in (f"/declare/c3/{c3['pk']}/print.pdf", f"/review/{c3['pk']}/print.pdf"):
        response = c.get(path)
        assert response.status_code in (403, 404) or (
            response.status_code == 302 and "/login" in response.headers["Location"]), path
        body = response.get_data(as_text=True)
        assert c3["serial"] not in body and c3["people"][0][0] not in body


def test_an_undecided_declaration_prints_for_the_reviewer_only(app, pdf_text):
    """The reviewer checks the unit's paper against the form before deciding: it prints, marked
    as not official; the employer prints only what the center has decided."""
    owner = client(app, ORDINARY)
    pk = Employer(owner, "C1").through_submit(new_person_form(93, name="待审新人"))
    response = client(app, "reviewer").get(f"/review/{pk}/print.pdf")
    assert response.status_code == 200
    text = squeeze(pdf_text(response.data))
    assert "本表所列申报尚未审核通过，仅供核对" in text and "待审新人" in text
    assert owner.get(f"/declare/c1/{pk}/print.pdf").status_code == 404


@pytest.fixture
def print_by_job(app):
    """Every declaration counts as big: printing goes through the background job."""
    before = app.config.get("PRINT_INLINE_ROWS")
    app.config["PRINT_INLINE_ROWS"] = 1
    yield
    if before is None:
        app.config.pop("PRINT_INLINE_ROWS")
    else:
        app.config["PRINT_INLINE_ROWS"] = before


def test_a_big_declaration_is_printed_by_a_job_only_its_unit_sees(app, c3, pdf_text,
                                                                     print_by_job):
    owner = client(app, LARGE)
    response = owner.get(f"/declare/c3/{c3['pk']}/print.pdf")
    assert response.status_code == 302
    location = response.headers["Location"]
    # No next=: the job page would leave for it as soon as the job is done, before the download.
    assert "/jobs/" in location and "next=" not in location
    job_id = location.split("/jobs/")[1].split("/")[0]
    with app.app_context():
        done = jobs.wait(job_id, timeout=120)
        assert done.status == jobs.DONE, done.message
        assert done.unit_id is not None
    assert f"/jobs/{job_id}/result" in owner.get(location).get_data(as_text=True)
    result = owner.get(f"/jobs/{job_id}/result")
    assert result.status_code == 200
    assert_summary(squeeze(pdf_text(result.data)), c3)
    for intruder in (ORDINARY, VIP):
        c = client(app, intruder)
        for path in (f"/jobs/{job_id}/", f"/jobs/{job_id}.json", f"/jobs/{job_id}/result"):
            assert c.get(path).status_code == 404, (intruder, path)
    # The reviewer's print of a big declaration is a job too, and the reviewer may fetch it.
    reviewer = client(app, "reviewer")
    response = reviewer.get(f"/review/{c3['pk']}/print.pdf")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job_id = response.headers["Location"].split("/jobs/")[1].split("/")[0]
    with app.app_context():
        assert jobs.wait(job_id, timeout=120).status == jobs.DONE
    assert reviewer.get(f"/jobs/{job_id}/result").status_code == 200


def test_a_job_prints_in_chunks_with_progress_and_pages_numbered_on(app, c3, pdf_text,
                                                                      print_by_job):
    """Chunks of 2 rows (reports/chunked_pdf.py): the same form, its pages numbered through,
    and the job's progress counted in rows."""
    app.config["PRINT_CHUNK_ROWS"] = 2
    try:
        owner = client(app, LARGE)
        location = owner.get(f"/declare/c3/{c3['pk']}/print.pdf").headers["Location"]
        job_id = location.split("/jobs/")[1].split("/")[0]
        with app.app_context():
            done = jobs.wait(job_id, timeout=120)
            assert done.status == jobs.DONE, done.message
            assert (done.done, done.total) == (4, 4)
        text = pdf_text(owner.get(f"/jobs/{job_id}/result").data)
    finally:
        app.config.pop("PRINT_CHUNK_ROWS")
    pages = [squeeze(page) for page in text.split("\f") if page.strip()]
    assert len(pages) == 2  # a chunk starts a page: two rows on each
    assert all(f"第{n}页共2页" in page for n, page in enumerate(pages, 1))
    assert c3["serial"] in pages[0] and f"申报年度{YEAR}" in pages[0]  # the header once
    assert f"申报年度{YEAR}" not in pages[1] and "合计4人，其中审核通过3人" in pages[1]
    assert [n for n, _name in c3["people"] if n in pages[0]] == [c3["people"][0][0],
                                                                  c3["people"][1][0]]
    assert [n for n, _name in c3["people"] if n in pages[1]] == [c3["people"][2][0],
                                                                  c3["people"][3][0]]
