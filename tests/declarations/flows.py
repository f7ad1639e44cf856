"""Helpers of the web-flow tests: the wizard's steps as an employer, the back office as a
reviewer, the home counters and the task lists as a page shows them, and persons to use.

Database look-ups run in an app context of their own that is closed before the next request:
a request inside a pushed context would share its ``g`` (and the user cached there).
"""
import html
import itertools
import io
import re
from contextlib import contextmanager
from datetime import date

from PIL import Image
from sqlalchemy import select

from models.declaration import Declaration, DeclarationItem, Material
from models.person import Enrollment, Person
from models.unit import Unit
from models.user import ShebaoUser
from rules.business import get as business_of
from tests.declarations.test_commands import THIS_MONTH, new_id

ORDINARY, VIP, LARGE = "37010000001", "37010000002", "37010000004"
MONTH = int(THIS_MONTH.replace("-", ""))
ALL_INSURANCES = ["110", "210", "310", "410", "510"]
ENGINE = ("C1", "C2", "C2R", "C6", "C7", "C8", "C9", "C10")  # the businesses tested here

__all__ = ["ALL_INSURANCES", "LARGE", "MONTH", "ORDINARY", "THIS_MONTH", "VIP", "new_id"]


def png(color="white") -> bytes:
    """A real (tiny) PNG made with Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, "PNG")
    return buffer.getvalue()


@contextmanager
def session_of(app):
    from app.extensions import db

    with app.app_context():
        try:
            yield db.session
        finally:
            db.session.rollback()


def unit_id_of(app, unit_no) -> int:
    with session_of(app) as s:
        return s.scalar(select(Unit.id).where(Unit.unit_no == unit_no))


def declaration(app, pk) -> Declaration:
    """The declaration as the database holds it now, detached, with items and events loaded."""
    with session_of(app) as s:
        d = s.get(Declaration, pk)
        d.items, d.events, d.materials  # noqa: B018  (loaded before detaching)
        s.expunge_all()
        return d


def pk_from(location: str) -> int:
    return int(re.search(r"/declare/\w+/(\d+)/", location).group(1))


def new_person_form(seq: int, **change) -> dict:
    """The 在职增员 form of a new man born 1990-01-01, as the browser posts it."""
    data = {"id_number": new_id(seq), "name": "测试新人", "gender": "male",
            "birth_date": "1990-01-01", "retirement_category": "male", "phone": "13912345678",
            "employment_form": "01", "person_category": "01", "add_reason": "101",
            "start_month": THIS_MONTH, "insurances": ALL_INSURANCES, "wage": "6000"}
    data.update(change)
    return data


def free_person(app, unit_no, category="active", born_after=date(1975, 1, 1)) -> Person:
    """A person of the unit in that category, open and normal, whom no declaration of the
    businesses tested here names yet (so each test gets its own), lowest id first; detached."""
    named = (select(DeclarationItem.id_number)
             .join(Declaration, Declaration.id == DeclarationItem.declaration_id)
             .where(DeclarationItem.id_number.is_not(None),
                    Declaration.business_code.in_(ENGINE)))
    with session_of(app) as s:
        person = s.scalar(
            select(Person).join(Enrollment, Enrollment.person_id == Person.id)
            .join(Unit, Unit.id == Enrollment.unit_id)
            .where(Unit.unit_no == unit_no, Enrollment.end_month.is_(None),
                   Enrollment.category == category, Enrollment.status == "normal",
                   Person.birth_date > born_after, Person.id_number.not_in(named))
            .order_by(Person.id).limit(1))
        assert person is not None, f"no free {category} person left in {unit_no}"
        s.expunge(person)
        return person


def open_spans(app, person_id, unit_no=None) -> list[tuple]:
    """(insurance code, category, status, start, end, reduce reason code) of the person's
    enrollments (in one unit if named), open or not."""
    from models.reference import ChangeReason, Insurance

    with session_of(app) as s:
        query = (select(Insurance.code, Enrollment.category, Enrollment.status,
                        Enrollment.start_month, Enrollment.end_month, ChangeReason.code)
                 .join(Insurance, Insurance.id == Enrollment.insurance_id)
                 .join(Unit, Unit.id == Enrollment.unit_id)
                 .outerjoin(ChangeReason, ChangeReason.id == Enrollment.reduce_reason_id)
                 .where(Enrollment.person_id == person_id))
        if unit_no:
            query = query.where(Unit.unit_no == unit_no)
        return [tuple(row) for row in s.execute(query.order_by(Enrollment.id))]


def reduce_with_commands(app, unit_no, person, reason="202", month=MONTH) -> None:
    """The person's 在职减员 in ``unit_no`` approved through the commands (no web pages): the
    starting situation of 续保, 减员原因变更 and 中断转退休."""
    from app.declarations import commands
    from app.extensions import db

    with app.test_request_context():
        employer = db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == unit_no))
        reviewer = db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == "reviewer"))
        d = commands.create(employer.unit_id, "C2", employer, {
            "id_number": person.id_number, "name": person.name, "reduce_reason": reason,
            "end_month": month})
        add_required_materials(db.session, d)
        commands.submit(d, employer)
        if d.status == "submitted":
            commands.claim(d, reviewer)
            commands.decide(d, reviewer, {d.items[0].id: True})
        assert d.status == "approved"
        db.session.remove()


RETIRABLE = itertools.count(1)


def retirable_person(app, unit_no, paid_years: int = 15) -> Person:
    """A new person of the unit past statutory retirement age (born 1960, 男), in service since
    2000 with ``paid_years`` of paid 养老 months: what C10 中断转退休 asks of the registry
    (RULES.md §5). New each call, so no other test's person changes; detached."""
    from decimal import Decimal

    from stdnum.iso7064 import mod_11_2

    from models.contribution import Contribution
    from models.reference import Insurance

    n = next(RETIRABLE)
    day = 10 + n % 18
    body = f"370102196001{day:02d}{(n % 499) * 2 + 1:03d}"  # odd 17th digit: 男
    with session_of(app) as s:
        unit_id = s.scalar(select(Unit.id).where(Unit.unit_no == unit_no))
        person = Person(id_number=body + mod_11_2.calc_check_digit(body), name="韩退休",
                        gender="male", birth_date=date(1960, 1, day),
                        retirement_category="male")
        s.add(person)
        s.flush()
        codes = dict(s.execute(select(Insurance.code, Insurance.id)).all())
        for code in ("110", "210", "310"):
            s.add(Enrollment(person_id=person.id, unit_id=unit_id, insurance_id=codes[code],
                             category="active", status="normal", start_month=200001))
        for month in [y * 100 + m for y in range(2000, 2026) for m in range(1, 13)][
                :paid_years * 12]:
            s.add(Contribution(person_id=person.id, unit_id=unit_id, insurance_id=codes["110"],
                               month=month, base=Decimal("3000"), unit_amount=Decimal("480"),
                               personal_amount=Decimal("240"), paid=True))
        s.commit()
        s.refresh(person)
        s.expunge(person)
        return person


