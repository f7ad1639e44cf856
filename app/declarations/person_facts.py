"""The person-facts step of the declaration engine: what the registry holds about the people of a
declaration, loaded in a few set-based queries, and the business's registry checks run over it.

The wizard (commands.validate_item), the import (app/batch/importer.py), the submit and the
approval (commands.auto_review, commands.decide) all call ``judge``/``refusals`` here, so a
declaration is checked against the same facts the same way wherever it comes from; the
approval runs the checks again because the registry may have changed since the submit.

Facts of a person the unit neither employs nor employed stay inside the checks: only
rules.person_facts.named lets a message say a registered value, and only to the person's unit.
"""
from datetime import date

from sqlalchemy import and_, func, or_, select

from app.declarations import base_declaration, guards
from app.declarations.guards import among
from app.extensions import db
from models.contribution import Contribution
from models.declaration import Declaration, DeclarationItem
from models.pension import RetirementRecord
from models.person import Enrollment, Person
from models.reference import ChangeReason, Insurance, Nation
from models.unit import Unit
from rules import workflow
from rules.business import Business
from rules.checks.changes import UNIT_FIELDS
from rules.checks.common import no_unfinished
from rules.person_facts import PersonFacts, Span
from rules.rates import PENSION

# Every person business starts with RULES.md §10 (one unfinished declaration per person); the
# approval leaves it out: the declaration being decided is itself the unfinished one.
ENGINE_CHECKS = (no_unfinished,)
NOBODY = PersonFacts("")


def judge(business: Business, unit_id: int, rows: list[dict], today: date | None = None,
          except_declaration=None, at_decision: bool = False) -> dict[int, dict[str, str]]:
    """Every refusal of these rows, by row index: the registry checks first, then the
    declaration guards over all rows (once per person and year, months already paid …)."""
    today = today or date.today()
    found = refusals(business, unit_id, rows, today, except_declaration, at_decision)
    for index, (field, reason) in guards.for_payloads(business, unit_id, rows, today,
                                                      except_declaration).items():
        found.setdefault(index, {field: reason})
    return found


def refusals(business: Business, unit_id: int, rows: list[dict], today: date | None = None,
             except_declaration=None, at_decision: bool = False) -> dict[int, dict[str, str]]:
    """The registry checks of the business over each row and its person's facts: row index →
    {field: reason} of the first check that refuses it."""
    today = today or date.today()
    if business.subject == "unit":
        unit = unit_facts(unit_id)
        return _run(business.registry_checks, rows, lambda row: unit, today)
    numbers = [row.get("id_number") for row in rows if row.get("id_number")]
    facts = load(business, unit_id, numbers, except_declaration, at_decision)
    checks = business.registry_checks if at_decision else ENGINE_CHECKS + business.registry_checks
    # Most rows of a big 增员 file are people the registry does not know: one empty PersonFacts
    # serves them all (the checks read facts, never which number they belong to).
    return _run(checks, rows, lambda row: facts.get(row.get("id_number"), NOBODY), today)


def _run(checks, rows, facts_of, today) -> dict[int, dict[str, str]]:
    found = {}
    for index, row in enumerate(rows):
        facts = facts_of(row)
        for check in checks:
            errors = check(row, facts, today)
            if errors:
                found[index] = errors
                break
    return found


def load(business: Business, unit_id: int, id_numbers: list[str], except_declaration=None,
         at_decision: bool = False) -> dict[str, PersonFacts]:
    """ID number → PersonFacts for the known ones among ``id_numbers`` (and for numbers with an
    unfinished declaration here); five queries per 5,000 numbers whatever the business."""
    facts: dict[str, dict] = {}
    for numbers in base_declaration.chunked(dict.fromkeys(id_numbers)):
        people = _people(numbers)
        facts.update(people)
        by_id = {f["person_id"]: f for f in people.values()}
        if by_id:
            _enrollments(unit_id, by_id)
            _retired(by_id)
            if _needs(business, "paid_months"):
                _paid_months(by_id)
        if business.subject == "person" and not at_decision:
            _unfinished(business, unit_id, numbers, except_declaration, facts)
    return {number: PersonFacts(**{k: v for k, v in f.items() if k != "person_id"} |
                                {"here": tuple(f.get("here", ()))})
            for number, f in facts.items()}


def unit_facts(unit_id: int) -> dict:
    unit = db.session.get(Unit, unit_id)
    return {name: getattr(unit, name, None) for name in UNIT_FIELDS}


def _needs(business: Business, fact: str) -> bool:
    return any(fact in getattr(check, "needs", ()) for check in business.registry_checks)


