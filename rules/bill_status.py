"""The states of a 缴费单据 (bill, D3/D4) and the moves between them, declared as data.

The DB values are those of models.contribution.Bill.status. ``check`` is the one guard: the app
layer (app/money/bills.py, the payment blueprint) calls it under the bill's row lock before it
writes the new status, so a bill is paid once and a paid or voided bill never moves again.
"""
from dataclasses import dataclass

from rules.errors import RuleError

UNPAID, PAYING, PAID, FAILED, VOID = "unpaid", "paying", "paid", "failed", "void"

STATUS_NAMES = {
    UNPAID: "未支付",
    PAYING: "支付中",
    PAID: "已支付",
    FAILED: "支付失败",
    VOID: "已作废",
}
# A bill in one of these still holds its ledger lines: a second bill for them is refused.
OPEN = frozenset({UNPAID, PAYING, FAILED})
FINAL = frozenset({PAID, VOID})


class IllegalBillTransition(RuleError):
    message = "缴费单据当前状态下不能执行该操作"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    source: str
    target: str


def _t(name, label, source, target):
    return Transition(name, label, source, target)


# Keyed by (source, target): each allowed move once, with the words the page and audit use.
TRANSITIONS = {(t.source, t.target): t for t in (
    _t("pay", "立即支付", UNPAID, PAYING),
    _t("succeed", "支付成功", PAYING, PAID),
    _t("fail", "支付失败", PAYING, FAILED),
    _t("abandon", "放弃支付", PAYING, UNPAID),
    _t("retry", "重新支付", FAILED, PAYING),
    _t("reset", "取消支付", FAILED, UNPAID),
    _t("void", "作废", UNPAID, VOID),
    _t("void_failed", "作废", FAILED, VOID),
)}


def check(source: str, target: str) -> Transition:
    """The transition from ``source`` to ``target``, or IllegalBillTransition with the reason."""
    for status in (source, target):
        if status not in STATUS_NAMES:
            raise IllegalBillTransition(f"未知的缴费单据状态：{status}")
    transition = TRANSITIONS.get((source, target))
    if transition is None:
        raise IllegalBillTransition(
            f"缴费单据当前状态为“{STATUS_NAMES[source]}”，不能改为“{STATUS_NAMES[target]}”")
    return transition


def can(source: str, target: str) -> bool:
    return (source, target) in TRANSITIONS


def targets(source: str) -> list[str]:
    """Where a bill in ``source`` may go next: the buttons a page shows."""
    return [t.target for t in TRANSITIONS.values() if t.source == source]


def name_of(status: str) -> str:
    """The Chinese word of a status (translate it with ``_()`` where it is shown)."""
    return STATUS_NAMES.get(status, status)
