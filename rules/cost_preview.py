"""Cost preview (H2): what a change costs per month, per 险种, before it is submitted."""
from dataclasses import dataclass
from decimal import Decimal

from rules.contribution_amount import monthly_amounts
from rules.contribution_base import decide_base


@dataclass(frozen=True)
class CostLine:
    code: str
    name: str
    base: Decimal
    unit_rate: Decimal
    personal_rate: Decimal
    unit_amount: Decimal
    personal_amount: Decimal


@dataclass(frozen=True)
class CostPreview:
    declared_wage: Decimal
    base: Decimal
    clamped: str | None  # "floor" | "cap" | None: why the base differs from the wage
    lines: tuple

    @property
    def unit_total(self) -> Decimal:
        return sum((line.unit_amount for line in self.lines), Decimal("0.00"))

    @property
    def personal_total(self) -> Decimal:
        return sum((line.personal_amount for line in self.lines), Decimal("0.00"))


def preview(wage: Decimal, floor: Decimal, cap: Decimal,
            rates: dict[str, tuple[str, Decimal, Decimal]]) -> CostPreview:
    """``rates`` maps 险种 code to (name, unit rate, personal rate) in force for the month."""
    decision = decide_base(wage, floor, cap)
    lines = []
    for code in sorted(rates):
        name, unit_rate, personal_rate = rates[code]
        unit, personal = monthly_amounts(decision.base, unit_rate, personal_rate)
        lines.append(CostLine(code, name, decision.base, unit_rate, personal_rate, unit, personal))
    return CostPreview(decision.declared, decision.base, decision.clamped, tuple(lines))


# -- Many rows at once --------------------------------------------------------------------
# A batch of 10,000 people is priced for the 核对 page in integers: base in fen × rate scaled by
# 10^8, rounded half-up to the fen, as the ledger's SQL reckons (app/declarations/
# base_declaration.py). The results equal monthly_amounts and late_fee, which convert every
# operand to Decimal and would take seconds for such a batch (tests/rules/test_cost_preview_fast).
SCALE = 10**8
HALF = SCALE // 2


def scaled(rate: Decimal) -> int:
    """A rate as an integer of 10^-8; ValueError when it is finer than that."""
    value = Decimal(str(rate)) * SCALE
    if value != value.to_integral_value():
        raise ValueError(f"rate {rate} is finer than 10^-8")
    return int(value)


def fen(amount: Decimal) -> int:
    """A money amount already rounded to the fen, as an integer of fen."""
    return int(Decimal(str(amount)) * 100)


def amounts_fen(base_fen: int, rates: list[tuple[int, int]]) -> tuple[int, int]:
    """(unit, personal) fen of one month: each 险种's share rounded half-up on its own, summed."""
    unit = sum((base_fen * u + HALF) // SCALE for u, _ in rates)
    personal = sum((base_fen * p + HALF) // SCALE for _, p in rates)
    return unit, personal


def late_fee_fen(amount_fen: int, days: int, daily_rate: int) -> int:
    """amount × daily rate (scaled) × days, rounded half-up to the fen once."""
    return (amount_fen * daily_rate * days + HALF) // SCALE
