"""Declaration guards of the bases and back-payment family: C3 缴费基数申报 (once per person and
year, inside the window), C4 撤销工资申报 (a revocable C3 of this unit), C5 补缴 (months inside
this unit's enrollment, not paid anywhere). Set-based over all rows of a declaration."""
from sqlalchemy import and_, func, or_, select

from app.declarations import base_declaration
from app.declarations.guards import among, payload_guard
from app.extensions import db
from models.contribution import Bill, Contribution, YearParameter
from models.declaration import Declaration, DeclarationEvent, DeclarationItem
from models.person import Enrollment, Person
from models.reference import Insurance
from rules import back_payment, retirement, wage_base, workflow
from rules.business import WAGE_DECLARATION
from rules.errors import RuleError
from rules.months import to_month


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def declared_in_year(unit_id: int, year: int, id_numbers, except_declaration=None) -> dict:
    """ID number → (流水号, unfinished?) of these persons' base of ``year`` already declared by this
    unit: an item of a C3 still unfinished, or approved in a C3 that is not revoked."""
    year_of = DeclarationItem.payload["year"].as_integer()
    revoked = (select(DeclarationEvent.id)
               .where(DeclarationEvent.declaration_id == Declaration.id,
                      DeclarationEvent.action == base_declaration.REVOKED).exists())
    counts = or_(Declaration.status.in_(workflow.UNFINISHED),
                 and_(Declaration.status.in_((workflow.APPROVED, workflow.PARTIAL)),
                      DeclarationItem.status == "approved"))
    found = {}
    for numbers in base_declaration.chunked(id_numbers):
        query = (select(DeclarationItem.id_number, Declaration.serial_no, Declaration.status)
                 .join(Declaration, DeclarationItem.declaration_id == Declaration.id)
                 .where(Declaration.unit_id == unit_id,
                        Declaration.business_code == WAGE_DECLARATION,
                        among(DeclarationItem.id_number, numbers), counts, year_of == year,
                        ~revoked)
                 .order_by(Declaration.id))
        if except_declaration is not None:
            query = query.where(Declaration.id != except_declaration)
        for number, serial_no, status in db.session.execute(query):
            found.setdefault(number, (serial_no, status in workflow.UNFINISHED))
    return found


@payload_guard("wage_base_year")
def wage_base_year(unit_id, payloads, today, except_declaration):
    """C3: one base year per declaration (rows naming another year than most are refused),
    parameters set, inside the admin's window, each person's base once per year (a second needs
    the first revoked by C4) and once per declaration. The unit's declarations of a year
    together hold its staff: a single person's C3 leaves the others free."""
    years = [_int(p.get("year")) for p in payloads]
    try:
        year = wage_base.one_year(years)
    except RuleError:
        year = wage_base.common_year(years)
        if year is None:
            return {i: ("year", "申报年度不能为空") for i in range(len(payloads))}
    window = db.session.execute(
        select(YearParameter.window_start, YearParameter.window_end)
        .where(YearParameter.year == year)).first()
    if window is None:
        reason = wage_base.missing_parameters_refusal(year)
    else:
        reason = wage_base.window_refusal(year, today, *window)
    if reason:
        return {i: ("year", reason) for i in range(len(payloads))}
    declared = declared_in_year(unit_id, year, [p.get("id_number") for p in payloads
                                                if p.get("id_number")], except_declaration)
    first_row, refusals = {}, {}
    for i, p in enumerate(payloads):
        number = p.get("id_number")
        row = first_row.setdefault(number, i)
        if years[i] != year:
            refusals[i] = ("year", wage_base.other_year_refusal(year))
        elif row != i:
            refusals[i] = ("id_number", f"该人员在本申报中重复（与第{row + 1}行）")
        elif number in declared:
            # Said of the year: a file whose every row has it gets it once (app/batch/file_level).
            refusals[i] = ("year", wage_base.once_per_year_refusal(year, *declared[number]))
    return refusals


