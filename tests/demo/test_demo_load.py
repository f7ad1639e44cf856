"""The demo city (DEMO.md) as the session's ``app`` fixture loaded it (400 persons by default)."""
import random
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from stdnum.cn import uscc
from werkzeug.security import check_password_hash

from models.contribution import Bill, Contribution, Rate, UnitContribution, YearParameter
from models.declaration import Declaration
from models.notice import Notice
from models.person import ContributionBase, Enrollment, Person
from models.reference import ChangeReason, Industry, Insurance, Nation
from models.unit import Unit, UnitInsurance
from models.user import ShebaoUser
from rules import id_number
from rules.contribution_amount import monthly_amounts
from rules.contribution_base import clamp_base, year_limits
from rules.rates import INSURANCE_TYPES
from rules.retirement import reaching_within
from tests.support import PASSWORDS

UNIT1, UNIT2, UNIT3, UNIT4 = "37010000001", "37010000002", "37010000003", "37010000004"
ROLES = {"37010000001": "单位经办人", "37010000002": "单位经办人", "37010000004": "单位经办人",
         "reviewer": "中心审核员", "admin": "系统管理员"}


@pytest.fixture
def db(app):
    from app.extensions import db

    with app.app_context():
        yield db.session
        db.session.rollback()


def unit(session, unit_no) -> Unit:
    return session.scalar(select(Unit).where(Unit.unit_no == unit_no))


def people_of(session, unit_no, **where):
    """Distinct persons with an enrollment in the unit matching ``where``."""
    query = select(Person).join(Enrollment, Enrollment.person_id == Person.id).join(Unit).where(
        Unit.unit_no == unit_no, *[getattr(Enrollment, k) == v for k, v in where.items()])
    return session.scalars(query.distinct()).all()


