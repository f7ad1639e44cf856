"""Over every business of rules.business.BUSINESSES (a business added later is covered without
a word here): each person business declares its person-source check first and checks 姓名, and
the approval — the reviewer's decide and a VIP unit's auto-review — runs the business's
registry checks again, so a registry that changed since the submit refuses the approval."""
from dataclasses import replace
from functools import wraps

import pytest
from sqlalchemy import select

from rules import business as registry
from rules.checks import common, medical
from rules.checks import enrollment as enr
from tests.declarations.flows import ORDINARY, VIP, add_required_materials, new_id
from tests.declarations.registry_support import acting

SOURCE_CHECKS = {"new": enr.not_insured_anywhere, "staff": common.staff_here,
                 "retired": common.retired_here, "reduced": common.reduced_here,
                 "resident": medical.resident_here_or_unemployed}
NAME_CHECKS = (common.name_matches, common.identity_matches)
CODES = sorted(registry.BUSINESSES)
PERSON_CODES = [c for c in CODES if registry.BUSINESSES[c].subject == "person"]


@pytest.mark.parametrize("code", PERSON_CODES)
def test_a_person_business_checks_its_person_first_and_the_name(code):
    business = registry.BUSINESSES[code]
    assert business.person_source in SOURCE_CHECKS, (
        f"{code}: a new person source needs its check here and in rules/checks/")
    assert business.registry_checks[:1] == (SOURCE_CHECKS[business.person_source],), code
    assert any(check in NAME_CHECKS for check in business.registry_checks), code
    assert {"id_number", "name"} <= {f.name for f in business.fields}, code


@pytest.mark.parametrize("code", CODES)
def test_every_business_is_checked_against_the_registry(code):
    business = registry.BUSINESSES[code]
    assert business.registry_checks or business.declaration_guards, code
    for check in business.registry_checks:
        assert check.__module__.startswith("rules."), (code, check)  # pure, no app


class Deciding:
    """Spies standing in for a business's registry checks: each records its call and passes,
    and a last one refuses, but only while the engine judges ``at_decision``."""
    REASON = "登记信息已在提交后变化（测试）"

    def __init__(self, monkeypatch, business):
        from app.declarations import person_facts

        self.now, self.called = False, []
        judge = person_facts.judge

        @wraps(judge)
        def judging(*args, at_decision=False, **kwargs):
            self.now = at_decision
            return judge(*args, at_decision=at_decision, **kwargs)

        monkeypatch.setattr(person_facts, "judge", judging)
        spies = tuple(self.spy(check) for check in business.registry_checks)
        # The declaration guards ask the database about real payloads; here the registry checks
        # alone stand between submit and decision.
        monkeypatch.setitem(registry.BUSINESSES, business.code, replace(
            business, registry_checks=(*spies, self.refuse), declaration_guards=()))
        self.declared = [check.__name__ for check in business.registry_checks]

    def spy(self, check):
        def spied(row, facts, today):
            self.called.append((check.__name__, self.now))
            return {}
        spied.needs = getattr(check, "needs", ())
        return spied

    def refuse(self, row, facts, today):
        return {"id_number": self.REASON} if self.now else {}

    def at_decision(self) -> list[str]:
        return [name for name, deciding in self.called if deciding]


def draft(db, user, business, seq):
    from app.declarations.serial import next_serial
    from models.declaration import Declaration, DeclarationItem

    d = Declaration(serial_no=next_serial(), unit_id=user.unit_id, business_code=business.code,
                    status="draft", created_by_id=user.id, wizard_step="check", item_count=0)
    if business.subject == "person":
        row = {"id_number": new_id(seq), "name": "复核测试"}
        d.items = [DeclarationItem(seq=1, id_number=row["id_number"], name=row["name"],
                                   payload=row, status="pending")]
        d.item_count = 1
    else:
        d.payload = {}
    db.session.add(d)
    db.session.commit()
    add_required_materials(db.session, d)
    return d


@pytest.mark.parametrize("code", CODES)
def test_the_reviewers_approval_runs_the_registry_checks_again(app, monkeypatch, code):
    from app.declarations import commands
    from app.errors import Invalid
    from models.user import ShebaoUser

    business = registry.BUSINESSES[code]
    deciding = Deciding(monkeypatch, business)
    with acting(app, ORDINARY) as (db, employer):
        d = draft(db, employer, business, 70 + CODES.index(code))
        commands.submit(d, employer)  # the checks pass at submit …
        assert d.status == "submitted"
        reviewer = db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == "reviewer"))
        commands.claim(d, reviewer)
        results = {i.id: True for i in d.items} or {0: True}
        with pytest.raises(Invalid, match=Deciding.REASON):  # … and refuse at the decision
            commands.decide(d, reviewer, results)
        db.session.expire_all()
        assert d.status == "reviewing"
        assert deciding.at_decision() == deciding.declared
        commands.decide(d, reviewer, {k: False for k in results}, "登记信息已变化")
        assert d.status == "rejected"


@pytest.mark.parametrize("code", CODES)
def test_the_auto_review_runs_the_registry_checks_again(app, monkeypatch, code):
    from app.declarations import commands

    business = registry.BUSINESSES[code]
    deciding = Deciding(monkeypatch, business)
    with acting(app, VIP) as (db, employer):
        d = draft(db, employer, business, 85 + CODES.index(code))
        commands.submit(d, employer)
        assert (d.status, d.auto_decided) == ("rejected", True)
        assert Deciding.REASON in d.return_reason
        assert all(i.status == "rejected" for i in d.items)
        assert deciding.at_decision() == deciding.declared
