"""One unfinished declaration per person and business (RULES.md §10), held by the database.

guards.unfinished checks it before a save with a clear message, but two saves at the same moment
both pass that check. So each unfinished declaration also holds its persons as rows of
``unfinished_person`` (primary key: business, ID number): the second save's insert fails on the
key, its transaction is rolled back and it gets the same message. commands.py holds the persons
when a declaration is saved, submitted or reopened, and lets go when it leaves 待办/审核."""
from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.exc import IntegrityError

from app.declarations import guards
from app.errors import Invalid
from app.extensions import db
from models.declaration import Declaration, DeclarationItem, UnfinishedPerson
from rules import business as registry
from rules import workflow


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
    _prune(business.code, declaration_id)
    items = (select(literal(business.code), DeclarationItem.id_number, literal(declaration_id))
             .where(DeclarationItem.declaration_id == declaration_id,
                    DeclarationItem.id_number.is_not(None))
             .distinct())
    try:
        db.session.execute(insert(UnfinishedPerson).from_select(
            ["business_code", "id_number", "declaration_id"], items))
    except IntegrityError:
        db.session.rollback()
        raise _taken(business, declaration_id, id_numbers) from None


def _taken(business, declaration_id, id_numbers) -> Taken:
    if id_numbers is None:
        id_numbers = list(db.session.scalars(
            select(DeclarationItem.id_number)
            .join(UnfinishedPerson, (UnfinishedPerson.id_number == DeclarationItem.id_number)
                  & (UnfinishedPerson.business_code == business.code))
            .where(DeclarationItem.declaration_id == declaration_id,
                   UnfinishedPerson.declaration_id != declaration_id).limit(1)))
    refusals = guards.unfinished(business, id_numbers, except_declaration=declaration_id)
    number, message = next(iter(refusals.items()), (None, None))
    return Taken(message or f"该人员已有未办结的{business.name}申报，请先办结或作废", number)


def _prune(business_code: str, declaration_id: int) -> None:
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
                                          held.id_number.in_(ours), ~alive))


def release(declaration_id: int) -> None:
    db.session.execute(delete(UnfinishedPerson)
                       .where(UnfinishedPerson.declaration_id == declaration_id))


def hold_all(session) -> None:
    """Every unfinished declaration holds its persons (the oldest where two hold one): for
    declarations written without the commands, as the demo load writes them."""
    holders = (select(Declaration.business_code, DeclarationItem.id_number,
                      func.min(Declaration.id))
               .join(DeclarationItem, DeclarationItem.declaration_id == Declaration.id)
               .where(Declaration.status.in_(workflow.UNFINISHED),
                      DeclarationItem.id_number.is_not(None))
               .group_by(Declaration.business_code, DeclarationItem.id_number))
    session.execute(delete(UnfinishedPerson))
    session.execute(insert(UnfinishedPerson).from_select(
        ["business_code", "id_number", "declaration_id"], holders))
