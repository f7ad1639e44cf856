"""Issue 10 §4: the wizards' ``?id_number=`` prefill reads out only the unit's own people.

As unit 1, the ID number of a person only unit 2 employs fills nothing of theirs (name, birth
date, phone, address) in any wizard; the unit's own staff fill the form as before; C1 续保 of a
stranger confirms the number is known and shows nothing else."""
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import aliased

from models.person import Enrollment, Person
from models.unit import Unit

BUSINESSES = ("c1", "c7", "c2", "c2r", "c3", "c5", "c8", "c9", "c10", "c18")
PERSONAL = ("name", "birth_date", "phone", "address")


def _field_values(page: str) -> dict[str, str]:
    """The value of each text input of the entry form, by field name."""
    values = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'\bname="([^"]+)"', tag)
        value = re.search(r'\bvalue="([^"]*)"', tag)
        if name and value:
            values[name.group(1)] = value.group(1)
    return values


def _person(app, employed_by: str, never_at: str, *conditions):
    """A person with an enrollment at ``employed_by`` meeting ``conditions`` and none ever at
    ``never_at``; their (id_number, name, birth date, phone, address)."""
    from app.extensions import db

    with app.app_context():
        unit = {no: db.session.scalar(select(Unit.id).where(Unit.unit_no == no))
                for no in (employed_by, never_at)}
        elsewhere = aliased(Enrollment)
        never = ~select(elsewhere.id).where(elsewhere.person_id == Person.id,
                                            elsewhere.unit_id == unit[never_at]).exists()
        person = db.session.scalar(
            select(Person).join(Enrollment, Enrollment.person_id == Person.id)
            .where(Enrollment.unit_id == unit[employed_by], never,
                   Person.phone.is_not(None), Person.address.is_not(None),
                   *conditions)
            .order_by(Person.id).limit(1))
        assert person is not None, f"the demo city has such a person at {employed_by}"
        return (person.id_number, person.name, person.birth_date.isoformat(), person.phone,
                person.address)


@pytest.fixture(scope="module")
def stranger(app):
    """Active staff of unit 2 who never worked for unit 1."""
    return _person(app, "37010000002", "37010000001", Enrollment.category == "active",
                   Enrollment.end_month.is_(None))


@pytest.mark.parametrize("code", BUSINESSES)
def test_another_units_person_fills_nothing(as_user, stranger, code):
    employer = as_user("37010000001")
    number, name, birth, phone, address = stranger
    baseline = employer.get(f"/declare/{code}/new/").get_data(as_text=True)
    response = employer.get(f"/declare/{code}/new/?id_number={number}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    values = _field_values(page)
    assert not any(values.get(field) for field in PERSONAL), values
    for fact in (birth, phone, address):
        assert page.count(fact) <= baseline.count(fact), fact
    # The name may be a unit-1 colleague's too (the staff dropdown): only its new appearance counts.
    assert page.count(name) <= baseline.count(name)
    assert "已找到该人员的参保信息" not in page


def test_c1_renewal_of_a_stranger_confirms_the_number_only(as_user, stranger):
    employer = as_user("37010000001")
    number, name, *_ = stranger
    page = employer.get(f"/declare/c1/new/?id_number={number}").get_data(as_text=True)
    assert "该社会保障号码已登记（续保）" in page
    assert _field_values(page).get("id_number") == number
    assert name not in page


def test_an_unknown_number_is_not_called_known(as_user):
    page = as_user("37010000001").get(
        "/declare/c1/new/?id_number=370102199001019999").get_data(as_text=True)
    assert "该社会保障号码已登记" not in page and "已找到该人员" not in page


def test_own_former_staff_fill_the_renewal(app, as_user):
    number, name, birth, phone, _address = _person(
        app, "37010000001", "37010000002", Enrollment.end_month.is_not(None))
    employer = as_user("37010000001")
    page = employer.get(f"/declare/c1/new/?id_number={number}").get_data(as_text=True)
    values = _field_values(page)
    assert "已找到该人员的参保信息（续保）" in page
    assert (values["name"], values["birth_date"], values["phone"]) == (name, birth, phone)


def test_own_staff_fill_a_change_of_person(app, as_user):
    number, name, _birth, phone, address = _person(
        app, "37010000001", "37010000002", Enrollment.category == "active",
        Enrollment.end_month.is_(None))
    page = as_user("37010000001").get(
        f"/declare/c7/new/?id_number={number}").get_data(as_text=True)
    values = _field_values(page)
    assert "已找到该人员的参保信息（续保）" in page
    assert (values["name"], values["phone"], values["address"]) == (name, phone, address)


def test_a_refused_renewal_does_not_name_the_unit_where_a_stranger_works(app, as_user, stranger):
    from app.extensions import db
    from tests.declarations.flows import new_person_form

    number, name, birth, *_ = stranger
    with app.app_context():
        other = db.session.scalar(select(Unit.name).where(Unit.unit_no == "37010000002"))
        person = db.session.scalar(select(Person).where(Person.id_number == number))
        sex = {"gender": person.gender, "retirement_category": person.retirement_category}
    page = as_user("37010000001").post("/declare/c1/new/", data=new_person_form(
        0, id_number=number, name=name, birth_date=birth, **sex)).get_data(as_text=True)
    assert "该人员正在其他单位参保，须原单位先办理减员后才能续保" in page
    assert other not in page
