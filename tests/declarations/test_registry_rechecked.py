"""The approval runs the registry checks again (issue 11 §1): a declaration the registry no
longer agrees with when the reviewer decides is refused with the reason, nothing of it applied,
and the reviewer can still reject it. On the demo data, through the web as employer and
reviewer (the generic check over every business: test_registry_declared.py)."""
from datetime import date

import pytest

from models.declaration import Declaration
from tests.declarations.flows import (
    LARGE,
    ORDINARY,
    THIS_MONTH,
    Employer,
    declaration,
    free_person,
    open_spans,
    reduce_with_commands,
    retirable_person,
    session_of,
    unit_id_of,
)
from tests.declarations.registry_support import (
    form,
    LAST_MONTH,
    end_enrollments,
    page_of,
    refused,
    rename,
)


def test_c10_a_second_retirement_is_refused_in_the_wizard_and_at_approval(app, employer,
                                                                           reviewer):
    from models.pension import RetirementRecord

    wizard = Employer(employer, "C10")
    first = retirable_person(app, ORDINARY)
    reduce_with_commands(app, ORDINARY, first)
    pk = wizard.through_submit(form(first, retire_month=THIS_MONTH))
    reviewer.claim(pk)
    assert 'data-status="approved"' in reviewer.decide(pk)
    refused(employer, "C10", form(first, retire_month=THIS_MONTH), "仍在本单位参保")

    # Retired elsewhere while this one waited for review: the approval is refused, no 500.
    second = retirable_person(app, ORDINARY)
    reduce_with_commands(app, ORDINARY, second)
    pk = wizard.through_submit(form(second, retire_month=THIS_MONTH))
    reviewer.claim(pk)
    with session_of(app) as s:
        s.add(RetirementRecord(person_id=second.id, unit_id=unit_id_of(app, LARGE),
                               retire_date=date(2024, 1, 1), kind="正常退休",
                               contribution_months=180))
        s.commit()
    page = page_of(reviewer.client.post(f"/review/{pk}/decide/", data={
        "verdict": "approve", "opinion": "", "approve": [str(declaration(app, pk).items[0].id)]},
        follow_redirects=True))
    assert "该人员已办理退休，不能重复办理" in page
    assert declaration(app, pk).status == "reviewing"
    assert 'data-status="rejected"' in reviewer.decide(pk, verdict="reject", opinion="已退休")



# ---- the approval runs the checks again ------------------------------------------------------

@pytest.mark.parametrize("change", ["ended", "renamed"])
def test_approval_refuses_a_c2_the_registry_no_longer_agrees_with(app, employer, reviewer,
                                                                  change):
    person = free_person(app, ORDINARY)
    pk = Employer(employer, "C2").through_submit(
        form(person, reduce_reason="202", end_month=THIS_MONTH))
    reviewer.claim(pk)
    was_open = [(s[0], s[1], s[3]) for s in open_spans(app, person.id, ORDINARY) if s[4] is None]
    if change == "ended":
        end_enrollments(app, person.id, ORDINARY, month=LAST_MONTH)
        reason = "该人员不是本单位在职参保人员"
    else:
        rename(app, person.id, "改名后")
        reason = "姓名与登记的姓名“改名后”不符"
    page = reviewer.decide(pk)
    assert "不能审核通过" in page and reason in page
    d = declaration(app, pk)
    assert d.status == "reviewing" and d.items[0].status == "pending"
    if change == "ended":  # the reduction of last month stands as the registry holds it
        assert [s[4] for s in open_spans(app, person.id, ORDINARY)
                if (s[0], s[1], s[3]) in was_open] == [LAST_MONTH] * len(was_open)
    assert 'data-status="rejected"' in reviewer.decide(pk, verdict="reject", opinion=reason)
    with session_of(app) as s:
        assert s.get(Declaration, pk).returned