def test_accounts_have_their_role_unit_and_password(db):
    for username, password in PASSWORDS.items():
        user = db.scalar(select(ShebaoUser).where(ShebaoUser.username == username))
        assert user is not None, username
        assert [r.name for r in user.roles] == [ROLES[username]]
        assert check_password_hash(user.password, password)
        assert user.activated and not user.must_change_password and user.active
        assert user.email == f"{username}@demo.invalid"
        expected_unit = username if username.startswith("3701") else None
        assert (user.unit.unit_no if user.unit else None) == expected_unit


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A demo of its own, as loaded on a given day and before any other test touched it."""
    from flask_migrate import upgrade

    from app.demo import load_demo
    from app.extensions import db
    from tests.support import make_app

    folder = tmp_path_factory.mktemp("fresh_demo")
    app = make_app(f"sqlite:///{folder / 'demo.db'}", folder)
    with app.app_context():
        upgrade()
        summary = load_demo(persons=150, today=FRESH_TODAY)
        yield summary, db.session
        db.session.remove()
        db.engine.dispose()


FRESH_TODAY = date(2026, 3, 18)


def test_unit3_is_registered_without_an_account(fresh):
    summary, session = fresh
    assert summary["loaded"] and summary["counts"]["person"] == 150
    u3 = unit(session, UNIT3)
    assert u3.contact_phone == "13800000003"
    assert session.scalar(select(ShebaoUser).where(ShebaoUser.unit_id == u3.id)) is None
    links = session.scalars(select(UnitInsurance).where(UnitInsurance.unit_id == u3.id)).all()
    assert sorted(i.insurance.code for i in links) == ["110", "210", "310", "410", "510"]
    assert not any(i.linked for i in links)


def test_history_ends_the_month_before_the_given_today(fresh):
    summary, session = fresh
    assert summary["months"] == "202403-202602"
    months = session.scalars(select(Contribution.month).distinct()).all()
    assert min(months) == 202403 and max(months) == 202602
    staff = people_of(session, UNIT1, category="active", status="normal")
    assert any(reaching_within(p.birth_date, p.retirement_category, FRESH_TODAY, 6)
               for p in staff)
    bills = {b.status: b.period_start for b in session.scalars(select(Bill))}
    assert bills == {"paid": 202601, "unpaid": 202602}


def test_every_unit_is_complete(db):
    units = db.scalars(select(Unit)).all()
    assert {UNIT1, UNIT2, UNIT3, UNIT4} <= {u.unit_no for u in units}
    assert len({u.name for u in units}) == len(units)
    for u in units:
        assert uscc.is_valid(u.credit_code), u.credit_code
        assert u.industry and u.address and u.contact_name and u.contact_phone
        regs = u.insurances
        assert len(regs) == 5 and all(r.injury_float_pct == 100 for r in regs)
        assert all(r.business_no == u.unit_no + r.insurance.code for r in regs)
    assert all(r.linked for r in unit(db, UNIT1).insurances)
    assert unit(db, UNIT2).vip and not unit(db, UNIT1).vip


def test_code_tables_rates_and_year_parameters(db):
    assert {i.code: i.name for i in db.scalars(select(Insurance))} == INSURANCE_TYPES
    nations = {n.code: n.name for n in db.scalars(select(Nation))}
    assert len(nations) == 56 and nations["01"] == "汉族" and nations["56"] == "基诺族"
    quit_ = db.scalar(select(ChangeReason).where(ChangeReason.name == "辞职"))
    assert quit_.kind == "reduce" and quit_.voluntary
    assert {r.kind for r in db.scalars(select(ChangeReason))} == {"add", "reduce"}
    assert {i.risk_class for i in db.scalars(select(Industry))} == set(range(1, 9))
    injury = db.scalars(select(Rate).join(Insurance).where(Insurance.code == "410")).all()
    assert sorted(r.risk_class for r in injury) == list(range(1, 9))
    assert all(r.start_month == 201905 and r.end_month is None for r in injury)
    for year in (2024, 2025, 2026):
        p = db.scalar(select(YearParameter).where(YearParameter.year == year))
        assert (p.base_floor, p.base_cap) == year_limits(p.average_wage, p.floor_pct, p.cap_pct)
        assert p.window_start == date(year, 1, 1) and p.window_end == date(year, 12, 31)
    p2024 = db.scalar(select(YearParameter).where(YearParameter.year == 2024))
    assert p2024.interest_rate == Decimal("0.0262")


def test_unit1_staff(db):
    in_service = people_of(db, UNIT1, category="active", status="normal")
    assert len(in_service) >= 50
    retired = people_of(db, UNIT1, category="retired")
    assert retired and all(
        {e.insurance.code for e in db.scalars(select(Enrollment).where(
            Enrollment.person_id == p.id))} == {"310"} for p in retired)
    assert people_of(db, UNIT1, status="suspended")
    assert people_of(db, UNIT1, status="ended")
    today = date.today()
    assert any(reaching_within(p.birth_date, p.retirement_category, today, 6)
               for p in in_service)


def test_unit4_holds_ten_percent_of_the_persons(db):
    total = db.scalar(select(func.count()).select_from(Person))
    assert len(people_of(db, UNIT4)) == total // 10


def test_person_ids_are_valid_and_agree_with_the_person(db):
    rows = db.execute(select(Person.id_number, Person.gender, Person.birth_date,
                             Person.retirement_category)).all()
    assert len({r.id_number for r in rows}) == len(rows)
    for number, gender, birth, category in rows:
        assert id_number.normalize(number) == number
        assert number[:2] == "37"
        assert id_number.gender(number) == gender
        assert id_number.birth_date(number) == birth
        assert (category == "male") == (gender == "male")
        assert 1960 <= birth.year <= 2003


def test_active_people_have_five_insurances_and_bases(db):
    counts = dict(db.execute(select(Enrollment.person_id, func.count()).where(
        Enrollment.category == "active").group_by(Enrollment.person_id)).all())
    assert counts and set(counts.values()) == {5}
    bases = db.scalars(select(ContributionBase)).all()
    limits = {p.year: (p.base_floor, p.base_cap) for p in db.scalars(select(YearParameter))}
    for b in bases:
        assert b.base == clamp_base(b.declared_wage, *limits[b.year])
    assert any(b.base != b.declared_wage for b in bases), "some wages are clamped"


def test_contribution_amounts_follow_the_rules(db):
    rates = {(r.insurance_id, r.risk_class): r for r in db.scalars(select(Rate))}
    risk = dict(db.execute(select(Unit.id, Industry.risk_class).join(Industry)).all())
    injury = db.scalar(select(Insurance.id).where(Insurance.code == "410"))
    ids = db.scalars(select(Contribution.id)).all()
    assert len(ids) > 1000
    for cid in random.Random(7).sample(ids, 800):
        c = db.get(Contribution, cid)
        rate = rates[(c.insurance_id, risk[c.unit_id] if c.insurance_id == injury else None)]
        base = db.scalar(select(ContributionBase.base).where(
            ContributionBase.person_id == c.person_id, ContributionBase.unit_id == c.unit_id,
            ContributionBase.year == c.month // 100))
        assert c.base == base
        assert (c.unit_amount, c.personal_amount) == monthly_amounts(
            base, rate.unit_rate, rate.personal_rate)
    maternity = db.scalar(select(Insurance.id).where(Insurance.code == "510"))
    assert not db.scalar(select(func.count()).where(Contribution.insurance_id == maternity))


def test_ledger_covers_24_months_and_older_months_are_paid(db):
    months = db.scalars(select(Contribution.month).distinct().order_by(Contribution.month)).all()
    assert len(months) == 24
    unpaid = db.scalars(select(Contribution.month).where(Contribution.paid.is_(False))
                        .distinct()).all()
    assert unpaid and set(unpaid) <= set(months[-2:])


def test_unit_totals_equal_the_ledger(db):
    ledger = {(u, i, m): (n, b, ua, pa) for u, i, m, n, b, ua, pa in db.execute(select(
        Contribution.unit_id, Contribution.insurance_id, Contribution.month, func.count(),
        func.sum(Contribution.base), func.sum(Contribution.unit_amount),
        func.sum(Contribution.personal_amount)).group_by(
        Contribution.unit_id, Contribution.insurance_id, Contribution.month))}
    totals = db.scalars(select(UnitContribution)).all()
    assert len(totals) == len(ledger)
    for t in totals:
        n, base, unit_amount, personal = ledger[(t.unit_id, t.insurance_id, t.month)]
        assert t.persons == n
        assert t.base_total == Decimal(base).quantize(Decimal("0.01"))
        assert t.unit_amount == Decimal(unit_amount).quantize(Decimal("0.01"))
        assert t.personal_amount == Decimal(personal).quantize(Decimal("0.01"))
        assert t.total == t.unit_amount + t.personal_amount
        assert t.paid_amount == (t.total if t.status == "paid" else 0)


def test_unit1_has_one_paid_and_one_unpaid_bill(db):
    bills = db.scalars(select(Bill).join(Unit).where(Unit.unit_no == UNIT1)).all()
    assert sorted(b.status for b in bills) == ["paid", "unpaid"]
    for bill in bills:
        rows = db.scalars(select(Contribution).where(Contribution.bill_id == bill.id)).all()
        assert rows and {r.month for r in rows} == {bill.period_start}
        assert bill.amount == bill.total == sum(r.unit_amount + r.personal_amount for r in rows)
        assert all(r.paid for r in rows) == (bill.status == "paid")
        assert bill.bill_no.startswith("JF")
    paid = next(b for b in bills if b.status == "paid")
    assert [p.status for p in paid.payments] == ["success"]
    assert paid.payments[0].amount == paid.total


def test_unit1_declarations_fill_every_home_counter(db):
    decls = db.scalars(select(Declaration).join(Unit).where(Unit.unit_no == UNIT1)).all()

    def having(status, read=None):
        return [d for d in decls if d.status == status and (read is None or d.read == read)]

    assert having("draft") and having("submitted") and having("reviewing")
    assert having("approved", read=False) and having("approved", read=True)
    rejected = having("rejected", read=False)
    assert rejected and all(d.returned and d.return_reason and d.opinion for d in rejected)
    partial = having("partial", read=False)
    assert partial and all(d.batch for d in partial)
    assert {i.status for i in partial[0].items} == {"approved", "rejected"}
    assert having("void")
    assert {d.business_code for d in decls} >= {"C1", "C2", "C3", "C7"}
    for d in decls:
        assert d.serial_no.startswith("SB") and len(d.serial_no) == 16
        assert d.items and d.item_count == len(d.items) and d.events
        assert d.events[0].action == "create" and d.events[-1].to_status == d.status
        assert all(e.actor_name for e in d.events)
    assert len({d.serial_no for d in db.scalars(select(Declaration))}) == db.scalar(
        select(func.count()).select_from(Declaration))


def test_vip_declarations_are_auto_approved(db):
    decls = db.scalars(select(Declaration).join(Unit).where(Unit.unit_no == UNIT2)).all()
    assert decls and all(d.status == "approved" and d.auto_decided for d in decls)
    assert all(d.decision_rule == "VIP单位自动审核" for d in decls)


def test_notices_are_published(db):
    notices = db.scalars(select(Notice).where(Notice.published.is_(True))).all()
    assert len(notices) >= 2 and all(n.published_at for n in notices)


def test_loading_again_changes_nothing(app, db):
    from app.demo import load_demo
    from models import metadata

    def counts():
        return {t.name: db.scalar(select(func.count()).select_from(t))
                for t in metadata.sorted_tables}

    before = counts()
    summary = load_demo(persons=50)
    assert summary["loaded"] is False and "已存在" in summary["message"]
    assert counts() == before


def test_cli_says_already_loaded(app):
    result = app.test_cli_runner().invoke(args=["demo", "load", "--persons", "10"])
    assert result.exit_code == 0, result.output
    assert "已存在" in result.output


def test_production_refuses(app, db):
    from app.demo import DemoError, load_demo

    app.config["APP_ENV"] = "production"
    try:
        with pytest.raises(DemoError, match="生产环境"):
            load_demo()
    finally:
        app.config["APP_ENV"] = "testing"


def test_rows_added_after_the_load_get_fresh_ids(db):
    """Persons were written with explicit ids: PostgreSQL's sequence must have moved past them."""
    newest = db.scalar(select(func.max(Person.id)))
    person = Person(id_number="11010519491231002X", name="新人", gender="female",
                    birth_date=date(1949, 12, 31), retirement_category="female_55")
    db.add(person)
    db.flush()
    assert person.id > newest


