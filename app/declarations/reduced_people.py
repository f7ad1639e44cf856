"""The people a unit has reduced (减员), for the businesses that act on them (C9 减员原因变更,
C10 中断转退休): the picker of the entry form and, for the one picked, what the 济南 forms show
read-only beside it — 性别, 出生日期, 减员年月 and the current 减员原因.

Only this unit's enrollments are read: a person reduced here shows the facts of their last
reduction here, and no one else is listed or described (tenancy, issue 11 §2).
"""
from sqlalchemy import select

from app.extensions import db
from models.person import Enrollment, Person
from models.reference import ChangeReason

PICKER_LIMIT = 1000  # above this the ID number is typed (as the staff dropdown does)


def picker(unit_id: int) -> list[dict] | None:
    """Every person reduced here and not back in service here, by name, each with their facts;
    None when there are more than PICKER_LIMIT."""
    ids = list(db.session.scalars(
        _reduced(unit_id).with_only_columns(Enrollment.person_id).distinct()
        .limit(PICKER_LIMIT + 1)))
    if len(ids) > PICKER_LIMIT:
        return None
    people = _facts(unit_id, ids) if ids else {}
    return sorted(people.values(), key=lambda p: (p["name"], p["id_number"]))


def facts_of(unit_id: int, id_number: str | None) -> dict | None:
    """The facts of one person reduced here (by ID number), or None for anyone else."""
    if not id_number:
        return None
    person_id = db.session.scalar(
        select(Person.id).where(Person.id_number == str(id_number).strip().upper()))
    if person_id is None:
        return None
    return _facts(unit_id, [person_id]).get(person_id)


def _reduced(unit_id: int):
    """Ended enrollments here of people with no open enrollment here."""
    open_here = (select(Enrollment.id).where(
        Enrollment.unit_id == unit_id, Enrollment.end_month.is_(None))
        .where(Enrollment.person_id == Person.id).correlate(Person).exists())
    return (select(Enrollment).join(Person, Person.id == Enrollment.person_id)
            .where(Enrollment.unit_id == unit_id, Enrollment.end_month.is_not(None),
                   ~open_here))


def _facts(unit_id: int, person_ids: list[int]) -> dict[int, dict]:
    """person id → facts of the last reduction here; the latest 减员年月 wins, and of its rows
    the one with a reason."""
    rows = db.session.execute(
        _reduced(unit_id).with_only_columns(
            Person.id, Person.id_number, Person.name, Person.gender, Person.birth_date,
            Enrollment.end_month, ChangeReason.name)
        .outerjoin(ChangeReason, ChangeReason.id == Enrollment.reduce_reason_id)
        .where(Enrollment.person_id.in_(person_ids)))
    found: dict[int, dict] = {}
    for pid, number, name, gender, birth, end_month, reason in rows:
        seen = found.get(pid)
        if seen and (seen["end_month"], bool(seen["reduce_reason"])) >= (end_month, bool(reason)):
            continue
        found[pid] = {"id_number": number, "name": name, "gender": gender,
                      "birth_date": birth.isoformat() if birth else "",
                      "end_month": end_month, "reduce_reason": reason or ""}
    return found