def revocation_refusal(unit_id: int, serial_no: str, except_declaration=None) -> str | None:
    """Why the C3 ``serial_no`` cannot be revoked by a C4 of this unit, or None."""
    c3 = db.session.execute(
        select(Declaration.id, Declaration.status)
        .where(Declaration.serial_no == serial_no, Declaration.unit_id == unit_id,
               Declaration.business_code == WAGE_DECLARATION)).first()
    if c3 is None:
        return f"未找到本单位流水号为{serial_no}的工资申报"
    if c3.status not in (workflow.APPROVED, workflow.PARTIAL):
        return (f"只能撤销审核成功的工资申报，该申报当前状态为"
                f"“{workflow.STATUS_NAMES.get(c3.status, c3.status)}”")
    if db.session.scalar(select(DeclarationEvent.id).where(
            DeclarationEvent.declaration_id == c3.id,
            DeclarationEvent.action == base_declaration.REVOKED).limit(1)):
        return "该工资申报已撤销，不能重复撤销"
    pending = (select(Declaration.serial_no)
               .where(Declaration.unit_id == unit_id, Declaration.business_code == "C4",
                      Declaration.status.in_(workflow.UNFINISHED),
                      Declaration.payload["serial_no"].as_string() == serial_no)
               .limit(1))
    if except_declaration is not None:
        pending = pending.where(Declaration.id != except_declaration)
    other = db.session.scalar(pending)
    if other:
        return f"该工资申报已有未办结的撤销申报（流水号{other}），请先办结或作废"
    return None


@payload_guard("revocable_wage_declaration")
def revocable_wage_declaration(unit_id, payloads, today, except_declaration):
    """C4: the named C3 is this unit's, approved, not revoked, not being revoked already."""
    refusals = {}
    for i, p in enumerate(payloads):
        reason = revocation_refusal(unit_id, str(p.get("serial_no") or ""), except_declaration)
        if reason:
            refusals[i] = ("serial_no", reason)
    return refusals


@payload_guard("back_pay_months")
def back_pay_months(unit_id, payloads, today, except_declaration):
    """C5 (RULES.md §4): every month inside this unit's enrollment of that 险种, not paid
    anywhere, parameters and rates set; nobody past retirement age without earlier records.
    Six queries for the whole batch."""
    rows = []
    for i, p in enumerate(payloads):
        start, end = _int(p.get("start_month")), _int(p.get("end_month"))
        if p.get("id_number") and start and end and start <= end:
            rows.append((i, p["id_number"], back_payment.months_of(start, end),
                         [c for c in str(p.get("insurances") or "").split(",") if c]))
    if not rows:
        return {}
    first = min(r[2][0] for r in rows)
    last = max(r[2][-1] for r in rows)
    people, spans, paid, billed, earliest = {}, {}, {}, {}, {}
    for numbers in base_declaration.chunked(r[1] for r in rows):
        people.update((number, (pid, birth, category)) for number, pid, birth, category in
                      db.session.execute(select(Person.id_number, Person.id, Person.birth_date,
                                                Person.retirement_category)
                                         .where(among(Person.id_number, numbers))))
    for ids in base_declaration.chunked(v[0] for v in people.values()):
        for pid, code, start, end in db.session.execute(
                select(Enrollment.person_id, Insurance.code, Enrollment.start_month,
                       Enrollment.end_month)
                .join(Insurance, Insurance.id == Enrollment.insurance_id)
                .where(Enrollment.unit_id == unit_id, Enrollment.person_id.in_(ids),
                       Enrollment.category == "active")):
            spans.setdefault(pid, {}).setdefault(code, []).append((start, end))
        for pid, code, month, is_paid, unit in db.session.execute(
                select(Contribution.person_id, Insurance.code, Contribution.month,
                       Contribution.paid, Contribution.unit_id)
                .join(Insurance, Insurance.id == Contribution.insurance_id)
                .outerjoin(Bill, Bill.id == Contribution.bill_id)
                .where(Contribution.person_id.in_(ids), Contribution.month.between(first, last),
                       or_(Contribution.paid.is_(True),
                           and_(Bill.id.is_not(None), Bill.status != "void")))):
            if is_paid:
                paid.setdefault(pid, set()).add((code, month))
            elif unit == unit_id:
                billed.setdefault(pid, set()).add((code, month))
        earliest.update(db.session.execute(
            select(Contribution.person_id, func.min(Contribution.month))
            .where(Contribution.person_id.in_(ids), Contribution.paid.is_(True))
            .group_by(Contribution.person_id)).all())
    limits = base_declaration.year_limits({m // 100 for r in rows for m in r[2]})
    rates = base_declaration.unit_rates(unit_id)
    refusals = {}
    for i, number, months, codes in rows:
        if number not in people:
            refusals[i] = ("id_number", "未找到该人员的参保信息")
            continue
        pid, birth, category = people[number]
        try:
            retire = to_month(retirement.retirement_month(birth, category))
        except RuleError:
            retire = None
        facts = back_payment.PersonFacts(spans.get(pid, {}), frozenset(paid.get(pid, ())),
                                         retire, earliest.get(pid),
                                         frozenset(billed.get(pid, ())))
        found = back_payment.refusal(months, codes, facts, today, limits, rates.at)
        if found:
            refusals[i] = found
    return refusals
