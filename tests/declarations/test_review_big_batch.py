"""A batch bigger than the review page lists: the reviewer refuses people it does not list by
pasting their ID numbers, and a number that is not in the batch refuses the whole decision."""
import re

import pytest
from sqlalchemy import select

from app.declarations import commands
from models.declaration import Declaration
from models.person import Person
from tests.declarations.flows import add_required_materials
from tests.declarations.test_batch_businesses import THIS_MONTH, batch, label, user
from tests.declarations.test_commands import new_id


@pytest.fixture
def big_batch(app):
    """A submitted C18 batch of three people of the registry, and their ID numbers."""
    from app.extensions import db

    with app.test_request_context():
        employer = user(db, "37010000001")
        people = db.session.scalars(select(Person).order_by(Person.id.desc()).limit(3)).all()
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
