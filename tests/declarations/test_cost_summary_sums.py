"""The integer sums that price a batch of 10,000 rows for the 核对 page (rules/cost_preview.py,
app/declarations/cost_summary.py) equal the Decimal rules the approval writes the ledger with:
monthly_amounts, late_fee and back_payment.lines. Pure: no database."""
import random
from datetime import date
from decimal import Decimal

import pytest

from app.declarations.cost_summary import DAILY, _reckon
from rules import back_payment
from rules.contribution_amount import monthly_amounts
from rules.cost_preview import amounts_fen, fen, late_fee_fen, scaled
from rules.late_fee import days_late, late_fee
from rules.months import month_range

RATES = {"110": (Decimal("0.16"), Decimal("0.08")), "210": (Decimal("0.007"), Decimal("0.003")),
         "310": (Decimal("0.07"), Decimal("0.02")), "410": (Decimal("0.00675"), Decimal("0"))}


@pytest.mark.parametrize("seed", range(5))
def test_monthly_amounts_in_integers_equal_the_rule(seed):
    rng = random.Random(seed)
    for _ in range(2000):
        base = Decimal(rng.randint(0, 9_999_999)) / 100
        unit_rate, personal_rate = rng.choice(list(RATES.values()))
        expected = monthly_amounts(base, unit_rate, personal_rate)
        got = amounts_fen(fen(base), [(scaled(unit_rate), scaled(personal_rate))])
        assert (Decimal(got[0]) / 100, Decimal(got[1]) / 100) == expected, base


@pytest.mark.parametrize("seed", range(3))
def test_late_fee_in_integers_equals_the_rule(seed):
    rng = random.Random(seed)
    today = date(2026, 12, 7)
    for _ in range(2000):
        amount = Decimal(rng.randint(0, 5_000_000)) / 100
        month = rng.choice(list(month_range(201801, 202611)))
        expected = late_fee(amount, month, today)
        got = late_fee_fen(fen(amount), days_late(month, today), DAILY)
        assert Decimal(got) / 100 == expected, (amount, month)


class Rates:
    def at(self, code, month):
        return None if code == "510" else RATES[code]


def test_a_back_payment_row_sums_as_its_ledger_lines():
    today = date(2026, 12, 7)
    limits = {2023: (Decimal("4000.00"), Decimal("20000.00")),
              2024: (Decimal("4500.00"), Decimal("22000.00"))}
    months = list(month_range(202310, 202403))
    for wage in ("3000", "5000.55", "30000"):
        lines = back_payment.lines(months, ["110", "310"], wage, limits, Rates().at, today)
        base, unit, personal, fee = _reckon(months, ("110", "310"), Decimal(wage), Rates(),
                                            today, dict(limits))
        assert unit == sum(x.unit_amount for x in lines)
        assert personal == sum(x.personal_amount for x in lines)
        assert fee == sum(x.late_fee for x in lines)
        low, high = min(x.base for x in lines), max(x.base for x in lines)
        assert base == (f"{low:.2f}" if low == high else f"{low:.2f}–{high:.2f}")
    assert _reckon(months, ("510",), Decimal("5000"), Rates(), today, dict(limits)) is None
    assert _reckon([202501], ("110",), Decimal("5000"), Rates(), today, {2025: None}) is None
