"""What a declaration will cost, or cost when it was decided (H2), for the 核对 step, the
result page and the reviewer: per person the base used after the floor and cap and the monthly
unit and personal amounts (C1 batches, C3), or for 补缴 (C5) the months, 应缴 and 滞纳金; then
the totals. A batch may hold 10,000 people: every row counts in the totals, only the first
SHOWN_ROWS are listed, and equal rows are reckoned once."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.declarations import base_declaration
from app.declarations.cost import rates_in_force
from app.extensions import db
from models.contribution import Contribution
from models.declaration import DeclarationItem
from models.person import Enrollment, Person
from models.reference import Insurance
from rules import back_payment, workflow
from rules.contribution_base import decide_base
from rules.cost_preview import amounts_fen, fen, late_fee_fen, scaled
from rules.late_fee import DAILY_RATE, days_late
from rules.months import month_label, to_month

SHOWN_ROWS = 20
ZERO = Decimal("0.00")
DAILY = scaled(DAILY_RATE)


@dataclass
class PersonCost:
    seq: int
    name: str
    id_number: str
    wage: Decimal  # 缴费工资 / 补缴基数 as declared
    base: str  # the base used; for 补缴 spanning years "low–high"
    clamped: str | None
    unit_amount: Decimal  # per month, or for 补缴 the whole period
    personal_amount: Decimal
    months: int = 0
    period: str = ""
    late_fee: Decimal = ZERO

    @property
    def due(self) -> Decimal:
        return self.unit_amount + self.personal_amount


@dataclass
class CostSummary:
    kind: str  # "monthly" | "back_pay"
    rows: list = field(default_factory=list)
    people: int = 0
    wage: Decimal = ZERO
    unit_amount: Decimal = ZERO
    personal_amount: Decimal = ZERO
    late_fee: Decimal = ZERO
    unpriced: int = 0  # rows whose year has no limits yet (or no rates): not in the totals

    @property
    def due(self) -> Decimal:
        return self.unit_amount + self.personal_amount

    @property
    def total(self) -> Decimal:
        return self.due + self.late_fee

    def add(self, cost: PersonCost | None) -> None:
        if cost is None:
            self.unpriced += 1
            return
        self.people += 1
        self.wage += cost.wage
        self.unit_amount += cost.unit_amount
        self.personal_amount += cost.personal_amount
        self.late_fee += cost.late_fee
        if len(self.rows) < SHOWN_ROWS:
            self.rows.append(cost)


def summary(declaration) -> CostSummary | None:
    code = declaration.business_code
    if code == "C5":
        return _back_pay(declaration)
    if code == "C3" or (code == "C1" and declaration.batch):
        return _monthly(declaration)
    return None


def _items(declaration):
    """(seq, name, ID number, payload, person id) of the rows that count: once decided, the
    approved ones. Read as plain rows in chunks."""
    query = (select(DeclarationItem.seq, DeclarationItem.name, DeclarationItem.id_number,
                    DeclarationItem.payload, DeclarationItem.person_id)
             .where(DeclarationItem.declaration_id == declaration.id))
    if declaration.status in workflow.DECIDED:
        query = query.where(DeclarationItem.status == "approved")
    return db.session.execute(query.order_by(DeclarationItem.seq)
                              .execution_options(yield_per=2000))


def _monthly(declaration) -> CostSummary:
    wage_declaration = declaration.business_code == "C3"
    held = _insurances_held(declaration) if wage_declaration else {}
    this_month, found = to_month(date.today()), CostSummary("monthly")
    terms = Terms(declaration.unit)
    for seq, name, number, payload, _person in _items(declaration):
        if wage_declaration:
            year = int(payload.get("year") or 0)
            month = this_month if this_month // 100 == year else year * 100 + 1
            codes, wage = tuple(held.get(number, ())), payload.get("declared_wage")
        else:
            month = int(payload.get("start_month") or 0)
            codes = tuple(sorted(str(payload.get("insurances") or "").split(",")))
            wage = payload.get("wage")
        limits, rates = terms.limits(month // 100), terms.rates(codes, month)
        if limits is None or not codes or not rates:
            found.add(None)
            continue
        decision = decide_base(Decimal(str(wage or 0)), *limits)
        unit_amount, personal_amount = terms.amounts(decision.base, codes, month)
        found.add(PersonCost(seq, name, number, decision.declared, f"{decision.base:.2f}",
                             decision.clamped, unit_amount, personal_amount))
    return found


class Terms:
    """The year limits and rates read once for all rows; the amounts in integers
    (rules.cost_preview: equal to monthly_amounts, fast enough for 10,000 rows)."""

    def __init__(self, unit):
        self.unit, self._limits, self._rates = unit, {}, {}

    def limits(self, year: int):
        if year not in self._limits:
            self._limits[year] = base_declaration.year_limits([year]).get(year)
        return self._limits[year]

    def rates(self, codes: tuple, month: int) -> list[tuple[int, int]]:
        """[(unit rate, personal rate) scaled] of the 险种 in force in the month."""
        if (codes, month) not in self._rates:
            found = rates_in_force(self.unit, list(codes), month) if codes else {}
            self._rates[codes, month] = [(scaled(unit), scaled(personal))
                                         for _name, unit, personal in found.values()]
        return self._rates[codes, month]

    def amounts(self, base: Decimal, codes: tuple, month: int) -> tuple[Decimal, Decimal]:
        unit, personal = amounts_fen(fen(base), self.rates(codes, month))
        return _yuan(unit), _yuan(personal)


def _insurances_held(declaration) -> dict[str, list[str]]:
    """ID number → 险种 codes each person is enrolled in at this unit now, for all rows at once."""
    # The unit's open enrollments, not a join through the items: a C3 names the unit's staff,
    # and this reads them by the enrollment's unit index in one pass.
    rows = db.session.execute(
        select(Person.id_number, Insurance.code).distinct()
        .join(Enrollment, Enrollment.person_id == Person.id)
        .join(Insurance, Insurance.id == Enrollment.insurance_id)
        .where(Enrollment.unit_id == declaration.unit_id, Enrollment.end_month.is_(None)))
    held: dict[str, list[str]] = {}
    for number, code in rows:
        held.setdefault(number, []).append(code)
    return {n: sorted(codes) for n, codes in held.items()}


def _back_pay(declaration) -> CostSummary:
    """Undecided: the amounts the approval would write, the late fee reckoned to today.
    Decided: what the approval wrote in the ledger."""
    found = CostSummary("back_pay")
    recorded = _ledger(declaration) if declaration.status in workflow.DECIDED else None
    rates = None if recorded is not None else base_declaration.unit_rates(declaration.unit_id)
    today, memo, known = date.today(), {}, {}
    for seq, name, number, payload, person_id in _items(declaration):
        start, end = int(payload.get("start_month") or 0), int(payload.get("end_month") or 0)
        months = back_payment.months_of(start, end) if start and end else []
        codes = tuple(c for c in str(payload.get("insurances") or "").split(",") if c)
        wage = Decimal(str(payload.get("base") or 0))
        period = f"{month_label(start)} — {month_label(end)}"
        if recorded is not None:
            got = recorded.get(person_id)
            found.add(None if got is None else PersonCost(
                seq, name, number, wage, got[0], None, got[1], got[2], len(months), period,
                got[3]))
            continue
        key = (start, end, str(wage), codes)
        if key not in memo:
            memo[key] = _reckon(months, codes, wage, rates, today, known)
        got = memo[key]
        found.add(None if got is None else PersonCost(
            seq, name, number, wage, got[0], None, got[1], got[2], len(months), period, got[3]))
    return found


def _reckon(months, codes, wage, rates, today, known: dict):
    """(base shown, unit, personal, late fee) of one row, or None when it cannot be priced.
    ``known`` keeps what rows share: year limits, scaled rates per 险种 and month, days late.
    The sums are rules.back_payment.lines' in integers (rules.cost_preview)."""
    if not months or not codes:
        return None
    years = {m // 100 for m in months}
    unread = years - {k for k in known if isinstance(k, int)}
    if unread:
        found = base_declaration.year_limits(unread)
        known.update({y: found.get(y) for y in unread})
    if any(known[y] is None for y in years):
        return None
    bases, unit, personal, fee, by_year = [], 0, 0, 0, {}
    for month in months:
        if month // 100 not in by_year:
            by_year[month // 100] = decide_base(wage, *known[month // 100]).base
        base = by_year[month // 100]
        bases.append(base)
        month_rates = []
        for code in codes:
            if ("rate", code, month) not in known:
                rate = rates.at(code, month)
                known["rate", code, month] = rate and (scaled(rate[0]), scaled(rate[1]))
            if known["rate", code, month] is None:
                return None
            month_rates.append(known["rate", code, month])
        if ("days", month) not in known:
            known["days", month] = days_late(month, today)
        for pair in month_rates:  # the late fee is per month and 险种, as the ledger has it
            u, p = amounts_fen(fen(base), [pair])
            unit, personal = unit + u, personal + p
            fee += late_fee_fen(u + p, known["days", month], DAILY)
    return _span(bases), _yuan(unit), _yuan(personal), _yuan(fee)


def _ledger(declaration) -> dict:
    """person id → (bases, unit, personal, late fee) the approval wrote."""
    rows = db.session.execute(
        select(Contribution.person_id, func.min(Contribution.base), func.max(Contribution.base),
               func.sum(Contribution.unit_amount), func.sum(Contribution.personal_amount),
               func.sum(Contribution.late_fee))
        .where(Contribution.declaration_id == declaration.id)
        .group_by(Contribution.person_id))
    return {pid: (_span((low, high)), _fen(unit), _fen(personal), _fen(fee))
            for pid, low, high, unit, personal, fee in rows}


def _span(bases) -> str:
    values = [Decimal(str(b)) for b in bases]
    low, high = min(values), max(values)
    return f"{low:.2f}" if low == high else f"{low:.2f}–{high:.2f}"


def _yuan(amount_fen: int) -> Decimal:
    return (Decimal(amount_fen) / 100).quantize(Decimal("0.01"))


def _fen(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))