def test_approved_declarations_match_their_effects(db):
    decls = db.scalars(select(Declaration).join(Unit).where(
        Unit.unit_no.in_([UNIT1, UNIT2]), Declaration.status.in_(["approved", "partial"]))).all()
    for d in decls:
        for item in (i for i in d.items if i.status == "approved"):
            if d.business_code == "C1":  # the enrollments the 增员 made
                rows = db.scalars(select(Enrollment).where(
                    Enrollment.declaration_id == d.id,
                    Enrollment.person_id == item.person_id)).all()
                assert rows, f"{d.serial_no}: no enrollment for item {item.seq}"
                assert min(e.start_month for e in rows) == item.payload["start_month"]
            elif d.business_code == "C2":  # the 减员 ended the enrollments with its reason
                rows = db.scalars(select(Enrollment).where(
                    Enrollment.person_id == item.person_id)).all()
                assert {e.status for e in rows} == {"ended"}
                assert {e.reduce_reason.code for e in rows} == {item.payload["reduce_reason"]}
            elif d.business_code == "C3":  # the bases it set, if that year has begun
                base = db.scalar(select(ContributionBase).where(
                    ContributionBase.person_id == item.person_id,
                    ContributionBase.year == item.payload["year"]))
                if base is not None:
                    assert base.declaration_id == d.id
                    assert base.declared_wage == Decimal(item.payload["declared_wage"])
                    assert base.base == Decimal(item.payload["base"])


def test_postgresql_has_statistics_right_after_the_load(db):
    """The loader ANALYZEs on PostgreSQL: without statistics the 姓名 search planned badly."""
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite plans from its indexes alone")
    analyzed = db.execute(text(
        "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")).scalars()
    assert {"person", "enrollment", "contribution"} <= set(analyzed)
