"""对账: the bank's daily statement against the merchant's ledger, trade number by trade number.

Each side is a mapping trade number → amount (Decimal yuan) of the payments that succeeded on
that day. Every difference is listed; equal sides give an empty list."""
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

AMOUNT_DIFFERS = "amount_differs"
BANK_ONLY = "bank_only"  # 银行已收款，本系统未记为已支付
LEDGER_ONLY = "ledger_only"  # 本系统已记为已支付，银行无此笔收款
KINDS = (AMOUNT_DIFFERS, BANK_ONLY, LEDGER_ONLY)


@dataclass(frozen=True)
class Mismatch:
    trade_no: str
    kind: str
    bank_amount: Decimal | None
    ledger_amount: Decimal | None


def compare(bank: Mapping[str, Decimal], ledger: Mapping[str, Decimal]) -> list[Mismatch]:
    found = []
    for trade_no in sorted(set(bank) | set(ledger)):
        at_bank, here = bank.get(trade_no), ledger.get(trade_no)
        if here is None:
            found.append(Mismatch(trade_no, BANK_ONLY, at_bank, None))
        elif at_bank is None:
            found.append(Mismatch(trade_no, LEDGER_ONLY, None, here))
        elif at_bank != here:
            found.append(Mismatch(trade_no, AMOUNT_DIFFERS, at_bank, here))
    return found
