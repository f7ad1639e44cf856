"""工资申报 (C3): the batch page and 核对 show 申报年月 and the Σ of the batch — people, declared
wages and bases used — as the 济南 import page does (issue 11 §6)."""
import re
from decimal import Decimal

from sqlalchemy import select

from models.contribution import YearParameter
from models.declaration import Declaration
from rules.contribution_base import decide_base
from tests.declarations.flows import ORDINARY, session_of, unit_id_of
from tests.declarations.test_batch_businesses import batch, user, wage_row
from tests.declarations.test_batch_businesses import staff as staff_of


def cell(page: str, cell_id: str) -> str:
    return re.search(rf'id="{cell_id}">([^<]*)<', page).group(1).strip()


def test_a_drafts_totals_clamp_each_wage_and_name_the_month(app, as_user):
    from app.extensions import db

    with app.test_request_context():
        employer = user(db, "37010000002")
        people = staff_of(db, employer.unit_id, limit=3)
        year = db.session.scalar(select(YearParameter.year).order_by(YearParameter.year.desc()))
        limits = db.session.scalar(select(YearParameter).where(YearParameter.year == year))
        floor, cap = limits.base_floor, limits.base_cap
        wages = [floor - 1000, Decimal("7000.55"), cap + 1000]
        d = batch(db, employer, "C3", [wage_row(p, w, year) for p, w in zip(people, wages)])
        pk, month = d.id, d.created_at.strftime("%Y-%m")
        db.session.remove()
    expected_bases = sum(decide_base(w, floor, cap).base for w in wages)
    client = as_user("37010000002")
    for url in (f"/declare/c3/{pk}/batch/", f"/declare/c3/{pk}/check/"):
        page = client.get(url).get_data(as_text=True)
        assert cell(page, "wt-month") == month and cell(page, "wt-year") == str(year)
        assert cell(page, "wt-people") == "3"
        assert Decimal(cell(page, "wt-wages")) == sum(wages)
        assert Decimal(cell(page, "wt-bases")) == expected_bases
    # One unfinished 工资申报 per unit and year: leave the year free for other tests.
    assert client.post(f"/declare/c3/{pk}/act/void/").status_code == 302


def test_a_decided_declarations_totals_leave_out_the_rejected_rows(app, as_user):
    with session_of(app) as s:
        d = s.scalars(select(Declaration).where(
            Declaration.unit_id == unit_id_of(app, ORDINARY), Declaration.business_code == "C3",
            Declaration.status.in_(("approved", "partial")))).first()
        assert d is not None, "the demo has no decided C3 of the ordinary unit"
        counted = [i for i in d.items if i.status != "rejected"]
        wages = sum(Decimal(str(i.payload["declared_wage"])) for i in counted)
        month = d.submitted_at.strftime("%Y-%m")
        pk = d.id
    page = as_user(ORDINARY).get(f"/declare/c3/{pk}/check/").get_data(as_text=True)
    assert cell(page, "wt-people") == str(len(counted))
    assert Decimal(cell(page, "wt-wages")) == wages
    assert cell(page, "wt-month") == month


def test_other_businesses_have_no_wage_totals(as_user):
    page = as_user(ORDINARY).get("/declare/c1/new/").get_data(as_text=True)
    assert 'id="wage-totals"' not in page
