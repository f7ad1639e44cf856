"""The facts a 参保缴费证明 states, read from the ledger of one unit: per person and 险种 the
status of its enrollment in this unit, the periods paid (runs of consecutive paid months), and
per month the base and the unit and personal amounts — or, for a range longer than
MONTHLY_LIMIT months, per year the months paid. The dict is what the PDF prints and what
Certificate.facts keeps for /verify/<code>, so both always say the same.

Only this unit's rows are read: a unit certifies what was paid through it, never what another
unit paid for the same person. Set-based: one query per PERSONS_PER_QUERY people, not a query
per person, so 1,000 certificates read the ledger in two queries.
"""
from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from app.extensions import db
from models.contribution import Contribution
from models.person import Enrollment, Person
from models.reference import Insurance
from models.unit import Unit
from rules.months import add_months, month_count

MONTHLY_LIMIT = 36  # months a certificate lists one by one; longer ranges list years
PERSONS_PER_QUERY = 500
DEFAULT_CENTER = "济南市社会保险事业中心"
VERSION = 1


def certificate_facts(unit: Unit, persons: list[Person], start: int, end: int, purpose: str,
                      center: str = DEFAULT_CENTER, today: date | None = None) -> dict:
    """person id → the facts of that person's certificate (every person of ``persons``)."""
    today = today or date.today()
    ledger = _ledger(unit.id, [p.id for p in persons], start, end)
    statuses = _statuses(unit.id, [p.id for p in persons])
    names = {code: (name, short) for code, name, short in db.session.execute(
        sa.select(Insurance.code, Insurance.name, Insurance.short_name))}
    monthly = month_count(start, end) <= MONTHLY_LIMIT
    facts = {}
    for person in persons:
        rows = ledger.get(person.id, {})
        facts[person.id] = {
            "version": VERSION,
            "name": person.name, "id_number": person.id_number,
            "unit_name": unit.name, "unit_no": unit.unit_no,
            "period_start": start, "period_end": end,
            "purpose": purpose, "printed_on": today.isoformat(), "center": center,
            "insurances": _insurances(rows, statuses.get(person.id, {}), names),
            "monthly": _monthly(rows) if monthly else [],
            "yearly": [] if monthly else _yearly(rows),
        }
    return facts


def _ledger(unit_id, person_ids, start, end) -> dict:
    """person id → insurance code → [(month, base, unit amount, personal amount)] paid."""
    found = defaultdict(lambda: defaultdict(list))
    for i in range(0, len(person_ids), PERSONS_PER_QUERY):
        chunk = person_ids[i:i + PERSONS_PER_QUERY]
        query = (sa.select(Contribution.person_id, Insurance.code, Contribution.month,
                           Contribution.base, Contribution.unit_amount,
                           Contribution.personal_amount)
                 .join(Insurance, Insurance.id == Contribution.insurance_id)
                 .where(Contribution.unit_id == unit_id, Contribution.person_id.in_(chunk),
                        Contribution.month.between(start, end), Contribution.paid.is_(True))
                 .order_by(Contribution.person_id, Insurance.sort, Contribution.month))
        for person_id, code, month, base, unit_amount, personal in db.session.execute(query):
            found[person_id][code].append((month, base, unit_amount, personal))
    return found


def _statuses(unit_id, person_ids) -> dict:
    """person id → insurance code → the status of the latest enrollment in this unit: normal |
    suspended | ended, or retired."""
    found = defaultdict(dict)
    for i in range(0, len(person_ids), PERSONS_PER_QUERY):
        chunk = person_ids[i:i + PERSONS_PER_QUERY]
        query = (sa.select(Enrollment.person_id, Insurance.code, Enrollment.category,
                           Enrollment.status)
                 .join(Insurance, Insurance.id == Enrollment.insurance_id)
                 .where(Enrollment.unit_id == unit_id, Enrollment.person_id.in_(chunk))
                 .order_by(Enrollment.person_id, Insurance.sort, Enrollment.start_month))
        for person_id, code, category, status in db.session.execute(query):
            retired = category == "retired" and status == "normal"
            found[person_id][code] = "retired" if retired else status  # the latest wins
    return found


def _insurances(rows: dict, statuses: dict, names: dict) -> list:
    """Per 险种 the unit enrolled the person in (or paid for): name, status, periods, months."""
    codes = list(statuses) + [c for c in rows if c not in statuses]
    return [{"code": code, "name": names.get(code, (code, code))[0],
             "short": names.get(code, (code, code))[1],
             "status": statuses.get(code, "ended"),
             "periods": _periods([r[0] for r in rows.get(code, [])]),
             "months": len(rows.get(code, []))}
            for code in codes]


def _periods(months: list[int]) -> list[list[int]]:
    """Runs of consecutive months: [202501, 202502, 202504] → [[202501, 202502],
    [202504, 202504]]."""
    periods = []
    for month in sorted(set(months)):
        if periods and add_months(periods[-1][1], 1) == month:
            periods[-1][1] = month
        else:
            periods.append([month, month])
    return periods


def _monthly(rows: dict) -> list:
    """Per month: the base and each 险种's [unit, personal] amounts, as strings to the fen."""
    months = defaultdict(lambda: {"base": None, "amounts": {}})
    for code, lines in rows.items():
        for month, base, unit_amount, personal in lines:
            line = months[month]
            line["base"] = line["base"] or f"{base:.2f}"
            line["amounts"][code] = [f"{unit_amount:.2f}", f"{personal:.2f}"]
    return [{"month": m, **months[m]} for m in sorted(months)]


def _yearly(rows: dict) -> list:
    years = defaultdict(dict)
    for code, lines in rows.items():
        for month, *_ in lines:
            years[month // 100][code] = years[month // 100].get(code, 0) + 1
    return [{"year": y, "months": years[y]} for y in sorted(years)]
