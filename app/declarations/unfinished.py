"""One unfinished declaration per person, business and unit (RULES.md §10), held by the database.

The person-facts step (person_facts.py, rules.checks.common.no_unfinished) checks it before a
save with a clear message, but two saves at the same moment both pass that check. So each
unfinished declaration also holds its persons as rows of ``unfinished_person`` (primary key:
business, ID number, unit): the second save's insert fails on the key, its transaction is rolled
back and it gets the same message. commands.py holds the persons when a declaration is saved,
submitted or reopened, and lets go when it is decided for good or voided."""
from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.exc import IntegrityError

from app.errors import Invalid
from app.extensions import db
from models.declaration import Declaration, DeclarationItem, UnfinishedPerson
from rules import business as registry
from rules import workflow
from rules.checks.common import no_unfinished
from rules.person_facts import PersonFacts


class Taken(Invalid):
    """Another unfinished declaration holds one of these persons; ``id_number`` says who."""

    def __init__(self, message: str, id_number: str | None):
        self.id_number = id_number
        super().__init__(message)


def hold(declaration, id_numbers: list[str] | None = None) -> None:
    """This declaration's persons, as its items name them now (one INSERT … SELECT, so a batch
    of 100,000 is as quick as one person). On a clash the whole transaction is rolled back and
    Taken raised with the guard's message. ``id_numbers``: the persons of a declaration created
    in this transaction (the rollback takes its items with it); a stored one's are read back."""
    business = registry.get(declaration.business_code)
    declaration_id = declaration.id
    db.session.flush()
    release(declaration_id)
    _prune(business.code, declaration.unit_id, declaration_id)
    items = (select(literal(business.code), DeclarationItem.id_number,
                    literal(declaration.unit_id), literal(declaration_id))
             .where(DeclarationItem.declaration_id == declaration_id,
                    DeclarationItem.id_number.is_not(None))
             .distinct())
    try:
        db.session.execute(insert(UnfinishedPerson).from_select(
            ["business_code", "id_number", "unit_id", "declaration_id"], items))
    except IntegrityError:
        db.session.rollback()
        raise _taken(business, declaration.unit_id, declaration_id, id_numbers) from None


def _taken(business, unit_id, declaration_id, id_numbers) -> Taken:
    """The clash, said as the person-facts check says it (the holder is this unit's own)."""
    held = (select(UnfinishedPerson.id_number, Declaration.serial_no)
            .join(Declaration, Declaration.id == UnfinishedPerson.declaration_id)
            .where(UnfinishedPerson.business_code == business.code,
                   UnfinishedPerson.unit_id == unit_id,
                   UnfinishedPerson.declaration_id != declaration_id))
    if id_numbers is None:
        held = held.where(UnfinishedPerson.id_number.in_(
            select(DeclarationItem.id_number)
            .where(DeclarationItem.declaration_id == declaration_id)))
    else:
        held = held.where(UnfinishedPerson.id_number.in_(id_numbers))
    found = db.session.execute(held.limit(1)).first()
    if found is None:
        return Taken("该人员已有未办结的同类申报，请先办结或作废", None)
    return Taken(no_unfinished({}, PersonFacts(found.id_number, unfinished=(found.serial_no,)),
                               None)["id_number"], found.id_number)


def _prune(business_code: str, unit_id: int, declaration_id: int) -> None:
    """Forget holds on these persons that no unfinished declaration backs any more (a person
    dropped from a draft batch, or re-imported away): only a live hold may refuse a save. A
    hold another save has just made and not committed is invisible here, so it stays and
    refuses us on the key."""
    held = UnfinishedPerson
    alive = (select(DeclarationItem.id)
             .join(Declaration, Declaration.id == DeclarationItem.declaration_id)
             .where(DeclarationItem.declaration_id == held.declaration_id,
                    DeclarationItem.id_number == held.id_number,
                    Declaration.status.in_(workflow.UNFINISHED))
             .exists())
    ours = select(DeclarationItem.id_number).where(
        DeclarationItem.declaration_id == declaration_id)
    db.session.execute(delete(held).where(held.business_code == business_code,
                                          held.unit_id == unit_id,
                                          held.id_number.in_(ours), ~alive))


def release(declaration_id: int) -> None:
    db.session.execute(delete(UnfinishedPerson)
                       .where(UnfinishedPerson.declaration_id == declaration_id))


def hold_all(session) -> None:
    """Every unfinished declaration holds its persons (the oldest where two hold one): for
    declarations written without the commands, as the demo load writes them."""
    holders = (select(Declaration.business_code, DeclarationItem.id_number,
                      Declaration.unit_id, func.min(Declaration.id))
               .join(DeclarationItem, DeclarationItem.declaration_id == Declaration.id)
               .where(Declaration.status.in_(workflow.UNFINISHED),
                      DeclarationItem.id_number.is_not(None))
               .group_by(Declaration.business_code, DeclarationItem.id_number,
                         Declaration.unit_id))
    session.execute(delete(UnfinishedPerson))
    session.execute(insert(UnfinishedPerson).from_select(
        ["business_code", "id_number", "unit_id", "declaration_id"], holders))
