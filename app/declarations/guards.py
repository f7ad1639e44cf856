"""Checks that need the database: who is in service where, and unfinished declarations.
Each returns {id_number: reason} for the persons it refuses, set-based for batches."""
from sqlalchemy import select

from app.extensions import db
from models.declaration import Declaration, DeclarationItem
from models.person import Enrollment, Person
from models.unit import Unit
from rules import workflow
from rules.business import Business


def unfinished(business: Business, id_numbers: list[str], except_declaration=None) -> dict:
    """A person may have only one unfinished declaration of one business (RULES.md §10)."""
    if not id_numbers:
        return {}
    query = (select(DeclarationItem.id_number, Declaration.serial_no)
             .join(Declaration, DeclarationItem.declaration_id == Declaration.id)
             .where(Declaration.business_code == business.code,
                    Declaration.status.in_(workflow.UNFINISHED),
                    DeclarationItem.id_number.in_(id_numbers)))
    if except_declaration is not None:
        query = query.where(Declaration.id != except_declaration)
    return {number: f"该人员已有未办结的{business.name}申报（流水号{serial}），请先办结或作废"
            for number, serial in db.session.execute(query)}


def open_enrollments(id_numbers: list[str]) -> dict[str, list[tuple]]:
    """id_number → [(unit_id, unit name, category, insurance_id)] of enrollments still open."""
    rows = db.session.execute(
        select(Person.id_number, Enrollment.unit_id, Unit.name, Enrollment.category,
               Enrollment.insurance_id)
        .join(Enrollment, Enrollment.person_id == Person.id)
        .join(Unit, Unit.id == Enrollment.unit_id)
        .where(Person.id_number.in_(id_numbers), Enrollment.end_month.is_(None),
               Enrollment.status != "ended"))
    found: dict[str, list[tuple]] = {}
    for number, *rest in rows:
        found.setdefault(number, []).append(tuple(rest))
    return found


def for_business(business: Business, unit_id: int, id_numbers: list[str],
                 except_declaration=None) -> dict:
    """Every database refusal for these persons under this business, by ID number."""
    refusals = unfinished(business, id_numbers, except_declaration)
    source = business.person_source
    if business.subject != "person":
        return refusals
    enrolled = open_enrollments(id_numbers)
    for number in id_numbers:
        if number in refusals:
            continue
        spans = enrolled.get(number, [])
        here = [s for s in spans if s[0] == unit_id]
        elsewhere = [s for s in spans if s[0] != unit_id]
        reason = None
        if source == "new" and here:
            reason = "该人员已在本单位参保，不能重复增员"
        elif source == "new" and elsewhere:
            reason = f"该人员正在“{elsewhere[0][1]}”参保，须原单位先办理减员后才能续保"
        elif source == "staff" and not any(s[2] == "active" for s in here):
            reason = "该人员不是本单位在职参保人员"
        elif source == "retired" and not any(s[2] == "retired" for s in here):
            reason = "该人员不是本单位离退休人员"
        elif source == "reduced" and here:
            reason = "该人员仍在本单位参保，不能办理此业务"
        if reason:
            refusals[number] = reason
    return refusals


def known_person(id_number: str) -> Person | None:
    """续保: a person the system already knows fills the wizard from the registry."""
    return db.session.scalar(select(Person).where(Person.id_number == id_number))
