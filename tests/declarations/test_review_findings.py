"""The reviewer's page shows what the registry checks find for each item, now (issue 11 §1):
an item that no longer agrees with the registry is flagged with the reason and not ticked."""
from sqlalchemy import select

from app.declarations import commands
from models.person import Person
from models.user import ShebaoUser
from tests.declarations.flows import (
    ORDINARY,
    add_required_materials,
    free_person,
    session_of,
)


def _submitted_c2(app, person) -> int:
    from app.extensions import db

    with app.test_request_context():
        employer = db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == ORDINARY))
        reviewer = db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == "reviewer"))
        d = commands.create(employer.unit_id, "C2", employer, {
            "id_number": person.id_number, "name": person.name, "reduce_reason": "202",
            "end_month": "2026-01"})
        add_required_materials(db.session, d)
        commands.submit(d, employer)
        commands.claim(d, reviewer)
        pk = d.id
        db.session.remove()
        return pk


def test_the_page_flags_an_item_the_registry_no_longer_agrees_with(app, as_user):
    person = free_person(app, ORDINARY)
    pk = _submitted_c2(app, person)
    reviewer = as_user("reviewer")
    page = reviewer.get(f"/review/{pk}/").get_data(as_text=True)
    assert 'data-agrees="yes"' in page and 'data-agrees="no"' not in page
    assert f'name="approve" value="' in page and " checked>" in page

    with session_of(app) as s:  # renamed in the registry after the submit
        s.get(Person, person.id).name = person.name + "新"
        s.commit()
    page = reviewer.get(f"/review/{pk}/").get_data(as_text=True)
    assert 'data-agrees="no"' in page
    assert f"姓名与登记的姓名“{person.name}新”不符" in page
    assert " checked>" not in page.split('id="decide-form"')[1].split("</form>")[0]
    with session_of(app) as s:
        s.get(Person, person.id).name = person.name
        s.commit()
