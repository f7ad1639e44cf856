"""May this unit see this person? The one answer every wizard prefill and person lookup reads.

A unit sees the registry facts (name, birth date, phone, address …) of the people it employs or
employed: those with an enrollment at the unit, open or ended. Anyone else's ID number may
only be confirmed as known (C1 续保 of a person new to this unit), never filled in: otherwise
one employer could read another unit's staff by typing ID numbers (issue 10)."""
from sqlalchemy import select

from app.extensions import db
from models.person import Enrollment, Person


def visible_person(unit_id: int, id_number: str) -> Person | None:
    """The person under this ID number if the unit employs or employed them, else None."""
    if not id_number:
        return None
    employed_here = (select(Enrollment.id)
                     .where(Enrollment.person_id == Person.id, Enrollment.unit_id == unit_id)
                     .exists())
    return db.session.scalar(
        select(Person).where(Person.id_number == id_number.upper(), employed_here))


def is_known(id_number: str) -> bool:
    """Whether the registry holds this ID number at all: all a stranger's number may tell."""
    if not id_number:
        return False
    return db.session.scalar(
        select(Person.id).where(Person.id_number == id_number.upper())) is not None
