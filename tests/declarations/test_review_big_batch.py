"""A batch bigger than the review page lists: the reviewer refuses people it does not list by
pasting their ID numbers, and a number that is not in the batch refuses the whole decision."""
import itertools
import re

import pytest
from sqlalchemy import select

from app.declarations import commands
from models.declaration import Declaration
from models.person import Enrollment, Person
from tests.declarations.flows import add_required_materials
from tests.declarations.test_batch_businesses import THIS_MONTH, batch, label, user
from tests.declarations.test_commands import new_id

BATCHES = itertools.count()


@pytest.fixture
def big_batch(app):
    """A submitted C18 batch of three people of the registry, and their ID numbers."""
    from app.extensions import db

    with app.test_request_context():
        employer = user(db, "37010000001")
        # Others than other tests take, and others each time: a person may have one unfinished
        # C18 declaration at a time. The unit's own staff: no other unit's employee may be
        # stopped (issue 11).
        elsewhere = select(Enrollment.person_id).where(Enrollment.unit_id != employer.unit_id,
                                                       Enrollment.end_month.is_(None))
        here = select(Enrollment.person_id).where(Enrollment.unit_id == employer.unit_id,
                                                  Enrollment.end_month.is_(None))
        people = db.session.scalars(select(Person)
                                    .where(Person.id.in_(here), Person.id.not_in(elsewhere))
                                    .order_by(Person.id.desc())
                                    .offset(3 * next(BATCHES)).limit(3)).all()
        rows = [{"id_number": p.id_number, "name": p.name, "stop_month": label(THIS_MONTH),
                 "reason": "参加职工医保"} for p in people]
        d = batch(db, employer, "C18", rows)
        add_required_materials(db.session, d)
        commands.submit(d, employer)
        assert d.status == "submitted"
        return d.id, [p.id_number for p in people]


def test_people_the_page_does_not_list_are_refused_by_their_numbers(app, as_user, big_batch,
                                                                     monkeypatch):
    from app.extensions import db
    from views import review

    monkeypatch.setattr(review, "SHOWN_ITEMS", 1)
    pk, numbers = big_batch
    reviewer = as_user("reviewer")
    assert reviewer.post(f"/review/{pk}/claim/").status_code == 302
    page = reviewer.get(f"/review/{pk}/").get_data(as_text=True)
    assert page.count('name="shown"') == 1 and 'name="reject_numbers"' in page
    shown = re.findall(r'name="shown" value="(\d+)"', page)

    def decide(reject_numbers, opinion="第三人不符合停保条件"):
        return reviewer.post(f"/review/{pk}/decide/", data={
            "verdict": "approve", "approve": shown, "shown": shown, "opinion": opinion,
            "reject_numbers": reject_numbers}, follow_redirects=True).get_data(as_text=True)

    stranger = new_id(77)
    page = decide(f"{numbers[2]}\n{stranger}\n12345")
    assert "有2个号码不是本申报的社会保障号码" in page and stranger in page and "12345" in page
    assert 'data-status="reviewing"' in page  # nothing decided
    decide(numbers[2].lower())
    with app.app_context():
        d = db.session.get(Declaration, pk)
        verdicts = {item.id_number: item.status for item in d.items}
        assert d.status == "partial", d.status
    assert verdicts == {numbers[0]: "approved", numbers[1]: "approved", numbers[2]: "rejected"}


def test_a_batch_the_page_lists_whole_asks_for_no_numbers(app, as_user, big_batch):
    pk, _numbers = big_batch
    reviewer = as_user("reviewer")
    reviewer.post(f"/review/{pk}/claim/")
    page = reviewer.get(f"/review/{pk}/").get_data(as_text=True)
    assert page.count('name="shown"') == 3 and 'name="reject_numbers"' not in page
    reviewer.post(f"/review/{pk}/release/")


def test_the_reviewer_exports_every_item_and_only_of_that_declaration(app, as_user, big_batch):
    import io

    from openpyxl import load_workbook

    pk, numbers = big_batch
    reviewer = as_user("reviewer")
    page = reviewer.get(f"/review/{pk}/").get_data(as_text=True)
    assert f'href="/review/{pk}/items.xlsx"' in page
    response = reviewer.get(f"/review/{pk}/items.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["序号", "社会保障号码", "姓名"]
    assert rows[0][-2:] == ["审核状态", "审核结果说明"]
    assert [r[1] for r in rows[1:]] == numbers and [r[0] for r in rows[1:]] == [1, 2, 3]
    assert all(r[-2] == "待审核" for r in rows[1:])
    assert as_user("37010000001").get(f"/review/{pk}/items.xlsx").status_code in (302, 403)
    assert reviewer.get("/review/99999999/items.xlsx").status_code == 404
