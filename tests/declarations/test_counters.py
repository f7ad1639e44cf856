"""The six home counters (B1) and the 待办/已办 lists (B2) as a declaration moves on.

Counts are compared with what the page showed before the test, so declarations other tests of
the package left behind do not matter.
"""
import pytest

from tests.declarations.flows import (
    ORDINARY,
    Employer,
    Reviewer,
    add_item,
    counters,
    declaration,
    new_person_form,
    task_rows,
)

KEYS = ("draft", "submitted", "reviewing", "approved_unread", "rejected_unread",
        "partial_unread")


@pytest.fixture
def unit(app, as_user):
    return UnitPages(app, as_user(ORDINARY), Reviewer(as_user("reviewer")))


class UnitPages:
    def __init__(self, app, employer, reviewer):
        self.app, self.employer, self.reviewer = app, employer, reviewer
        self.wizard = Employer(employer, "C1")
        self.start = counters(employer)
        assert tuple(self.start) == KEYS

    def moved(self, **delta) -> None:
        """The counters are the starting ones moved by ``delta``, nothing else."""
        expected = {key: self.start[key] + delta.get(key, 0) for key in KEYS}
        assert counters(self.employer) == expected

    def listed(self, serial, which) -> list[str] | None:
        return task_rows(self.employer, which).get(serial)

    def submitted(self, seq, name) -> tuple[int, str]:
        pk = self.wizard.enter(new_person_form(seq, name=name))
        self.wizard.upload_required(pk)
        self.wizard.submit(pk)
        return pk, declaration(self.app, pk).serial_no


def test_an_approval_moves_the_counters_and_reading_it_drops_it(unit):
    pk = unit.wizard.enter(new_person_form(50, name="计数甲"))
    serial = declaration(unit.app, pk).serial_no
    unit.moved(draft=1)
    row = unit.listed(serial, "todo")
    assert row[1:6] == ["在职增员", "1", "未提交", "否", ""] and row[7] == "办理"
    assert unit.listed(serial, "draft") and not unit.listed(serial, "done")

    unit.wizard.upload_required(pk)
    unit.wizard.submit(pk)
    unit.moved(submitted=1)
    assert unit.listed(serial, "done")[3] == "提交后等待处理"
    assert unit.listed(serial, "submitted") and not unit.listed(serial, "todo")

    unit.reviewer.claim(pk)
    unit.moved(reviewing=1)
    assert unit.listed(serial, "reviewing") and not unit.listed(serial, "submitted")

    unit.reviewer.decide(pk)
    unit.moved(approved_unread=1)
    row = unit.listed(serial, "approved_unread")
    assert row[3] == "处理成功" and row[7] == "查看"
    assert unit.listed(serial, "done") and not unit.listed(serial, "todo")

    assert "act-read" in unit.wizard.status(pk)
    unit.wizard.act(pk, "read")
    unit.moved()
    assert "act-read" not in unit.wizard.status(pk)
    assert not unit.listed(serial, "approved_unread")
    assert unit.listed(serial, "done")[3] == "处理成功"


def test_a_rejection_is_unread_then_back_in_todo_with_its_reason(unit):
    pk, serial = unit.submitted(51, "计数乙")
    unit.reviewer.claim(pk)
    unit.reviewer.decide(pk, verdict="reject", opinion="劳动合同签字不全")
    unit.moved(rejected_unread=1)
    row = unit.listed(serial, "rejected_unread")
    assert row[3:6] == ["处理失败", "是", "劳动合同签字不全"]
    todo = unit.listed(serial, "todo")
    assert todo[3:6] == ["处理失败", "是", "劳动合同签字不全"] and todo[7] == "办理"
    assert not unit.listed(serial, "done")

    unit.wizard.act(pk, "read")  # read: the counter drops, the task stays to do
    unit.moved()
    assert not unit.listed(serial, "rejected_unread") and unit.listed(serial, "todo")

    unit.wizard.act(pk, "reopen")  # 修改后重新提交: a draft again, still marked 回退
    unit.moved(draft=1)
    assert unit.listed(serial, "todo")[3:6] == ["未提交", "是", "劳动合同签字不全"]
    unit.wizard.submit(pk)
    unit.moved(submitted=1)
    assert unit.listed(serial, "done")[3:5] == ["提交后等待处理", "否"]


def test_a_partial_decision_is_counted_until_read(unit):
    pk = unit.wizard.enter(new_person_form(52, name="计数丙"))
    add_item(unit.app, pk, {**new_person_form(53, name="计数丁"), "insurances": "110"})
    serial = declaration(unit.app, pk).serial_no
    unit.wizard.upload_required(pk)
    unit.wizard.submit(pk)
    unit.reviewer.claim(pk)
    first = declaration(unit.app, pk).items[0].id
    unit.reviewer.decide(pk, approve=[first], opinion="计数丁不符合增员条件")
    unit.moved(partial_unread=1)
    assert unit.listed(serial, "partial_unread")[1:4] == ["在职增员", "2", "部分处理成功"]
    assert unit.listed(serial, "done") and not unit.listed(serial, "todo")
    unit.wizard.act(pk, "read")
    unit.moved()
    assert not unit.listed(serial, "partial_unread") and unit.listed(serial, "done")


def test_a_voided_draft_leaves_todo_for_done(unit):
    pk = unit.wizard.enter(new_person_form(54, name="计数戊"))
    serial = declaration(unit.app, pk).serial_no
    unit.moved(draft=1)
    unit.wizard.act(pk, "void")
    unit.moved()
    assert unit.listed(serial, "done")[3] == "已作废"
    assert not unit.listed(serial, "todo")


def test_the_home_counters_link_to_their_lists(unit):
    page = unit.employer.get("/").get_data(as_text=True)
    for key in KEYS:
        assert f'id="counter-{key}" href="/tasks/?which={key}"' in page
    assert 'id="home-todo"' in page and 'id="home-done"' in page
    unknown = unit.employer.get("/tasks/?which=nonsense").get_data(as_text=True)
    assert '<li class="active"><a href="?which=todo">' in unknown  # falls back to 待办
