"""对账 (rules/reconciliation.py): every difference between statement and ledger is listed."""
from decimal import Decimal

from rules.reconciliation import AMOUNT_DIFFERS, BANK_ONLY, LEDGER_ONLY, Mismatch, compare


def test_equal_sides_agree():
    side = {"P1": Decimal("10.00"), "P2": Decimal("0.05")}
    assert compare(side, dict(side)) == []


def test_each_kind_of_difference_is_listed_in_trade_number_order():
    bank = {"P1": Decimal("10.00"), "P2": Decimal("20.00"), "P3": Decimal("30.00")}
    ledger = {"P1": Decimal("10.00"), "P2": Decimal("20.01"), "P4": Decimal("40.00")}
    assert compare(bank, ledger) == [
        Mismatch("P2", AMOUNT_DIFFERS, Decimal("20.00"), Decimal("20.01")),
        Mismatch("P3", BANK_ONLY, Decimal("30.00"), None),
        Mismatch("P4", LEDGER_ONLY, None, Decimal("40.00")),
    ]
