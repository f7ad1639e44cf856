"""The one state machine every business follows (RULES.md §10), declared as data.

A transition names its source states, its target and who may fire it; ``check`` is the only
guard and raises ``IllegalTransition`` with the Chinese reason. The transaction, the event row
and the business effect live in the app layer, which calls ``check`` first.
"""
from dataclasses import dataclass

from rules.errors import RuleError

DRAFT, SUBMITTED, REVIEWING = "draft", "submitted", "reviewing"
APPROVED, REJECTED, PARTIAL, VOID = "approved", "rejected", "partial", "void"

STATUS_NAMES = {
    DRAFT: "未提交",
    SUBMITTED: "提交后等待处理",
    REVIEWING: "正在处理",
    APPROVED: "处理成功",
    REJECTED: "处理失败",
    PARTIAL: "部分处理成功",
    VOID: "已作废",
}
DECIDED = frozenset({APPROVED, REJECTED, PARTIAL})
# Unfinished: a person may have only one of these per business and unit (RULES.md §10). A
# declaration sent back (rejected) sits in 待办 until it is changed and resubmitted or voided.
UNFINISHED = frozenset({DRAFT, SUBMITTED, REVIEWING, REJECTED})

EMPLOYER, REVIEWER, SYSTEM = "employer", "reviewer", "system"


class IllegalTransition(RuleError):
    message = "当前状态下不能执行该操作"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    actors: frozenset


def _t(name, label, sources, target, *actors):
    return Transition(name, label, frozenset(sources), target, frozenset(actors))


TRANSITIONS = {t.name: t for t in (
    _t("submit", "提交", {DRAFT}, SUBMITTED, EMPLOYER),
    _t("void", "废弃", {DRAFT, SUBMITTED, REJECTED}, VOID, EMPLOYER),
    _t("reopen", "修改", {REJECTED}, DRAFT, EMPLOYER),
    _t("claim", "受理", {SUBMITTED}, REVIEWING, REVIEWER),
    _t("release", "退回队列", {REVIEWING}, SUBMITTED, REVIEWER),
    _t("approve", "审核通过", {REVIEWING}, APPROVED, REVIEWER),
    _t("reject", "审核不通过", {REVIEWING}, REJECTED, REVIEWER),
    _t("partial", "部分通过", {REVIEWING}, PARTIAL, REVIEWER),
    # Auto-review (VIP units, auto businesses) decides straight from the queue.
    _t("auto_approve", "自动审核通过", {SUBMITTED}, APPROVED, SYSTEM),
    _t("auto_reject", "自动审核不通过", {SUBMITTED}, REJECTED, SYSTEM),
)}


def check(name: str, status: str, actor: str) -> Transition:
    """The transition ``name`` if ``actor`` may fire it from ``status``; else the reason why not."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise IllegalTransition(f"未知操作：{name}")
    if actor not in transition.actors:
        raise IllegalTransition(f"无权执行“{transition.label}”")
    if status not in transition.sources:
        raise IllegalTransition(
            f"申报当前状态为“{STATUS_NAMES.get(status, status)}”，不能{transition.label}")
    return transition


def allowed(status: str, actor: str) -> list[Transition]:
    """What ``actor`` may do now: the buttons a page shows."""
    return [t for t in TRANSITIONS.values() if status in t.sources and actor in t.actors]


def can_mark_read(status: str) -> bool:
    return status in DECIDED


def decision_for(item_results: list[bool]) -> str:
    """The transition name that records per-item decisions: all, none, or some approved."""
    if not item_results:
        raise IllegalTransition("申报没有明细，不能审核")
    if all(item_results):
        return "approve"
    if not any(item_results):
        return "reject"
    return "partial"


ITEM_STATUS_NAMES = {"pending": "待审核", "approved": "审核通过", "rejected": "审核不通过"}
# Timeline rows name their action: a transition, or one of the steps that keeps the state.
EVENT_NAMES = {"create": "录入保存", "update": "修改", "read": "设为已读",
               "import": "导入", "drop": "删除人员",
               **{t.name: t.label for t in TRANSITIONS.values()}}
