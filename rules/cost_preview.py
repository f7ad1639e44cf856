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