def add_required_materials(session, declaration) -> None:
    """Stand-ins for the business's required materials (metadata only), committed: what a
    command-level test needs before ``commands.submit``."""
    for m in business_of(declaration.business_code).materials:
        if m.required:
            session.add(Material(declaration_id=declaration.id, material_type=m.code,
                                 filename=f"{m.code}.pdf", content_type="application/pdf",
                                 size=10, sha256="0" * 64))
    session.commit()


def add_item(app, pk, data) -> None:
    """A second person in a draft, written to the database as a batch import would (the wizard
    makes one item per declaration), checked by the same validation the wizard uses."""
    from app.declarations.commands import validate_item

    with session_of(app) as s:
        d = s.get(Declaration, pk)
        payload = validate_item(business_of(d.business_code), d.unit_id, data)
        s.add(DeclarationItem(declaration_id=pk, seq=len(d.items) + 1,
                              id_number=payload["id_number"], name=payload["name"],
                              payload=payload, status="pending"))
        d.item_count, d.batch = len(d.items) + 1, True
        s.commit()


class Employer:
    """An employer's test client walking one business's wizard."""

    def __init__(self, client, code):
        self.client, self.code = client, code
        self.base = f"/declare/{code.lower()}"

    def enter(self, data) -> int:
        response = self.client.post(f"{self.base}/new/", data=data)
        assert response.status_code == 302, field_errors(response)
        assert response.headers["Location"].endswith("/materials/")
        return pk_from(response.headers["Location"])

    def upload(self, pk, material_type, content=None, filename=None):
        response = self.client.post(f"{self.base}/{pk}/materials/", data={
            "material_type": material_type,
            "file": (io.BytesIO(content or png()), filename or f"{material_type}.png")},
            content_type="multipart/form-data")
        assert response.status_code == 302
        return response

    def upload_required(self, pk) -> None:
        for m in business_of(self.code).materials:
            if m.required:
                self.upload(pk, m.code)
        page = self.client.get(f"{self.base}/{pk}/materials/").get_data(as_text=True)
        for m in business_of(self.code).materials:
            if m.required:
                assert f"{m.code}.png" in page, m.code

    def check(self, pk) -> str:
        response = self.client.get(f"{self.base}/{pk}/check/")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert 'id="missing-materials"' not in page
        return page

    def act(self, pk, action):
        return self.client.post(f"{self.base}/{pk}/act/{action}/")

    def submit(self, pk) -> None:
        response = self.act(pk, "submit")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"{self.base}/{pk}/"), "submit refused"

    def status(self, pk) -> str:
        response = self.client.get(f"{self.base}/{pk}/")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def through_submit(self, data) -> int:
        """录入 → 上传材料 (the required ones) → 核对 → 提交; the declaration's id."""
        pk = self.enter(data)
        self.upload_required(pk)
        self.check(pk)
        self.submit(pk)
        return pk


