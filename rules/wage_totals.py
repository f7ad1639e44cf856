"""Σ of a 工资申报 (C3) batch, as the 济南 import page shows it under its rows: how many people,
the declared wages and the bases used (each wage clamped by its year's floor and cap; an
approved row keeps the base its approval wrote). Rejected rows count for nothing. Pure."""
from dataclasses import dataclass
from decimal import Decimal

from rules.contribution_base import decide_base
from rules.money import to_fen


@dataclass(frozen=True)
class WageTotals:
    people: int
    wage_total: Decimal
    base_total: Decimal
    unbased: int  # rows whose year has no floor and cap yet: no base to add


def totals(rows, limits: dict) -> WageTotals:
    """``rows``: (payload, item status) pairs; ``limits``: year → (floor, cap)."""
    people, wages, bases, unbased = 0, Decimal("0.00"), Decimal("0.00"), 0
    for payload, status in rows:
        if status == "rejected":
            continue
        payload = payload or {}
        wage = to_fen(str(payload.get("declared_wage") or 0))
        people += 1
        wages += wage
        if status == "approved" and payload.get("base") not in (None, ""):
            bases += to_fen(str(payload["base"]))
            continue
        year = int(payload["year"]) if str(payload.get("year") or "").isdigit() else None
        if year in limits:
            bases += decide_base(wage, *limits[year]).base
        else:
            unbased += 1
    return WageTotals(people, wages, bases, unbased)
