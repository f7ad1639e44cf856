"""The engine's commands end to end below the web layer: states, guards, effects, events."""
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from app.declarations import commands
from app.errors import Invalid
from models.declaration import DeclarationEvent, Material
from models.person import Enrollment, Person
from models.unit import Unit
from models.user import ShebaoUser
from rules.id_number import normalize

THIS_MONTH = date.today().strftime("%Y-%m")


def new_id(seq: int) -> str:
    """A valid ID of a man born 1990-01-01 (odd 17th digit); seq < 100."""
    body = f"37010219900101{seq:02d}1"
    from stdnum.iso7064 import mod_11_2

    return normalize(body + mod_11_2.calc_check_digit(body))


def payload(seq: int, **change) -> dict:
    data = {"id_number": new_id(seq), "name": "测试人员", "gender": "male",
            "birth_date": "1990-01-01", "retirement_category": "male", "phone": "13912345678",
            "employment_form": "合同制", "person_category": "城镇职工",
            "add_reason": "新参加工作", "start_month": THIS_MONTH, "insurances": "110,310",
            "wage": "6000"}
    data.update(change)
    return data


@pytest.fixture
def ctx(app):
    from app.extensions import db

    with app.test_request_context():
        yield db


def user(db, name):
    return db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == name))


def attach_required_materials(db, declaration):
    from rules.business import get

    for m in get(declaration.business_code).materials:
        if m.required:
            db.session.add(Material(declaration_id=declaration.id, material_type=m.code,
                                    filename=f"{m.code}.pdf", content_type="application/pdf",
                                    size=10, sha256="0" * 64))
    db.session.commit()


def test_enrollment_from_draft_to_approval(ctx):
    db = ctx
    employer, reviewer = user(db, "37010000001"), user(db, "reviewer")
    d = commands.create(employer.unit_id, "C1", employer, payload(11))
    assert d.status == "draft" and d.serial_no.startswith("SB")
    with pytest.raises(Invalid, match="必扫材料"):
        commands.submit(d, employer)
    attach_required_materials(db, d)
    commands.submit(d, employer)
    assert d.status == "submitted"
    commands.claim(d, reviewer)
    commands.decide(d, reviewer, {d.items[0].id: True})
    assert d.status == "approved" and d.read is False
    person = db.session.scalar(select(Person).where(Person.id_number == new_id(11)))
    spans = db.session.scalars(select(Enrollment).where(Enrollment.person_id == person.id)).all()
    assert {s.insurance.code for s in spans} == {"110", "310"}
    assert all(s.unit_id == employer.unit_id and s.end_month is None for s in spans)
    actions = [e.action for e in db.session.scalars(select(DeclarationEvent).where(
        DeclarationEvent.declaration_id == d.id).order_by(DeclarationEvent.id))]
    assert actions == ["create", "submit", "claim", "approve"]
    commands.mark_read(d, employer)
    assert d.read is True


def test_bad_id_number_names_the_field(ctx):
    employer = user(ctx, "37010000001")
    with pytest.raises(commands.ItemErrors) as refused:
        commands.create(employer.unit_id, "C1", employer, payload(1, id_number="370102199001010"))
    assert "id_number" in refused.value.errors


def test_person_already_in_this_unit_cannot_be_added_again(ctx):
    employer = user(ctx, "37010000001")
    staff = ctx.session.scalar(select(Person).join(Enrollment).where(
        Enrollment.unit_id == employer.unit_id, Enrollment.end_month.is_(None)).limit(1))
    data = payload(1, id_number=staff.id_number, birth_date=staff.birth_date.isoformat(),
                   gender=staff.gender, retirement_category=staff.retirement_category)
    with pytest.raises(commands.ItemErrors, match="已在本单位参保"):
        commands.create(employer.unit_id, "C1", employer, data)


def test_person_enrolled_elsewhere_must_be_reduced_first(ctx):
    employer = user(ctx, "37010000001")
    other = ctx.session.scalar(select(Unit).where(Unit.unit_no == "37010000002"))
    staff = ctx.session.scalar(select(Person).join(Enrollment).where(
        Enrollment.unit_id == other.id, Enrollment.end_month.is_(None),
        Enrollment.category == "active").limit(1))
    data = payload(1, id_number=staff.id_number, birth_date=staff.birth_date.isoformat(),
                   gender=staff.gender, retirement_category=staff.retirement_category)
    with pytest.raises(commands.ItemErrors, match="须原单位先办理减员"):
        commands.create(employer.unit_id, "C1", employer, data)


def test_one_unfinished_declaration_per_person_and_business(ctx):
    employer = user(ctx, "37010000001")
    commands.create(employer.unit_id, "C1", employer, payload(12))
    with pytest.raises(commands.ItemErrors, match="未办结"):
        commands.create(employer.unit_id, "C1", employer, payload(12))


def test_vip_unit_is_decided_at_once(ctx):
    employer = user(ctx, "37010000002")
    d = commands.create(employer.unit_id, "C1", employer, payload(13))
    attach_required_materials(ctx, d)
    commands.submit(d, employer)
    assert d.status == "approved" and d.auto_decided and d.decision_rule == "VIP单位自动审核"


