import itertools

import pytest

from rules import workflow as wf

LEGAL = {
    ("submit", wf.DRAFT, wf.EMPLOYER): wf.SUBMITTED,
    ("void", wf.DRAFT, wf.EMPLOYER): wf.VOID,
    ("void", wf.SUBMITTED, wf.EMPLOYER): wf.VOID,
    ("void", wf.REJECTED, wf.EMPLOYER): wf.VOID,
    ("reopen", wf.REJECTED, wf.EMPLOYER): wf.DRAFT,
    ("claim", wf.SUBMITTED, wf.REVIEWER): wf.REVIEWING,
    ("release", wf.REVIEWING, wf.REVIEWER): wf.SUBMITTED,
    ("approve", wf.REVIEWING, wf.REVIEWER): wf.APPROVED,
    ("reject", wf.REVIEWING, wf.REVIEWER): wf.REJECTED,
    ("partial", wf.REVIEWING, wf.REVIEWER): wf.PARTIAL,
    ("auto_approve", wf.SUBMITTED, wf.SYSTEM): wf.APPROVED,
    ("auto_reject", wf.SUBMITTED, wf.SYSTEM): wf.REJECTED,
}
STATUSES = list(wf.STATUS_NAMES)
ACTORS = [wf.EMPLOYER, wf.REVIEWER, wf.SYSTEM]


@pytest.mark.parametrize("name,status,actor", sorted(LEGAL))
def test_every_legal_transition(name, status, actor):
    assert wf.check(name, status, actor).target == LEGAL[(name, status, actor)]


ILLEGAL = [c for c in itertools.product(wf.TRANSITIONS, STATUSES, ACTORS) if c not in LEGAL]


@pytest.mark.parametrize("name,status,actor", ILLEGAL)
def test_every_illegal_transition_is_refused_with_a_reason(name, status, actor):
    with pytest.raises(wf.IllegalTransition) as refused:
        wf.check(name, status, actor)
    assert str(refused.value)


def test_reason_names_the_state():
    with pytest.raises(wf.IllegalTransition, match="处理成功"):
        wf.check("submit", wf.APPROVED, wf.EMPLOYER)


def test_unknown_transition():
    with pytest.raises(wf.IllegalTransition, match="未知操作"):
        wf.check("teleport", wf.DRAFT, wf.EMPLOYER)


def test_decided_states_are_terminal_except_a_rejected_one_in_todo():
    for status in (wf.APPROVED, wf.PARTIAL, wf.VOID):
        assert all(not wf.allowed(status, actor) for actor in ACTORS)
    # Sent back to 待办: changed and resubmitted, or given up (issue 11: it is unfinished).
    assert {t.name for t in wf.allowed(wf.REJECTED, wf.EMPLOYER)} == {"reopen", "void"}
    assert wf.REJECTED in wf.UNFINISHED


def test_allowed_buttons():
    assert {t.name for t in wf.allowed(wf.DRAFT, wf.EMPLOYER)} == {"submit", "void"}
    assert {t.name for t in wf.allowed(wf.REVIEWING, wf.REVIEWER)} == {
        "release", "approve", "reject", "partial"}


def test_mark_read_only_after_a_decision():
    assert [s for s in STATUSES if wf.can_mark_read(s)] == [wf.APPROVED, wf.REJECTED, wf.PARTIAL]


def test_decision_from_items():
    assert wf.decision_for([True, True]) == "approve"
    assert wf.decision_for([False]) == "reject"
    assert wf.decision_for([True, False]) == "partial"
    with pytest.raises(wf.IllegalTransition):
        wf.decision_for([])
