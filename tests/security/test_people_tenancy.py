"""Tenancy of people (issue 11 §2): what unit A's clerk reads — the wizard's lookups and refusals,
an import's bad rows and its error workbook — never carries a person of unit B (registered
name, birth date, phone), nor B's 流水号 or B's unit name; and B's forgotten draft blocks no
one at A (A is refused only for what the registry holds, or accepted)."""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models.declaration import Declaration, DeclarationItem
from models.unit import Unit
from tests.declarations.flows import (
    LARGE,
    ORDINARY,
    THIS_MONTH,
    VIP,
    Employer,
    free_person,
    new_id,
    new_person_form,
    session_of,
    unit_id_of,
)
from tests.declarations.registry_support import acting, imported, page_of, staff_of
from tests.own_database import own_app

app = own_app("module")  # drafts and declarations of its own; the demo elsewhere stays as is
A, B = ORDINARY, VIP
WRONG = "冒名者"


class Secrets:
    """What A must never read of B's person: registered values, B's name, B's serials."""

    def __init__(self, app, person, unit_no=B):
        with session_of(app) as s:
            self.unit_name = s.scalar(select(Unit.name).where(Unit.unit_no == unit_no))
        self.serials = serials_of(app, unit_no)
        self.person = person
        self.values = [v for v in (person.name, person.phone, self.unit_name) if v]
        self.birth = person.birth_date.isoformat() if person.birth_date else None

    def leaked(self, text: str, typed_birth=False) -> list[str]:
        """The secrets found in ``text``; ``typed_birth``: A typed the birth date (a C1 row)."""
        found = [v for v in self.values if v in text]
        found += [s for s in self.serials if s in text]
        if self.birth and not typed_birth and self.birth in text:
            found.append(self.birth)
        return found


def b_employee(app, a_page: str):
    """A staff member of B whose name A's own pages do not show anyway."""
    for person in staff_of(app, B, limit=8):
        if person.name not in a_page and person.name != WRONG:
            return person
    pytest.fail("every B employee's name is on A's page")


def workbook_text(app, key: str) -> str:
    from app.storage import storage

    with app.app_context():
        book = load_workbook(BytesIO(storage().get(key)))
    return " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True)
                    for c in row if c is not None)


@pytest.fixture
def clerk(as_user):
    return as_user(A)


@pytest.fixture
def b_person(app, clerk, as_user):
    base = page_of(clerk.get("/declare/c2/new/")) + page_of(clerk.get("/declare/c1/new/"))
    person = b_employee(app, base)
    # B's own business with this person: a forgotten C2 draft whose 流水号 A must never see
    # (refused as unfinished when an earlier test made it already).
    as_user(B).post("/declare/c2/new/", data={
        "id_number": person.id_number, "name": person.name, "reduce_reason": "202",
        "end_month": THIS_MONTH})
    return person


def serials_of(app, unit_no) -> list[str]:
    with session_of(app) as s:
        return list(s.scalars(select(Declaration.serial_no).where(
            Declaration.unit_id == unit_id_of(app, unit_no))))


WIZARD = {
    "C2": {"reduce_reason": "202", "end_month": THIS_MONTH},
    "C7": {"phone": "13600000011"},
    "C8": {"direction": "remove", "insurances": ["510"], "month": THIS_MONTH},
    "C18": {"stop_month": THIS_MONTH, "reason": "employee"},
}


@pytest.mark.parametrize("code", ["C2", "C7", "C8", "C18"])
def test_a_never_reads_bs_employee_in_lookups_and_refusals(app, clerk, b_person, code):
    secrets = Secrets(app, b_person)
    assert secrets.serials, "B's draft should exist"
    lookup = page_of(clerk.get(f"/declare/{code.lower()}/new/?id_number={b_person.id_number}"))
    assert not secrets.leaked(lookup), (code, secrets.leaked(lookup))
    response = clerk.post(f"/declare/{code.lower()}/new/", data={
        "id_number": b_person.id_number, "name": WRONG, **WIZARD[code]})
    assert response.status_code == 200, code  # refused, not saved
    page = page_of(response)
    assert not secrets.leaked(page), (code, secrets.leaked(page))


def test_c1_of_bs_employee_names_neither_b_nor_the_person(app, clerk, b_person):
    secrets = Secrets(app, b_person)
    lookup = page_of(clerk.get(f"/declare/c1/new/?id_number={b_person.id_number}"))
    assert not secrets.leaked(lookup), secrets.leaked(lookup)
    form = new_person_form(0, id_number=b_person.id_number, name=WRONG,
                           gender=b_person.gender, birth_date=b_person.birth_date.isoformat(),
                           retirement_category=b_person.retirement_category)
    response = clerk.post("/declare/c1/new/", data=form)
    page = page_of(response).replace(WRONG, "")
    assert response.status_code == 200 and "须原单位先办理减员后才能续保" in page
    assert not secrets.leaked(page, typed_birth=True), secrets.leaked(page, typed_birth=True)