def test_rejection_returns_to_todo_with_reason(ctx):
    employer, reviewer = user(ctx, "37010000001"), user(ctx, "reviewer")
    d = commands.create(employer.unit_id, "C1", employer, payload(14))
    attach_required_materials(ctx, d)
    commands.submit(d, employer)
    commands.claim(d, reviewer)
    with pytest.raises(Invalid, match="审核意见"):
        commands.decide(d, reviewer, {d.items[0].id: False})
    commands.decide(d, reviewer, {d.items[0].id: False}, opinion="劳动合同不清晰")
    assert d.status == "rejected" and d.returned and d.return_reason == "劳动合同不清晰"
    commands.reopen(d, employer)
    assert d.status == "draft" and d.returned
    commands.submit(d, employer)
    assert d.status == "submitted" and not d.returned


def test_illegal_transition_is_refused_clearly(ctx):
    employer = user(ctx, "37010000001")
    d = commands.create(employer.unit_id, "C1", employer, payload(15))
    with pytest.raises(Invalid, match="不能受理"):
        commands.claim(d, user(ctx, "reviewer"))  # a draft is not in the queue
    commands.void(d, employer)
    with pytest.raises(Invalid, match="已作废"):
        commands.submit(d, employer)


def test_reduction_ends_the_enrollments(ctx):
    db = ctx
    employer, reviewer = user(db, "37010000001"), user(db, "reviewer")
    staff = db.session.scalar(select(Person).join(Enrollment).where(
        Enrollment.unit_id == employer.unit_id, Enrollment.end_month.is_(None),
        Enrollment.category == "active").order_by(Person.id.desc()).limit(1))
    d = commands.create(employer.unit_id, "C2", employer, {
        "id_number": staff.id_number, "name": staff.name, "reduce_reason": "辞职",
        "end_month": THIS_MONTH})
    attach_required_materials(db, d)
    commands.submit(d, employer)
    commands.claim(d, reviewer)
    commands.decide(d, reviewer, {d.items[0].id: True})
    still_open = db.session.scalar(select(func.count(Enrollment.id)).where(
        Enrollment.person_id == staff.id, Enrollment.unit_id == employer.unit_id,
        Enrollment.end_month.is_(None)))
    assert still_open == 0


def test_two_reviewers_deciding_at_once_exactly_one_counts(app, ctx):
    db = ctx
    employer = user(db, "37010000001")
    d = commands.create(employer.unit_id, "C1", employer, payload(16))
    attach_required_materials(db, d)
    commands.submit(d, employer)
    declaration_id = d.id
    barrier, outcomes = threading.Barrier(2), []

    def review():
        with app.app_context():
            reviewer = user(db, "reviewer")
            mine = commands.load(declaration_id, reviewer)
            barrier.wait()
            try:
                commands.claim(mine, reviewer)
                outcomes.append("won")
            except commands.Conflict:
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=review) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["conflict", "won"]
    db.session.expire_all()
    claims = db.session.scalar(select(func.count(DeclarationEvent.id)).where(
        DeclarationEvent.declaration_id == declaration_id, DeclarationEvent.action == "claim"))
    assert claims == 1


def test_cost_preview_uses_rates_in_force_and_the_unit_risk_class(ctx):
    from decimal import Decimal

    from app.declarations.cost import cost_for

    employer = user(ctx, "37010000001")
    unit = ctx.session.get(Unit, employer.unit_id)
    month = int(date.today().strftime("%Y%m"))
    cost = cost_for(unit, ["110", "310", "410"], "6000", month)
    by_code = {line.code: line for line in cost.lines}
    assert by_code["110"].unit_amount == Decimal("960.00")
    assert by_code["110"].personal_amount == Decimal("480.00")
    assert by_code["410"].personal_amount == Decimal("0.00") and by_code["410"].unit_amount > 0
    assert cost.unit_total == sum(line.unit_amount for line in cost.lines)


def test_the_claiming_reviewer_releases_and_an_admin_takes_any_claim_back(ctx):
    employer, reviewer, admin = user(ctx, "37010000001"), user(ctx, "reviewer"), user(ctx, "admin")
    d = commands.create(employer.unit_id, "C1", employer, payload(17))
    attach_required_materials(ctx, d)
    commands.submit(d, employer)
    commands.claim(d, admin)
    with pytest.raises(Invalid, match="自己受理"):
        commands.release(d, reviewer)  # another reviewer's claim
    commands.release(d, admin)
    assert d.status == "submitted" and d.reviewer_id is None
    commands.claim(d, reviewer)
    commands.release(d, admin)  # a reviewer's claim, taken back by an administrator
    assert d.status == "submitted" and d.reviewer_id is None
    taken_back = ctx.session.scalars(select(DeclarationEvent).where(
        DeclarationEvent.declaration_id == d.id, DeclarationEvent.action == "release")
        .order_by(DeclarationEvent.id)).all()[-1]
    assert taken_back.actor_name == "admin" and taken_back.message == "系统管理员收回了reviewer的受理"
    commands.claim(d, reviewer)
    commands.release(d, reviewer)
    assert d.reviewer_id is None
