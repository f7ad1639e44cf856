"""缴费基数申报 (C3, 工资申报) and its revocation (C4), RULES.md §3: what the declaration may be
and what an approval or a revocation does to one person's base. Pure: no Flask, no database.

The once-per-year and window rules are about the whole declaration; the app side
(``app/declarations/guards.py``) finds the facts in the database and asks these functions.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rules.contribution_base import decide_base
from rules.errors import RuleError
from rules.money import to_fen

EARLIEST_YEAR = 1995  # the ledger starts in 1995-01 (RULES.md §4)


def check_wage(data: dict, today: date) -> dict:
    """Registry check of a C3 row: the wage declared must be positive."""
    wage = data.get("declared_wage")
    if wage is not None and Decimal(str(wage)) <= 0:
        return {"declared_wage": "缴费工资应大于0"}
    return {}


def check_year(data: dict, today: date) -> dict:
    """Registry check: a base year from 1995 up to next year."""
    year = data.get("year")
    if year is None:
        return {}
    if year < EARLIEST_YEAR:
        return {"year": f"申报年度不能早于{EARLIEST_YEAR}年"}
    if year > today.year + 1:
        return {"year": f"申报年度不能晚于{today.year + 1}年"}
    return {}


def window(year: int, start: date | None, end: date | None) -> tuple[date, date]:
    """The admin's declaration window of a base year; a missing end means the whole year."""
    return start or date(year, 1, 1), end or date(year, 12, 31)


def window_refusal(year: int, today: date, start: date | None, end: date | None) -> str | None:
    first, last = window(year, start, end)
    if first <= today <= last:
        return None
    return f"不在{year}年度缴费基数申报期内（{first:%Y-%m-%d}至{last:%Y-%m-%d}）"


def once_per_year_refusal(year: int, serial_no: str, unfinished: bool = False) -> str:
    """A person's base of the year declared twice: the first is approved (revoke it first, C4)
    or still open."""
    if unfinished:
        return f"该人员{year}年度已有未办结的缴费基数申报（流水号{serial_no}），请先办结或作废"
    return f"该人员{year}年度已申报缴费基数（流水号{serial_no}），如需重新申报请先撤销"


def other_year_refusal(year: int) -> str:
    return f"申报年度与本申报其他行（{year}）不同，同一申报只能申报一个年度"


def common_year(years) -> int | None:
    """The year most rows name (the earliest of equals): the declaration's year when a few
    rows disagree, so only those rows are refused."""
    counted = Counter(y for y in years if y is not None)
    if not counted:
        return None
    return min(counted, key=lambda y: (-counted[y], y))


def missing_parameters_refusal(year: int) -> str:
    return f"{year}年度缴费基数上下限尚未设置，请联系经办机构"


def one_year(years) -> int:
    """The base year of a declaration: every row must name the same one."""
    distinct = sorted({y for y in years if y is not None})
    if len(distinct) != 1:
        raise RuleError("同一申报中各行的申报年度应相同" if distinct else "申报年度不能为空")
    return distinct[0]


def revoked_message(c4_serial_no: str) -> str:
    """What the revoked C3's timeline says (its DeclarationEvent ``revoked``)."""
    return f"已由撤销工资申报（流水号{c4_serial_no}）撤销，缴费基数恢复为申报前"


@dataclass(frozen=True)
class BaseChange:
    """One person's base row after approval; ``previous_*`` is what C4 restores."""

    declared_wage: Decimal
    base: Decimal
    clamped: str | None  # "floor" | "cap" | None
    previous_base: Decimal | None  # None: the row is new, C4 deletes it
    previous_declared_wage: Decimal | None
    previous_declaration_id: int | None


def change_base(declared_wage, floor, cap, current: tuple | None = None) -> BaseChange:
    """The base an approval writes; ``current`` is the row it replaces as
    (base, declared_wage, declaration_id), or None when there is none yet."""
    decision = decide_base(Decimal(str(declared_wage)), floor, cap)
    if current is None:
        return BaseChange(decision.declared, decision.base, decision.clamped, None, None, None)
    base, declared, declaration_id = current
    return BaseChange(decision.declared, decision.base, decision.clamped, to_fen(base),
                      to_fen(declared), declaration_id)


def result_message(change: BaseChange) -> str:
    """The item's result line: the declaration shows the wage declared and the base used."""
    why = {"floor": "，低于保底线按保底线", "cap": "，高于封顶线按封顶线"}.get(change.clamped, "")
    return f"缴费工资{change.declared_wage}元，缴费基数{change.base}元{why}"


def restored(previous_base, previous_declared_wage=None) -> tuple[Decimal, Decimal] | None:
    """(base, declared wage) after revocation, or None when the row is to be deleted."""
    if previous_base is None:
        return None
    base = to_fen(previous_base)
    return base, to_fen(previous_declared_wage) if previous_declared_wage is not None else base


def base_in_force(bases: dict[int, Decimal], year: int) -> Decimal | None:
    """The base a month of ``year`` is assessed on: that year's, else the latest earlier one
    (until a new base is declared the old one goes on); None when there is none."""
    earlier = [y for y in bases if y <= year]
    return bases[max(earlier)] if earlier else None
