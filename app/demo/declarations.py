"""Declarations of 37010000001 in every state of the home counters, and auto-approved VIP ones.

Each has its items (what the user typed, per person) and a timeline of events, and approved ones
are tied to the rows their effect made (enrollments of an approved 增员, bases of a 基数申报).
"""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import update

from app.declarations import unfinished
from app.demo.people import People
from app.demo.staff import Member, Window
from models.declaration import Declaration, DeclarationEvent, DeclarationItem
from models.medical import MedicalAccountSubsidy
from models.person import ContributionBase, Enrollment
from rules.contribution_base import decide_base
from rules.months import add_months, month_start

ALL_INSURANCES = ["110", "210", "310", "410", "510"]
VIP_RULE = "VIP单位自动审核"
STATUS_AFTER = {  # event actions are the transition names of rules/workflow.py
    "create": "draft", "submit": "submitted", "claim": "reviewing", "approve": "approved",
    "reject": "rejected", "partial": "partial", "void": "void",
    "auto_approve": "approved", "read": None,
}


class Declarer:
    def __init__(self, session, window: Window, people: People, users: dict):
        self.session, self.window, self.people = session, window, people
        self.reviewer = users["reviewer"]
        self.users = users
        self.now = datetime.combine(window.today, time(9, 0))
        self.seq = 0
        self.count = 0

    def declare(self, unit_id: int, user, code: str, members: list, payloads: list,
                steps: list, days_ago: float, **fields) -> Declaration:
        """One declaration walked through ``steps`` (event actions), starting days_ago."""
        self.seq += 1
        at = self.now - timedelta(days=days_ago)
        decl = Declaration(
            serial_no=f"SB{at:%Y%m%d}{self.seq:06d}", unit_id=unit_id, business_code=code,
            insurance_codes=fields.pop("insurance_codes", ",".join(ALL_INSURANCES)),
            batch=len(members) > 1, status="draft",
            item_count=len(members), created_by_id=user.id, created_at=at, updated_at=at, **fields,
        )
        for seq, (member, payload) in enumerate(zip(members, payloads, strict=True), 1):
            status = payload.pop("_status", "pending")
            message = payload.pop("_message", None)
            decl.items.append(DeclarationItem(
                seq=seq, person_id=member.person_id, id_number=member.id_number,
                name=member.name, payload=payload, status=status, result_message=message,
            ))
        status = None
        for n, action in enumerate(steps):
            when = at + timedelta(hours=2 * n, minutes=7 * n)
            center = action in ("claim", "approve", "reject", "partial")
            auto = action == "auto_approve"
            actor = self.reviewer if center else None if auto else user
            target = STATUS_AFTER[action] or status
            decl.events.append(DeclarationEvent(
                action=action, from_status=status, to_status=target,
                actor_id=actor.id if actor else None,
                actor_name=_actor_name(actor) if actor else "系统自动审核",
                message=fields.get("opinion") if action in ("reject", "partial")
                else (VIP_RULE if auto else None),
                ip="127.0.0.1" if actor else None, at=when,
            ))
            if action == "submit":
                decl.submitted_at = when
            elif action == "claim":
                decl.claimed_at, decl.reviewer_id = when, self.reviewer.id
            elif action in ("approve", "reject", "partial", "auto_approve"):
                decl.decided_at = when
                if not auto:
                    decl.reviewer_id = self.reviewer.id
            elif action == "read":
                decl.read = True
            status = target
            decl.updated_at = when
        decl.status = status
        self.session.add(decl)
        self.count += 1
        return decl


def _actor_name(user) -> str:
    return f"{user.first_name}{user.last_name}"


def enrollment_payload(member, add_month: int, reason: str = "101") -> dict:
    """The fields of the C1 entry in the business registry (rules/business.py)."""
    return {"id_number": member.id_number, "name": member.name, "start_month": add_month,
            "add_reason": reason, "employment_form": "01", "person_category": "01",
            "insurances": ",".join(ALL_INSURANCES), "phone": member.phone,
            "wage": f"{_wage(member)}.00"}


def reduction_payload(member, end_month: int, reason: str) -> dict:
    return {"id_number": member.id_number, "name": member.name, "end_month": end_month,
            "reduce_reason": reason}


def _wage(member) -> int:
    return next(iter(member.wages.values()), 6000) if member.wages else 6000


