"""社会保险费申报表 (F2; 济南 manual 3.1): what a unit owes for a fee period (费款所属期, one
month or a range), per 险种 from the Contribution ledger — persons, base total, the unit's and
the person's rate and amount, late fee — the totals and the total in capitals (RULES.md §8),
with the boxes the unit stamps and the center signs.

``load_contribution_form`` reads the database (ledger sums in one GROUP BY, the rates in force
over the period); ``contribution_form_context`` is pure and makes the printed words of them;
``contribution_form_pdf`` prints. A rate that changed inside the period prints every value it
had there (16%、14%): the amounts are the ledger's, each month at its own rate.
"""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from rules.money import rmb_upper, to_fen
from rules.months import month_label
from rules.rates import INJURY

TEMPLATE = "contribution_form"
ZERO = Decimal("0.00")


class NothingToPrint(LookupError):
    """The unit has no ledger rows in the period."""


@dataclass
class InsuranceLine:
    """One 险种 of the form: the ledger's sums over the period and the rates in force."""
    code: str
    name: str
    persons: int
    base_total: Decimal
    unit_amount: Decimal
    personal_amount: Decimal
    late_fee: Decimal
    unit_rates: list[Decimal] = field(default_factory=list)
    personal_rates: list[Decimal] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.unit_amount + self.personal_amount + self.late_fee


def load_contribution_form(unit, first: int, last: int, linked_only: bool = False) -> dict:
    """The unit's ledger lines of months ``first``..``last`` and its head count (needs an app
    context). ``linked_only``: only the 险种 linked to the employer's account (A4), as every
    query of an employer (views/tenancy.py)."""
    import sqlalchemy as sa

    from app.extensions import db
    from models.contribution import Contribution
    from models.reference import Insurance
    from views.tenancy import unit_scope

    where = [Contribution.month.between(first, last)]
    where.append(unit_scope(Contribution, unit.id) if linked_only
                 else Contribution.unit_id == unit.id)
    sums = db.session.execute(
        sa.select(Insurance.id, Insurance.code, Insurance.name,
                  sa.func.count(sa.distinct(Contribution.person_id)),
                  sa.func.sum(Contribution.base), sa.func.sum(Contribution.unit_amount),
                  sa.func.sum(Contribution.personal_amount), sa.func.sum(Contribution.late_fee))
        .join(Insurance, Insurance.id == Contribution.insurance_id)
        .where(*where).group_by(Insurance.id, Insurance.code, Insurance.name)
        .order_by(Insurance.code)).all()
    rates = _rates(unit, first, last, [row[0] for row in sums])
    lines = [InsuranceLine(code, name, persons, to_fen(base or 0), to_fen(unit_amount or 0),
                           to_fen(personal or 0), to_fen(late or 0),
                           *rates.get(insurance_id, ([], [])))
             for insurance_id, code, name, persons, base, unit_amount, personal, late in sums]
    persons = db.session.scalar(sa.select(sa.func.count(sa.distinct(Contribution.person_id)))
                                .where(*where)) or 0
    return {"lines": lines, "persons": persons}


def _rates(unit, first, last, insurance_ids) -> dict:
    """险种 id → (unit rates, personal rates) in force some month of the period, in order of
    their start; 工伤 at the unit's risk class, floated by its registration's percentage."""
    import sqlalchemy as sa

    from app.extensions import db
    from models.contribution import Rate
    from models.unit import UnitInsurance

    industry = getattr(unit, "industry", None)
    risk_class = getattr(industry, "risk_class", None)
    floats = dict(db.session.execute(
        sa.select(UnitInsurance.insurance_id, UnitInsurance.injury_float_pct)
        .where(UnitInsurance.unit_id == unit.id)).all())
    found: dict = {}
    for rate in db.session.scalars(
            sa.select(Rate).where(Rate.insurance_id.in_(insurance_ids), Rate.start_month <= last,
                                  sa.or_(Rate.end_month.is_(None), Rate.end_month >= first))
            .order_by(Rate.start_month)):
        injury = rate.insurance.code == INJURY
        if injury and rate.risk_class != risk_class:
            continue
        unit_rate = rate.unit_rate * (floats.get(rate.insurance_id) or 100) / 100 if injury \
            else rate.unit_rate
        unit_rates, personal_rates = found.setdefault(rate.insurance_id, ([], []))
        if unit_rate not in unit_rates:
            unit_rates.append(unit_rate)
        if rate.personal_rate not in personal_rates:
            personal_rates.append(rate.personal_rate)
    return found


def contribution_form_context(unit, first: int, last: int, lines: list[InsuranceLine],
                              persons: int, printed_on: date, gettext=lambda s: s) -> dict:
    """The template context: money as 0.00 strings, rates as percentages, the capitals."""
    if not lines:
        raise NothingToPrint(f"{month_label(first)}至{month_label(last)}没有缴费记录")
    unit_total = sum((line.unit_amount for line in lines), ZERO)
    personal_total = sum((line.personal_amount for line in lines), ZERO)
    late_total = sum((line.late_fee for line in lines), ZERO)
    total = unit_total + personal_total + late_total
    return {
        "unit_name": getattr(unit, "name", "") or "",
        "unit_no": getattr(unit, "unit_no", "") or "",
        "period": month_label(first) if first == last
        else gettext("%(first)s至%(last)s") % {"first": month_label(first),
                                               "last": month_label(last)},
        "printed_on": printed_on.isoformat(),
        "persons": persons,
        "rows": [{
            "name": gettext(line.name), "persons": line.persons,
            "base_total": _money(line.base_total),
            "unit_rate": _rates_text(line.unit_rates),
            "personal_rate": _rates_text(line.personal_rates),
            "unit_amount": _money(line.unit_amount),
            "personal_amount": _money(line.personal_amount),
            "late_fee": _money(line.late_fee), "total": _money(line.total),
        } for line in lines],
        "unit_total": _money(unit_total), "personal_total": _money(personal_total),
        "late_fee_total": _money(late_total), "total": _money(total),
        "total_upper": rmb_upper(total, prefix=True),
    }


def contribution_form_pdf(unit, first: int, last: int, linked_only: bool = False,
                          today: date | None = None) -> bytes:
    """The printed 申报表 of ``unit`` for months ``first``..``last`` (needs an app context)."""
    from reports.pdf import gettext, render_pdf

    facts = load_contribution_form(unit, first, last, linked_only)
    context = contribution_form_context(unit, first, last, facts["lines"], facts["persons"],
                                        today or datetime.now().date(), gettext)
    return render_pdf(TEMPLATE, **context)


def _rates_text(rates: list[Decimal]) -> str:
    return "、".join(_percent(rate) for rate in rates)


def _percent(rate: Decimal) -> str:
    """0.075 → 7.5%, 0.16 → 16%: as many decimals as the rate has, no trailing zeros."""
    text = format((rate * 100).normalize(), "f")
    return f"{text}%"


def _money(value: Decimal) -> str:
    return f"{to_fen(value):.2f}"