@pytest.mark.parametrize("code", ["C1", "C2", "C18"])
def test_an_import_of_bs_people_carries_none_of_them(app, clerk, b_person, code):
    others = [p for p in staff_of(app, B, limit=6) if p.id != b_person.id][:3]
    people = [b_person, *others]
    rows = []
    for n, p in enumerate(people):
        row = {"id_number": p.id_number, "name": f"{WRONG}{n}"}
        if code == "C1":
            row.update(gender=p.gender, birth_date=p.birth_date,
                       retirement_category=p.retirement_category)
        rows.append(row)
    good, bad, _, error_file = imported(app, A, code, rows)
    assert good == 0 and len(bad) == len(people)
    workbook = workbook_text(app, error_file)
    for p in people:
        secrets = Secrets(app, p)
        messages = " ".join(v for b in bad for v in b["errors"].values())
        assert not secrets.leaked(messages), (code, secrets.leaked(messages))
        assert not secrets.leaked(str(bad), typed_birth=True), code
        assert not secrets.leaked(workbook, typed_birth=True), code


def test_bs_forgotten_c1_draft_blocks_no_one_at_a(app, clerk, as_user):
    # A free person: B saved a C1 draft and forgot it; A's wizard and A's import go through.
    data = new_person_form(81, name="两家都要的人")
    Employer(as_user(B), "C1").enter(data)
    serial_b = serials_of(app, B)
    assert serial_b
    response = clerk.post("/declare/c1/new/", data=data)
    assert response.status_code == 302, page_of(response)[:300]
    again = new_person_form(82, name="两家都要的人乙")
    Employer(as_user(B), "C1").enter(again)
    good, bad, _, _ = imported(app, A, "C1", [{
        "id_number": new_id(82), "name": "两家都要的人乙", "gender": "male",
        "birth_date": date(1990, 1, 1), "retirement_category": "male"}])
    assert (good, bad) == (1, [])

    # Insured at a third unit, with B's old draft: A hears only what the registry says.
    insured = free_person(app, LARGE, born_after=date(1980, 1, 1))
    with acting(app, B) as (db, user):
        from app.declarations.serial import next_serial

        d = Declaration(serial_no=next_serial(), unit_id=user.unit_id, business_code="C1",
                        status="draft", created_by_id=user.id, wizard_step="materials",
                        item_count=1)
        d.items = [DeclarationItem(seq=1, id_number=insured.id_number, name=insured.name,
                                   payload={"id_number": insured.id_number,
                                            "name": insured.name}, status="pending")]
        db.session.add(d)
        db.session.commit()
        serial_b = [*serial_b, d.serial_no]
    form = new_person_form(0, id_number=insured.id_number, name=insured.name,
                           gender=insured.gender, birth_date=insured.birth_date.isoformat(),
                           retirement_category=insured.retirement_category)
    page = page_of(clerk.post("/declare/c1/new/", data=form))
    assert "须原单位先办理减员后才能续保" in page and "未办结" not in page
    assert not any(s in page for s in serial_b)


def test_a_declaration_under_review_elsewhere_is_said_without_unit_or_serial(app, clerk,
                                                                              as_user):
    data = new_person_form(83, name="审核中的人")
    pk = Employer(as_user(LARGE), "C1").through_submit(data)  # LARGE is reviewed, not VIP
    with session_of(app) as s:
        d = s.get(Declaration, pk)
        serial, unit_name = d.serial_no, s.get(Unit, d.unit_id).name
        assert d.status == "submitted"
    page = page_of(clerk.post("/declare/c1/new/", data=data))
    assert "正在经办机构审核" in page
    assert serial not in page and unit_name not in page


def test_bs_former_employee_with_a_wrong_name_is_refused_without_the_registered_one(app, clerk):
    """Past the person checks (reduced at B, free now), the name check speaks: to A without
    the registered name or birth date — wizard and import alike."""
    from tests.declarations.flows import reduce_with_commands

    person = free_person(app, B, born_after=date(1980, 1, 1))
    reduce_with_commands(app, B, person)
    secrets = Secrets(app, person)
    form = new_person_form(0, id_number=person.id_number, name=WRONG, gender=person.gender,
                           birth_date=person.birth_date.isoformat(),
                           retirement_category=person.retirement_category, add_reason="103")
    page = page_of(clerk.post("/declare/c1/new/", data=form))
    assert "姓名与该社会保障号码登记的姓名不符" in page
    assert not secrets.leaked(page, typed_birth=True), secrets.leaked(page, typed_birth=True)
    page = page_of(clerk.post("/declare/c18/new/", data={
        "id_number": person.id_number, "name": WRONG, "stop_month": THIS_MONTH,
        "reason": "employee"}))
    assert "姓名与该社会保障号码登记的姓名不符" in page
    assert not secrets.leaked(page), secrets.leaked(page)
    good, bad, _, error_file = imported(app, A, "C18", [
        {"id_number": person.id_number, "name": WRONG}])
    assert good == 0 and "登记的姓名不符" in bad[0]["errors"]["姓名"]
    assert not secrets.leaked(str(bad)) and not secrets.leaked(workbook_text(app, error_file))
