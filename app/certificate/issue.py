"""Issuing 参保缴费证明 (F3): check the request, store one Certificate per person with a fresh
verification code and the facts printed, and write the audit event — in one transaction.

Tenancy of people: an employer certifies only people its unit enrolls or once enrolled
(``views.tenancy.unit_scope`` of Person, the same rule as every staff screen). An id outside that
is refused with the same words as an id that does not exist.
"""
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from app import audit
from app.certificate.facts import DEFAULT_CENTER, certificate_facts
from app.errors import Invalid, NotFound
from app.extensions import db
from models.certificate import Certificate
from models.person import Person
from models.unit import Unit
from rules import certificate as rules
from rules.errors import RuleError

MAX_PERSONS = 1000  # one request or one bulk job


@dataclass
class Request:
    """What the employer asked: whom, which months, what for."""

    unit_id: int
    person_ids: list
    start: int
    end: int
    purpose: str


def check(unit_id: int, person_ids, start_text, end_text, purpose_text,
          today: date | None = None) -> Request:
    """The request, every refusal said at once (Invalid with the reasons joined)."""
    today = today or date.today()
    errors = []
    try:
        start, end = rules.period(start_text, end_text, today)
    except RuleError as error:
        errors.append(error.message)
        start = end = None
    try:
        purpose = rules.purpose_of(purpose_text)
    except RuleError as error:
        errors.append(error.message)
        purpose = None
    ids = []
    for value in person_ids or []:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            ids.append(0)
    if any(not 0 < i < 2**31 for i in ids):  # no key a person can have
        errors.append("所选人员不存在")
    ids = list(dict.fromkeys(ids))
    if not ids:
        errors.append("请选择要打印缴费证明的人员")
    if len(ids) > MAX_PERSONS:
        errors.append(f"一次最多打印{MAX_PERSONS}人的缴费证明")
    if errors:
        raise Invalid("；".join(errors))
    return Request(unit_id, ids, start, end, purpose)


def unit_persons(unit_id: int, person_ids) -> list[Person]:
    """The people of the list the unit enrolls or enrolled, in the order asked; NotFound if any
    is not (never saying which exists elsewhere)."""
    from views.tenancy import unit_scope

    found = {}
    ids = list(person_ids)
    for i in range(0, len(ids), 500):
        rows = db.session.scalars(sa.select(Person).where(
            Person.id.in_(ids[i:i + 500]), unit_scope(Person, unit_id)))
        found.update({p.id: p for p in rows})
    if len(found) != len(set(ids)):
        raise NotFound("所选人员不存在或不是本单位参保人员")
    return [found[i] for i in ids]


def issue(request: Request, user, today: date | None = None) -> list[Certificate]:
    """One Certificate per person (committed), in the order of ``request.person_ids``."""
    unit = db.session.get(Unit, request.unit_id)
    if unit is None:
        raise NotFound()
    persons = unit_persons(unit.id, request.person_ids)
    center = current_app.config.get("CERTIFICATE_CENTER", DEFAULT_CENTER)
    facts = certificate_facts(unit, persons, request.start, request.end, request.purpose,
                              center, today)
    now = datetime.now()
    rows = [Certificate(code=rules.new_code(), person_id=p.id, unit_id=unit.id,
                        purpose=request.purpose, period_start=request.start,
                        period_end=request.end, facts=facts[p.id],
                        issued_by_id=getattr(user, "id", None), issued_at=now)
            for p in persons]
    db.session.add_all(rows)
    audit.record("certificate_issue", target_type="unit", target_id=unit.id, user=user,
                 detail={"count": len(rows), "person_ids": request.person_ids[:50],
                         "period": [request.start, request.end],
                         "purpose": request.purpose})
    db.session.commit()
    return rows


def refuse(reason: str, detail: dict | None = None, user=None) -> None:
    """An audit row for a refused request (nothing else changes), committed at once."""
    audit.record_now("certificate_refused", success=False, user=user,
                     detail={"reason": reason, **(detail or {})})


def find(code_text) -> Certificate | None:
    """The certificate of a typed or scanned code, or None. Always one indexed query, whatever
    the input, so an unknown code and a malformed one answer alike."""
    code = rules.normalize_code(code_text) or "-"
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))