def _people(numbers) -> dict[str, dict]:
    rows = db.session.execute(
        select(Person.id_number, Person.id, Person.name, Person.gender, Person.birth_date,
               Person.retirement_category, Nation.code, Person.phone, Person.address)
        .outerjoin(Nation, Nation.id == Person.nation_id)
        .where(among(Person.id_number, numbers)))
    return {number: dict(id_number=number, person_id=pid, known=True, name=name, gender=gender,
                         birth_date=birth, retirement_category=category, nation=nation,
                         phone=phone, address=address, here=[], elsewhere=frozenset())
            for number, pid, name, gender, birth, category, nation, phone, address in rows}


def _enrollments(unit_id: int, by_id: dict) -> None:
    """This unit's enrollments, open or ended; elsewhere only which 险种 are open (never where)."""
    reason = ChangeReason.__table__.alias("reduce_reason")
    rows = db.session.execute(
        select(Enrollment.person_id, Enrollment.unit_id, Insurance.code, Enrollment.category,
               Enrollment.status, Enrollment.start_month, Enrollment.end_month, reason.c.code)
        .join(Insurance, Insurance.id == Enrollment.insurance_id)
        .outerjoin(reason, reason.c.id == Enrollment.reduce_reason_id)
        .where(Enrollment.person_id.in_(list(by_id)),
               or_(Enrollment.unit_id == unit_id,
                   and_(Enrollment.end_month.is_(None), Enrollment.status != "ended"))))
    elsewhere: dict[int, set] = {}
    for pid, unit, code, category, status, start, end, reduce_reason in rows:
        if unit == unit_id:
            by_id[pid]["here"].append(Span(code, category, status, start, end, reduce_reason))
        else:
            elsewhere.setdefault(pid, set()).add(code)
    for pid, codes in elsewhere.items():
        by_id[pid]["elsewhere"] = frozenset(codes)


def _retired(by_id: dict) -> None:
    for pid in db.session.scalars(select(RetirementRecord.person_id)
                                  .where(RetirementRecord.person_id.in_(list(by_id)))):
        by_id[pid]["retired"] = True


def _paid_months(by_id: dict) -> None:
    """Distinct months with a paid 养老 contribution, at any unit (RULES.md §5 minimum years)."""
    rows = db.session.execute(
        select(Contribution.person_id, func.count(func.distinct(Contribution.month)))
        .join(Insurance, Insurance.id == Contribution.insurance_id)
        .where(Contribution.person_id.in_(list(by_id)), Contribution.paid.is_(True),
               Insurance.code == PENSION)
        .group_by(Contribution.person_id))
    for pid, months in rows:
        by_id[pid]["paid_months"] = months


def _unfinished(business, unit_id, numbers, except_declaration, facts) -> None:
    """This unit's unfinished declarations of the business (their 流水号 are the unit's own),
    and whether another unit's is at the center now (said without its unit or 流水号)."""
    mine = (select(DeclarationItem.id_number, Declaration.serial_no, Declaration.unit_id,
                   Declaration.status)
            .join(Declaration, DeclarationItem.declaration_id == Declaration.id)
            .where(Declaration.business_code == business.code,
                   among(DeclarationItem.id_number, numbers),
                   or_(and_(Declaration.unit_id == unit_id,
                            Declaration.status.in_(workflow.UNFINISHED)),
                       and_(Declaration.unit_id != unit_id,
                            Declaration.status.in_((workflow.SUBMITTED, workflow.REVIEWING)))))
            .order_by(Declaration.id))
    if except_declaration is not None:
        mine = mine.where(Declaration.id != except_declaration)
    for number, serial_no, unit, _status in db.session.execute(mine):
        f = facts.setdefault(number, dict(id_number=number, person_id=None, here=[]))
        if unit == unit_id:
            f["unfinished"] = (*f.get("unfinished", ()), serial_no)
        else:
            f["at_center"] = True


def findings(declaration, business: Business, items=None) -> dict:
    """What the registry checks find now, for the reviewer's page: item id (0 for a unit
    business) → "；"-joined reasons, or None where the item agrees with the registry. ``items``:
    the ones the page shows (a batch of 100,000 is judged a page at a time)."""
    if business.subject != "person":
        found = judge(business, declaration.unit_id, [declaration.payload or {}],
                      except_declaration=declaration.id, at_decision=True)
        return {0: "；".join(found[0].values()) if 0 in found else None}
    items = list(declaration.items if items is None else items)
    found = judge(business, declaration.unit_id, [i.payload for i in items],
                  except_declaration=declaration.id, at_decision=True)
    return {item.id: "；".join(found[index].values()) if index in found else None
            for index, item in enumerate(items)}
