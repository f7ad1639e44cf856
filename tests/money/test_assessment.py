"""The monthly assessment (D2): amounts against RULES.md §2–4, re-runs, paid and billed months
after a rate change, people who left, one unit or the whole city, the 月度核定 page (center
only, bad months refused with an audit row), the job and its audit event; and the back-payment
lines of an approved C1 增员 with 追溯补缴. On the database DATABASE_URL names (SQLite or
PostgreSQL)."""
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from app.errors import Invalid
from models.audit import AuditLog
from models.contribution import Bill, Contribution, Rate, UnitContribution
from models.job import Job
from models.person import ContributionBase, Enrollment, Person
from models.reference import Insurance
from models.unit import Unit, UnitInsurance
from rules.contribution_amount import monthly_amounts
from rules.months import add_months, month_label, to_month
from rules.rates import injury_rate
from tests.declarations.test_commands import attach_required_materials, new_id, payload, user
from tests.own_database import own_app

app = own_app("module")

MONTH = to_month(date.today())
UNIT, OTHER = "37010000001", "37010000002"
CODES = ("110", "210", "310", "410")
# 4000.60 × 7.5 % = 300.045 and 1000.10 × 0.3 % = 3.0003 … : half fen cases for half-up
# (banker's rounding would give 300.04); 3333.33 × 16 % = 533.3328.
BASES = ("5000.00", "4000.60", "4000.20", "1005.00", "3333.33", "16346.00", "3269.00", "7777.77")


@pytest.fixture(scope="module", autouse=True)
def in_process_jobs(app):
    from app import jobs

    app.config["CELERY_BROKER_URL"] = ""
    yield
    jobs.shutdown(app)


@pytest.fixture
def db(app):
    """A request context for the test's own reads and writes. Tests that make requests use
    ``within(app)`` between them instead: a request inside a pushed context would share its
    ``g`` (and the user Flask-Login caches there)."""
    from app.extensions import db as database

    with app.test_request_context():
        yield database
        database.session.rollback()


@contextmanager
def within(app):
    from app.extensions import db as database

    with app.test_request_context():
        yield database
        database.session.rollback()


def unit_id(db, unit_no=UNIT) -> int:
    return db.session.scalar(select(Unit.id).where(Unit.unit_no == unit_no))


def insurance_ids(db) -> dict[str, int]:
    return dict(db.session.execute(select(Insurance.code, Insurance.id)).all())


SEQ = iter(range(1, 10**6))