class Reviewer:
    def __init__(self, client):
        self.client = client

    def claim(self, pk) -> str:
        assert self.client.post(f"/review/{pk}/claim/").status_code == 302
        page = self.client.get(f"/review/{pk}/").get_data(as_text=True)
        assert 'data-status="reviewing"' in page
        return page

    def decide(self, pk, approve=None, verdict="approve", opinion=""):
        """Approve the items whose ids are in ``approve`` (all of them when None)."""
        page = self.client.get(f"/review/{pk}/").get_data(as_text=True)
        items = re.findall(r'name="approve" value="(\d+)"', page)
        data = {"verdict": verdict, "opinion": opinion,
                "approve": items if approve is None else [str(i) for i in approve]}
        shown = re.findall(r'name="shown" value="(\d+)"', page)  # as the form posts them
        if shown:
            data["shown"] = shown
        response = self.client.post(f"/review/{pk}/decide/", data=data)
        assert response.status_code == 302
        return self.client.get(f"/review/{pk}/").get_data(as_text=True)


def field_errors(response) -> str:
    """The messages a refused wizard page shows, for assertion messages."""
    page = response.get_data(as_text=True)
    found = re.findall(r'class="help-block field-error">([^<]*)<', page)
    found += re.findall(r'alert-danger[^>]*>(.*?)</div>', page, re.S)
    return f"{response.status_code}: {found or page[:500]}"


def counters(client) -> dict[str, int]:
    """The six home counters as the home page shows them."""
    page = client.get("/").get_data(as_text=True)
    found = re.findall(r'id="counter-(\w+)"[^>]*>\s*<span class="counter-value"[^>]*>(\d+)</span>',
                       page)
    return {key: int(value) for key, value in found}


def task_rows(client, which) -> dict[str, list[str]]:
    """Serial number → the cells of its row in /tasks/?which=…, as text."""
    page = client.get(f"/tasks/?which={which}")
    assert page.status_code == 200
    body = re.search(r'<table[^>]*id="tasks".*?<tbody>(.*?)</tbody>', page.get_data(as_text=True),
                     re.S).group(1)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if len(cells) == 8:
            rows[cells[0]] = cells
    return rows
