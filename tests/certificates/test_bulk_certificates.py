"""Many certificates as one background job: one PDF, page numbers continuous, progress to the
end; the job prints its own unit's certificates only."""
import io
import re

import sqlalchemy as sa
from pypdf import PdfReader

from models.certificate import Certificate
from models.contribution import Contribution
from models.unit import Unit
from tests.declarations.flows import ORDINARY, VIP, session_of


def paying_ids(app, unit_no, start, end, count):
    with session_of(app) as s:
        unit_id = s.scalar(sa.select(Unit.id).where(Unit.unit_no == unit_no))
        return unit_id, list(s.scalars(
            sa.select(Contribution.person_id).where(
                Contribution.unit_id == unit_id, Contribution.paid.is_(True),
                Contribution.month.between(start, end))
            .distinct().order_by(Contribution.person_id).limit(count)))


def test_more_than_a_few_certificates_print_as_one_job(app, as_user, pdf_text):
    from app import jobs

    unit_id, people = paying_ids(app, ORDINARY, 202601, 202603, 30)
    assert len(people) == 30
    client = as_user(ORDINARY)
    response = client.post("/certificates/print", data={
        "person_id": [str(p) for p in people], "start": "2026-01", "end": "2026-03",
        "purpose": "招投标"})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job_id = re.search(r"/jobs/([^/]+)/", response.headers["Location"]).group(1)
    with app.app_context():
        row = jobs.wait(job_id, timeout=240)
        assert row.status == jobs.DONE, row.message
        assert (row.done, row.total) == (30, 30)
        assert row.result == {"certificates": 30}
    pdf = client.get(f"/jobs/{job_id}/result")
    assert pdf.status_code == 200
    pages = len(PdfReader(io.BytesIO(pdf.data)).pages)
    assert pages >= 30
    text = pdf_text(pdf.data)
    flat = re.sub(r"\s+", "", text)
    assert all(f"第{n}页共{pages}页" in flat for n in range(1, pages + 1))
    with session_of(app) as s:
        codes = s.scalars(sa.select(Certificate.code).where(
            Certificate.person_id.in_(people), Certificate.purpose == "招投标")).all()
    assert len(codes) == 30
    assert all(f"/verify/{code}" in flat for code in codes)
    # Another unit's employer cannot open this job or its PDF.
    other = as_user(VIP)
    assert other.get(f"/jobs/{job_id}/result").status_code == 404


def test_the_job_prints_only_its_own_units_certificates(app, as_user):
    from app import jobs

    their_unit, theirs = paying_ids(app, VIP, 202601, 202601, 1)
    client = as_user(VIP)
    assert client.post("/certificates/print", data={
        "person_id": str(theirs[0]), "start": "2026-01", "end": "2026-01",
        "purpose": "购车"}).status_code == 200
    with session_of(app) as s:
        their_certificate = s.scalar(sa.select(Certificate.id).where(
            Certificate.unit_id == their_unit).order_by(Certificate.id.desc()))
        our_unit = s.scalar(sa.select(Unit.id).where(Unit.unit_no == ORDINARY))
    with app.test_request_context():
        row = jobs.submit("certificate_print", {"certificate_ids": [their_certificate],
                                                "base_url": "http://x/"}, unit_id=our_unit)
        done = jobs.wait(row.id, timeout=120)
        assert done.status == jobs.DONE and done.result == {"certificates": 0}
        assert done.result_file is None  # nothing printed, nothing to download