def add_person(db, base, unit_no=UNIT, year=MONTH // 100, start=202401, codes=CODES) -> int:
    """A person enrolled in the unit since ``start`` with a base of ``year``."""
    n = next(SEQ)
    person = Person(id_number=f"T{n:017d}", name=f"核定{n}", gender="male",
                    birth_date=date(1990, 1, 1), retirement_category="male")
    db.session.add(person)
    db.session.flush()
    uid, ids = unit_id(db, unit_no), insurance_ids(db)
    for code in codes:
        db.session.add(Enrollment(person_id=person.id, unit_id=uid, insurance_id=ids[code],
                                  category="active", status="normal", start_month=start))
    db.session.add(ContributionBase(person_id=person.id, unit_id=uid, year=year,
                                    declared_wage=Decimal(base), base=Decimal(base)))
    db.session.commit()
    return person.id


def rows_of(db, person_id, month=MONTH) -> dict[str, Contribution]:
    db.session.expire_all()
    return {c.insurance.code: c for c in db.session.scalars(
        select(Contribution).where(Contribution.person_id == person_id,
                                   Contribution.month == month))}


def assess(db, unit_no=UNIT, month=MONTH):
    from app.money import assessment

    outcome = assessment.assess(month, unit_id(db, unit_no) if unit_no else None)
    db.session.commit()
    return outcome


def injury(db, unit_no=UNIT) -> Decimal:
    unit = db.session.get(Unit, unit_id(db, unit_no))
    pct = db.session.scalar(select(UnitInsurance.injury_float_pct).where(
        UnitInsurance.unit_id == unit.id, UnitInsurance.insurance_id == insurance_ids(db)["410"]))
    return injury_rate(unit.industry.risk_class if unit.industry else 1, pct or 100)


RATES = {"110": (Decimal("0.16"), Decimal("0.08")), "210": (Decimal("0.007"), Decimal("0.003")),
         "310": (Decimal("0.075"), Decimal("0.02"))}


def test_amounts_follow_the_rules(db):
    people = {base: add_person(db, base) for base in BASES}
    assess(db)
    a = rows_of(db, people["5000.00"])
    # RULES.md §2/§4: a person with base 5000 pays 800.00 + 400.00 to 养老 …
    assert (a["110"].unit_amount, a["110"].personal_amount) == (Decimal("800.00"), Decimal("400.00"))
    assert (a["210"].unit_amount, a["210"].personal_amount) == (Decimal("35.00"), Decimal("15.00"))
    assert (a["310"].unit_amount, a["310"].personal_amount) == (Decimal("375.00"), Decimal("100.00"))
    assert a["410"].personal_amount == Decimal("0.00")
    assert a["410"].unit_amount == (Decimal("5000.00") * injury(db)).quantize(Decimal("0.01"))
    assert Decimal("4000.60") * Decimal("0.075") == Decimal("300.045")
    assert rows_of(db, people["4000.60"])["310"].unit_amount == Decimal("300.05")
    rates = dict(RATES, **{"410": (injury(db), Decimal("0"))})
    for base, pid in people.items():
        rows = rows_of(db, pid)
        assert set(rows) == set(CODES)
        for code, row in rows.items():
            assert row.base == Decimal(base)
            assert (row.unit_amount, row.personal_amount) == monthly_amounts(Decimal(base),
                                                                               *rates[code])
            assert not row.paid and not row.back_payment and row.bill_id is None
            assert row.late_fee == Decimal("0.00")


def test_the_latest_earlier_base_goes_on(db):
    pid = add_person(db, "6000.00", year=MONTH // 100 - 1)
    assess(db)
    assert rows_of(db, pid)["110"].base == Decimal("6000.00")
    assert rows_of(db, pid)["110"].unit_amount == Decimal("960.00")


def test_a_rerun_changes_nothing(db):
    add_person(db, "5200.00")
    assess(db)
    before = db.session.execute(select(Contribution.id, Contribution.unit_amount).where(
        Contribution.month == MONTH).order_by(Contribution.id)).all()
    outcome = assess(db)
    assert all(vars(c) == {"inserted": 0, "updated": 0, "deleted": 0}
               for c in outcome.counts.values())
    after = db.session.execute(select(Contribution.id, Contribution.unit_amount).where(
        Contribution.month == MONTH).order_by(Contribution.id)).all()
    assert before == after
    outcome = assess(db, unit_no=None)  # the city: what the unit run wrote stands
    assert sum(c.inserted + c.updated + c.deleted for c in outcome.counts.values()) == \
        sum(c.inserted for c in outcome.counts.values())


def test_paid_billed_and_back_paid_rows_stay_after_a_rate_change(db):
    paid, billed, back, open_ = (add_person(db, "5000.00") for _ in range(4))
    assess(db)
    uid, pension = unit_id(db), insurance_ids(db)["110"]
    bill = Bill(bill_no=f"TEST{MONTH}", unit_id=uid, period_start=MONTH, period_end=MONTH,
                insurance_codes="110", amount=Decimal("1200.00"), total=Decimal("1200.00"))
    db.session.add(bill)
    db.session.flush()
    rows = {pid: rows_of(db, pid)["110"] for pid in (paid, billed, back)}
    rows[paid].paid, rows[paid].paid_at = True, datetime.now()
    rows[billed].bill_id = bill.id
    rows[back].back_payment, rows[back].base = True, Decimal("4000.00")
    rows[back].unit_amount, rows[back].personal_amount = Decimal("640.00"), Decimal("320.00")
    current = db.session.scalar(select(Rate).where(
        Rate.insurance_id == pension, Rate.end_month.is_(None), Rate.risk_class.is_(None)))
    old_end = current.end_month
    current.end_month = add_months(MONTH, -1)
    new = Rate(insurance_id=pension, unit_rate=Decimal("0.18"), personal_rate=Decimal("0.09"),
               start_month=MONTH)
    db.session.add(new)
    db.session.commit()
    try:
        outcome = assess(db)
        assert outcome.counts["110"].updated >= 1
        assert rows_of(db, open_)["110"].unit_amount == Decimal("900.00")
        assert rows_of(db, open_)["110"].personal_amount == Decimal("450.00")
        for pid in (paid, billed):
            row = rows_of(db, pid)["110"]
            assert (row.unit_amount, row.personal_amount) == (Decimal("800.00"),
                                                              Decimal("400.00"))
        row = rows_of(db, back)["110"]
        assert (row.base, row.unit_amount, row.back_payment) == (Decimal("4000.00"),
                                                                  Decimal("640.00"), True)
        assert rows_of(db, billed)["110"].bill_id == bill.id
    finally:
        db.session.delete(db.session.get(Rate, new.id))
        db.session.get(Rate, current.id).end_month = old_end
        db.session.execute(update(Contribution).where(Contribution.bill_id == bill.id)
                           .values(bill_id=None))
        db.session.delete(db.session.get(Bill, bill.id))
        db.session.commit()
    assess(db)
    assert rows_of(db, open_)["110"].unit_amount == Decimal("800.00")


def test_a_person_who_left_is_removed_but_paid_months_stay(db):
    left, paid_left = add_person(db, "5000.00"), add_person(db, "5000.00")
    assess(db)
    row = rows_of(db, paid_left)["110"]
    row.paid, row.paid_at = True, datetime.now()
    db.session.execute(update(Enrollment).where(Enrollment.person_id.in_([left, paid_left]))
                       .values(status="ended", end_month=add_months(MONTH, -1)))
    db.session.commit()
    outcome = assess(db)
    assert rows_of(db, left) == {}
    assert set(rows_of(db, paid_left)) == {"110"}
    assert sum(c.deleted for c in outcome.counts.values()) == 7
    assert all(c.deleted >= 1 for c in outcome.counts.values())


def test_one_unit_or_the_whole_city(db):
    ours, theirs = add_person(db, "5000.00"), add_person(db, "5000.00", unit_no=OTHER)
    assess(db)  # one unit: the other unit's new person is not assessed
    assert set(rows_of(db, ours)) == set(CODES) and rows_of(db, theirs) == {}
    outcome = assess(db, unit_no=None)
    assert set(rows_of(db, theirs)) == set(CODES)
    assert outcome.unit_no is None and outcome.counts["110"].inserted >= 1
    # The unit totals of the month are what the ledger says, for every unit.
    for unit_no in (UNIT, OTHER):
        uid = unit_id(db, unit_no)
        ledger = db.session.execute(
            select(func.count(), func.sum(Contribution.unit_amount),
                   func.sum(Contribution.personal_amount))
            .where(Contribution.unit_id == uid, Contribution.month == MONTH,
                   Contribution.insurance_id == insurance_ids(db)["110"])).one()
        total = db.session.scalar(select(UnitContribution).where(
            UnitContribution.unit_id == uid, UnitContribution.month == MONTH,
            UnitContribution.insurance_id == insurance_ids(db)["110"]))
        assert (total.persons, total.unit_amount, total.personal_amount) == tuple(ledger)
        assert total.total == ledger[1] + ledger[2]


@pytest.mark.parametrize("typed", ["2026-13", "abc", "", "20261", "2026-1x", "1899-12",
                                   None, "99999999999999999999"])
def test_months_that_do_not_parse_are_refused(typed):
    from app.money.assessment import parse_month

    with pytest.raises(Invalid, match="核定年月无效"):
        parse_month(typed)


def test_future_months_are_refused_and_past_ones_parse():
    from app.money.assessment import parse_month

    with pytest.raises(Invalid, match="不能核定本月以后的月份"):
        parse_month(month_label(add_months(MONTH, 1)))
    assert parse_month(month_label(MONTH)) == MONTH
    assert parse_month("2025/3") == 202503 and parse_month("202501") == 202501


# --- the 月度核定 page and its job ----------------------------------------------------------
def test_the_employer_has_no_access(as_user, app):
    client = as_user(UNIT)
    assert client.get("/assessment/").status_code == 403
    with within(app) as db:
        jobs_before = db.session.scalar(select(func.count()).select_from(Job))
    response = client.post("/assessment/run", data={"month": month_label(MONTH)})
    assert response.status_code == 403
    with within(app) as db:
        assert db.session.scalar(select(func.count()).select_from(Job)) == jobs_before


@pytest.mark.parametrize("month", ["2026-13", month_label(add_months(MONTH, 1)), "x"])
def test_bad_months_are_refused_with_a_message_and_an_audit_row(as_user, app, month):
    client = as_user("reviewer")
    with within(app) as db:
        jobs_before = db.session.scalar(select(func.count()).select_from(Job))
        ledger_before = db.session.scalar(select(func.count()).select_from(Contribution))
    response = client.post("/assessment/run", data={"month": month, "unit_no": ""})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "核定年月无效" in text or "不能核定本月以后的月份" in text
    with within(app) as db:
        assert db.session.scalar(select(func.count()).select_from(Job)) == jobs_before
        assert db.session.scalar(select(func.count()).select_from(Contribution)) == ledger_before
        audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "assessment_run")
                                   .order_by(AuditLog.id.desc())).first()
        assert audit.success is False and audit.username == "reviewer"
        assert audit.detail["month"] == month