def build_declarations(session, window: Window, people: People, users: dict, units: dict,
                       members: dict, limits: dict) -> int:
    """units: unit_no -> id; members: unit_no -> [Member] of the units with an account."""
    d = Declarer(session, window, people, users)
    _unit_one(d, units["37010000001"], users["37010000001"], members["37010000001"], window,
              limits)
    _vip_unit(d, units["37010000002"], users["37010000002"], members["37010000002"], window)
    session.flush()
    unfinished.hold_all(session)  # the demo's drafts hold their persons as the commands' would
    return d.count


def _unit_one(d: Declarer, unit_id: int, user, staff: list, window: Window, limits: dict):
    active = [m for m in staff if m.kind == "active"]
    recent = sorted((m for m in staff if m.kind == "new" and m.start_month >= add_months(
        window.month, -2)), key=lambda m: -m.start_month)
    ended = [m for m in staff if m.kind == "ended"]
    month = window.month
    # 未提交: a new hire typed in but not yet submitted (not a person in the registry yet).
    newcomer = d.people.working_person(1985, 2002)
    newcomer.pop("_retire")
    hire = Member(None, newcomer["id_number"], newcomer["name"], "draft", month, None,
                  {}, newcomer["phone"], None)
    payload = enrollment_payload(hire, month)
    payload.update(gender=newcomer["gender"], birth_date=newcomer["birth_date"].isoformat(),
                   retirement_category=newcomer["retirement_category"], back_pay=False)
    d.declare(unit_id, user, "C1", [hire], [payload], ["create"], 0.9,
              wizard_step="materials")
    # 提交后等待处理: a phone number change.
    m = active[0]
    d.declare(unit_id, user, "C7", [m], [_change(m, "phone", d.people.mobile())],
              ["create", "submit"], 1.2)
    # 正在处理: a contract ended this month, claimed by the reviewer.
    m = active[1]
    d.declare(unit_id, user, "C2", [m], [reduction_payload(m, month, "203")],
              ["create", "submit", "claim"], 2.5)
    # 处理成功还未查阅: last month's new hire; its enrollments are the effect.
    decl = d.declare(unit_id, user, "C1", [recent[0]],
                     [_approved(enrollment_payload(recent[0], recent[0].start_month))],
                     ["create", "submit", "claim", "approve"], 20,
                     opinion="审核通过")
    _link_enrollments(d, decl, recent[0], unit_id)
    # 处理失败还未查阅: a name change without the household register page.
    m = active[2]
    reason = "姓名变更需上传户口簿本人页或公安机关出具的更名证明，请补充材料后重新提交。"
    d.declare(unit_id, user, "C7", [m],
              [_rejected(_change(m, "name", m.name[0] + "思远"), reason)],
              ["create", "submit", "claim", "reject"], 4, returned=True,
              return_reason=reason, opinion="材料不全，退回修改")
    # 部分处理成功还未查阅: this year's wage bases, two rows rejected.
    year = window.today.year
    rows, payloads = active[3:11], []
    for n, m in enumerate(rows):
        # The wage on file when the base row exists (its effect), else last year's plus 4 %.
        wage = m.wages.get(year) or round(_wage(m) * 1.04)
        payload = _base_payload(year, Decimal(wage), limits)
        payloads.append(_rejected(payload, "申报工资较上年度变动超过50%，请核实后重新申报。")
                        if n >= 6 else _approved(payload))
    decl = d.declare(unit_id, user, "C3", rows, payloads,
                     ["create", "submit", "claim", "partial"], 6,
                     insurance_codes="110,210,310,410", payload={"year": year},
                     opinion="6人审核通过，2人申报工资异常被退回")
    _link_bases(d, decl, rows[:6], unit_id, year)
    # Older, decided and read.
    if len(recent) > 1:
        decl = d.declare(unit_id, user, "C1", [recent[1]],
                         [_approved(enrollment_payload(recent[1], recent[1].start_month))],
                         ["create", "submit", "claim", "approve", "read"], 50,
                         opinion="审核通过")
        _link_enrollments(d, decl, recent[1], unit_id)
    last_year = window.today.year - 1  # always inside the 24 months of history
    payers = [m for m in staff if last_year in m.wages]
    decl = d.declare(unit_id, user, "C3", payers, [
        _approved(_base_payload(last_year, Decimal(m.wages[last_year]), limits))
        for m in payers
    ], ["create", "submit", "claim", "approve", "read"],
        _days_since(window, date(last_year, 3, 10)),
        insurance_codes="110,210,310,410", payload={"year": last_year}, opinion="审核通过")
    _link_bases(d, decl, payers, unit_id, last_year)
    for m in ended[:2]:
        stop = add_months(m.end_month, 1)
        d.declare(unit_id, user, "C2", [m], [_approved({
            **reduction_payload(m, stop, m.reduce_reason)})],
            ["create", "submit", "claim", "approve", "read"],
            _days_since(window, month_start(stop)) + 3, opinion="审核通过")
    _subsidy(d, unit_id, user, active[12:14], add_months(month, -1), ["3500.00", "2800.00"],
             ["create", "submit", "claim", "approve", "read"], 9, opinion="审核通过")
    # 已作废: withdrawn before review.
    m = active[11]
    d.declare(unit_id, user, "C7", [m], [_change(m, "address", "山东省济南市历下区经十路9999号")],
              ["create", "submit", "void"], 12)


