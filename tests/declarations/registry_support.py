"""Helpers of the registry-agreement tests: a wizard POST that must be refused, an Excel import
through app/batch/importer.import_file with a template workbook, commands run as a demo user,
and registry facts changed behind a declaration's back."""
import html
from contextlib import contextmanager

from sqlalchemy import func, select

from models.declaration import Declaration, DeclarationItem
from models.person import Enrollment, Person
from models.user import ShebaoUser
from rules import business as registry
from rules.months import add_months
from tests.declarations.flows import MONTH, field_errors, unit_id_of

LAST_MONTH = add_months(MONTH, -1)
NEXT_MONTH = add_months(MONTH, 1)


def text(month: int) -> str:
    """A month as the wizard's form posts it (2026-01)."""
    return f"{month // 100}-{month % 100:02d}"


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def refused(client, code: str, data: dict, reason: str | None = None) -> str:
    """The wizard's 录入 page answering a refusal (200, no draft made); its text."""
    response = client.post(f"/declare/{code.lower()}/new/", data=data)
    assert response.status_code == 200, field_errors(response)
    page = page_of(response)
    if reason is not None:
        assert reason in page, field_errors(response)
    return page


@contextmanager
def acting(app, username):
    """A request context with the demo user ``username``: (db, user)."""
    from app.extensions import db

    with app.test_request_context():
        try:
            yield db, db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == username))
        finally:
            db.session.rollback()
            db.session.remove()


def workbook(code: str, rows: list[dict]) -> bytes:
    """The business's template filled with ``rows`` over its first example row (stored values:
    months as int YYYYMM, codes)."""
    from app.declarations.choices import load_choices
    from reports.excel_template import example_rows, template_workbook

    business, choices = registry.get(code), load_choices()
    example = example_rows(business, choices)[0]
    return template_workbook(business, choices, [dict(example, **row) for row in rows])


def imported(app, unit_no: str, code: str, rows: list[dict], submit=False):
    """import_file as the unit's employer: (good, bad_rows, declaration id or None, error file
    key);
    ``submit``: then the required materials and the submit (a VIP unit's is decided at once)."""
    from app.batch import importer
    from app.declarations import commands
    from tests.declarations.flows import add_required_materials

    with acting(app, unit_no) as (db, user):
        result = importer.import_file(user.unit_id, code, user, workbook(code, rows),
                                      "regress.xlsx")
        d = result.declaration  # None when no row was good: no draft is made
        report = (d.payload or {}).get("import", {}) if d is not None else result.report
        if submit:
            add_required_materials(db.session, d)
            commands.submit(d, user)
        return result.good, result.bad_rows, d and d.id, (report or {}).get("error_file")


def bad_reasons(bad_rows) -> str:
    return "；".join(reason for row in bad_rows for reason in row["errors"].values())


def items_named(app, id_number: str, name: str) -> int:
    """Items anywhere holding this person under this name (a refused row leaves none)."""
    from tests.declarations.flows import session_of

    with session_of(app) as s:
        return s.scalar(select(func.count(DeclarationItem.id)).where(
            DeclarationItem.id_number == id_number, DeclarationItem.name == name))


def declarations_of(app, id_number: str, code: str) -> list[tuple]:
    from tests.declarations.flows import session_of

    with session_of(app) as s:
        return [tuple(r) for r in s.execute(
            select(Declaration.serial_no, Declaration.status)
            .join(DeclarationItem, DeclarationItem.declaration_id == Declaration.id)
            .where(DeclarationItem.id_number == id_number, Declaration.business_code == code)
            .order_by(Declaration.id))]


def end_enrollments(app, person_id: int, unit_no: str, codes=None, month=MONTH) -> None:
    """The person's open enrollments at the unit ended behind the declarations' back."""
    from models.reference import Insurance
    from tests.declarations.flows import session_of

    unit_id = unit_id_of(app, unit_no)
    with session_of(app) as s:
        for e in s.scalars(select(Enrollment).where(
                Enrollment.person_id == person_id, Enrollment.unit_id == unit_id,
                Enrollment.end_month.is_(None))):
            if codes is None or s.get(Insurance, e.insurance_id).code in codes:
                e.end_month, e.status = month, "ended"
        s.commit()


def rename(app, person_id: int, name: str) -> None:
    from tests.declarations.flows import session_of

    with session_of(app) as s:
        s.get(Person, person_id).name = name
        s.commit()


def staff_of(app, unit_no: str, exclude=(), limit=1) -> list[Person]:
    """Active people of the unit with open normal enrollments, lowest id first; detached."""
    from models.unit import Unit
    from tests.declarations.flows import session_of

    with session_of(app) as s:
        people = s.scalars(
            select(Person).join(Enrollment, Enrollment.person_id == Person.id)
            .join(Unit, Unit.id == Enrollment.unit_id)
            .where(Unit.unit_no == unit_no, Enrollment.end_month.is_(None),
                   Enrollment.category == "active", Enrollment.status == "normal",
                   Person.id.not_in([p.id for p in exclude]))
            .group_by(Person.id).order_by(Person.id).limit(limit)).all()
        assert len(people) == limit, f"{unit_no} has fewer staff than the test needs"
        s.expunge_all()
        return people


def form(person, **fields) -> dict:
    """A wizard's entry form for this person."""
    return {"id_number": person.id_number, "name": person.name, **fields}