def test_an_unknown_unit_is_refused(as_user):
    response = as_user("reviewer").post("/assessment/run",
                                        data={"month": month_label(MONTH), "unit_no": "999"})
    assert response.status_code == 422
    assert "单位编号999不存在" in response.get_data(as_text=True)


def test_the_reviewer_runs_it_as_a_job_with_progress_and_an_audit_event(as_user, app):
    from app import jobs

    with within(app) as db:
        pid = add_person(db, "5000.00")
    client = as_user("reviewer")
    page = client.get("/assessment/")
    assert page.status_code == 200 and "月度核定" in page.get_data(as_text=True)
    response = client.post("/assessment/run", data={"month": month_label(MONTH),
                                                     "unit_no": UNIT})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job_id = response.headers["Location"].split("/jobs/")[1].split("/")[0]
    with within(app) as db:
        row = jobs.wait(job_id, timeout=60)
        assert row.status == "done", row.message
        assert row.done == row.total == 5
        assert row.result["counts"]["110"]["inserted"] == 1
        assert row.result["month"] == MONTH and row.result["unit_no"] == UNIT
        assert set(rows_of(db, pid)) == set(CODES)
        audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "assessment_run",
                                                          AuditLog.success.is_(True))
                                   .order_by(AuditLog.id.desc())).first()
        assert audit.username == "reviewer" and audit.detail["month"] == MONTH
        assert audit.detail["unit_no"] == UNIT
        assert audit.detail["counts"]["410"] == {"inserted": 1, "updated": 0, "deleted": 0}
    page = client.get("/assessment/").get_data(as_text=True)
    assert month_label(MONTH) in page and "新增1条，更新0条，删除0条" in page
    assert client.get(f"/jobs/{job_id}/").status_code == 200
    # the employer never sees a center job
    assert as_user(UNIT).get(f"/jobs/{job_id}/").status_code == 404
    client.get("/lang/en")
    english = client.get("/assessment/").get_data(as_text=True)
    assert "Monthly assessment" in english and "1 added, 0 updated, 0 deleted" in english