def _vip_unit(d: Declarer, unit_id: int, user, staff: list, window: Window):
    active = [m for m in staff if m.kind == "active"]
    new = [m for m in staff if m.kind == "new"]
    auto = dict(auto_decided=True, decision_rule=VIP_RULE, opinion=VIP_RULE)
    for n, m in enumerate(new):
        decl = d.declare(unit_id, user, "C1", [m],
                         [_approved(enrollment_payload(m, m.start_month))],
                         ["create", "submit", "auto_approve"] + (["read"] if n else []),
                         30 + 40 * n, **auto)
        _link_enrollments(d, decl, m, unit_id)
    m = active[0]
    d.declare(unit_id, user, "C7", [m], [_approved(_change(m, "phone", d.people.mobile()))],
              ["create", "submit", "auto_approve", "read"], 15, **auto)
    _subsidy(d, unit_id, user, active[1:2], add_months(window.month, -1), ["1200.00"],
             ["create", "submit", "auto_approve", "read"], 8, **auto)


def _subsidy(d: Declarer, unit_id: int, user, members: list, month: int, amounts: list,
             steps: list, days_ago: float, **fields) -> None:
    """An approved 医疗账户补助金 (C14) and the subsidy rows its effect records."""
    payloads = [_approved({"id_number": m.id_number, "name": m.name, "month": month,
                           "amount": amount}) for m, amount in zip(members, amounts, strict=True)]
    decl = d.declare(unit_id, user, "C14", members, payloads, steps, days_ago,
                     insurance_codes="310", **fields)
    d.session.flush()
    d.session.add_all(MedicalAccountSubsidy(
        person_id=m.person_id, unit_id=unit_id, month=month, amount=Decimal(amount),
        declaration_id=decl.id, created_at=decl.updated_at)
        for m, amount in zip(members, amounts, strict=True))


def _days_since(window: Window, day: date) -> int:
    return max((window.today - day).days, 1)


def _base_payload(year: int, declared: Decimal, limits: dict) -> dict:
    """What the 基数申报 screen keeps per row: the wage typed and the base the rules made of it."""
    floor, cap = limits[year]
    decision = decide_base(declared, Decimal(floor), Decimal(cap))
    return {"year": year, "declared_wage": str(decision.declared), "base": str(decision.base),
            "clamped": decision.clamped}


def _change(member, field: str, new: str) -> dict:
    """A C7 payload: the registry names a new name ``new_name``, the rest by their field."""
    key = "new_name" if field == "name" else field
    return {"id_number": member.id_number, "name": member.name, key: new}


def _approved(payload: dict) -> dict:
    return {**payload, "_status": "approved"}


def _rejected(payload: dict, message: str) -> dict:
    return {**payload, "_status": "rejected", "_message": message}


def _link_enrollments(d: Declarer, decl: Declaration, member, unit_id: int) -> None:
    d.session.flush()
    table = Enrollment.__table__
    d.session.execute(update(table).where(
        table.c.person_id == member.person_id, table.c.unit_id == unit_id,
    ).values(declaration_id=decl.id))


def _link_bases(d: Declarer, decl: Declaration, members: list, unit_id: int, year: int) -> None:
    d.session.flush()
    table = ContributionBase.__table__
    d.session.execute(update(table).where(
        table.c.unit_id == unit_id, table.c.year == year,
        table.c.person_id.in_([m.person_id for m in members]),
    ).values(declaration_id=decl.id))