# --- 追溯补缴 of C1 --------------------------------------------------------------------------
def test_an_approved_enrollment_with_back_pay_writes_its_back_payment_lines(db):
    from app.declarations import commands

    employer, reviewer = user(db, UNIT), user(db, "reviewer")
    start = add_months(MONTH, -3)
    d = commands.create(employer.unit_id, "C1", employer, payload(
        71, start_month=month_label(start), back_pay="是", insurances="110,310,510",
        wage="8000"))
    attach_required_materials(db, d)
    commands.submit(d, employer)
    commands.claim(d, reviewer)
    commands.decide(d, reviewer, {d.items[0].id: True})
    assert d.status == "approved"
    pid = db.session.scalar(select(Person.id).where(Person.id_number == new_id(71)))
    db.session.expire_all()
    lines = db.session.scalars(select(Contribution).where(Contribution.person_id == pid)
                               .order_by(Contribution.month, Contribution.insurance_id)).all()
    months = [add_months(start, i) for i in range(3)]
    assert sorted({c.month for c in lines}) == months  # up to last month, not this one
    assert {c.insurance.code for c in lines} == {"110", "310"}  # 生育 goes with 医疗
    for line in lines:
        assert line.back_payment and not line.paid and line.declaration_id == d.id
        assert line.base == Decimal("8000.00")  # above the floor of every year in the demo
        expected = {"110": ("1280.00", "640.00"), "310": ("600.00", "160.00")}[line.insurance.code]
        assert (line.unit_amount, line.personal_amount) == tuple(map(Decimal, expected))
        assert line.late_fee >= 0
    # the oldest month is overdue: it carries a late fee
    assert lines[0].late_fee > 0
    assert "补缴3个月" in d.items[0].result_message
    # The monthly assessment leaves the back-payment lines alone
    assess(db, month=months[-1])
    assert all(c.back_payment for c in db.session.scalars(
        select(Contribution).where(Contribution.person_id == pid)))


def test_an_enrollment_of_this_month_writes_no_back_payment(db):
    from app.declarations import commands

    employer, reviewer = user(db, UNIT), user(db, "reviewer")
    d = commands.create(employer.unit_id, "C1", employer, payload(72, back_pay="是"))
    attach_required_materials(db, d)
    commands.submit(d, employer)
    commands.claim(d, reviewer)
    commands.decide(d, reviewer, {d.items[0].id: True})
    pid = db.session.scalar(select(Person.id).where(Person.id_number == new_id(72)))
    assert db.session.scalar(select(func.count()).select_from(Contribution)
                             .where(Contribution.person_id == pid)) == 0



def test_a_month_without_rates_is_refused_before_any_job(as_user, app):
    with within(app) as db:
        jobs_before = db.session.scalar(select(func.count()).select_from(Job))
    response = as_user("reviewer").post("/assessment/run", data={"month": "1995-01"})
    assert response.status_code == 422
    assert "1995-01无企业职工基本养老保险费率，不能核定" in response.get_data(as_text=True)
    with within(app) as db:
        assert db.session.scalar(select(func.count()).select_from(Job)) == jobs_before
