"""C3 缴费基数申报, C4 撤销工资申报, C5 补缴 and C18 居民医疗停保 through the commands: the
declaration guards, the effects on bases and the ledger, and the numbers they write."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from stdnum.iso7064 import mod_11_2

from app.declarations import commands
from app.declarations.cost import rates_in_force
from app.declarations.serial import next_serial
from app.errors import Invalid
from models.contribution import Contribution, UnitContribution, YearParameter
from models.declaration import Declaration, DeclarationEvent, DeclarationItem, Material
from models.person import ContributionBase, Enrollment, Person
from models.reference import Insurance
from models.unit import Unit
from models.user import ShebaoUser
from rules import business as registry
from rules.contribution_amount import monthly_amounts
from rules.contribution_base import clamp_base
from rules.late_fee import late_fee
from rules.months import add_months, month_range, to_month
from tests.declarations.flows import add_required_materials

TODAY = date.today()
YEAR = TODAY.year
THIS_MONTH = to_month(TODAY)


def label(month: int) -> str:
    return f"{month // 100}-{month % 100:02d}"


@pytest.fixture
def ctx(app):
    from app.extensions import db

    with app.test_request_context():
        yield db
        db.session.rollback()


def user(db, name):
    return db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == name))


def approve(db, declaration, employer):
    """Required materials, submit, and (outside VIP units) the reviewer approves every row."""
    add_required_materials(db.session, declaration)
    commands.submit(declaration, employer)
    if declaration.status == "submitted":
        reviewer = user(db, "reviewer")
        commands.claim(declaration, reviewer)
        results = {i.id: True for i in declaration.items} or {0: True}
        commands.decide(declaration, reviewer, results)
    assert declaration.status == "approved", declaration.return_reason
    return declaration


def batch(db, employer, code, rows) -> Declaration:
    """A draft holding several rows, each validated as the batch import does."""
    business = registry.get(code)
    cleaned = [commands.validate_item(business, employer.unit_id, row) for row in rows]
    d = Declaration(serial_no=next_serial(), unit_id=employer.unit_id, business_code=code,
                    status="draft", batch=True, created_by_id=employer.id,
                    item_count=len(cleaned), wizard_step="materials")
    d.items = [DeclarationItem(seq=n, id_number=r["id_number"], name=r["name"], payload=r,
                               status="pending") for n, r in enumerate(cleaned, 1)]
    db.session.add(d)
    db.session.commit()
    return d


def staff(db, unit_id, *, year=None, started_by=None, exclude=(), limit=1):
    """Active people of the unit with open 110/210/310 enrollments (and a base of ``year``)."""
    query = (select(Person).join(Enrollment, Enrollment.person_id == Person.id)
             .join(Insurance, Insurance.id == Enrollment.insurance_id)
             .where(Enrollment.unit_id == unit_id, Enrollment.end_month.is_(None),
                    Enrollment.category == "active", Enrollment.status == "normal",
                    Insurance.code.in_(("110", "210", "310")), Person.id.not_in(exclude))
             .group_by(Person.id).having(func.count(Enrollment.id) == 3)
             .order_by(Person.id))
    if started_by is not None:
        query = query.having(func.max(Enrollment.start_month) <= started_by)
    if year is not None:
        query = query.where(select(ContributionBase.id).where(
            ContributionBase.person_id == Person.id, ContributionBase.unit_id == unit_id,
            ContributionBase.year == year).exists())
    people = db.session.scalars(query.limit(limit)).all()
    assert len(people) == limit, "the demo city has fewer such people than the test needs"
    return people


def base_row(db, person_id, unit_id, year):
    db.session.expire_all()
    return db.session.scalar(select(ContributionBase).where(
        ContributionBase.person_id == person_id, ContributionBase.unit_id == unit_id,
        ContributionBase.year == year))


def ledger(db, person_id, unit_id, months, **where):
    db.session.expire_all()
    query = select(Contribution).where(
        Contribution.person_id == person_id, Contribution.unit_id == unit_id,
        Contribution.month.in_(list(months)))
    for name, value in where.items():
        query = query.where(getattr(Contribution, name) == value)
    return db.session.scalars(query.order_by(Contribution.month, Contribution.insurance_id)).all()


def expected(db, row, base):
    unit = db.session.get(Unit, row.unit_id)
    code = row.insurance.code
    _, unit_rate, personal_rate = rates_in_force(unit, [code], row.month)[code]
    return monthly_amounts(base, unit_rate, personal_rate)


def assert_assessed(db, rows, base):
    assert rows, "no ledger rows to check"
    for row in rows:
        assert row.base == base, (row.month, row.insurance.code)
        assert (row.unit_amount, row.personal_amount) == expected(db, row, base)


def assert_totals_match_ledger(db, unit_id, month, insurance_id):
    rows = db.session.scalars(select(Contribution).where(
        Contribution.unit_id == unit_id, Contribution.month == month,
        Contribution.insurance_id == insurance_id)).all()
    total = db.session.scalar(select(UnitContribution).where(
        UnitContribution.unit_id == unit_id, UnitContribution.month == month,
        UnitContribution.insurance_id == insurance_id))
    assert total.persons == len(rows)
    assert total.unit_amount == sum(r.unit_amount for r in rows)
    assert total.personal_amount == sum(r.personal_amount for r in rows)
    assert total.late_fee == sum(r.late_fee for r in rows)
    assert total.total == sum(r.unit_amount + r.personal_amount + r.late_fee for r in rows)


def limits(db, year):
    p = db.session.scalar(select(YearParameter).where(YearParameter.year == year))
    return p.base_floor, p.base_cap


def wage_row(person, wage, year=YEAR):
    return {"id_number": person.id_number, "name": person.name, "year": str(year),
            "declared_wage": str(wage)}


def test_wage_declaration_revocation_and_a_new_declaration(ctx):
    """VIP unit (auto-review): C3 sets the base and recomputes unpaid months; a second C3 of the
    year for the same person is refused, another person's is not; C4 restores the old base and amounts; then a new C3 (a batch) goes through."""
    db = ctx
    employer = user(db, "37010000002")
    unit_id = employer.unit_id
    p, q = staff(db, unit_id, year=YEAR, limit=2)
    old = base_row(db, p.id, unit_id, YEAR)
    old_base, old_wage, old_declaration = old.base, old.declared_wage, old.declaration_id
    pension = db.session.scalar(select(Insurance).where(Insurance.code == "110"))
    # An unpaid month of this year for sure (the demo's depend on today's date) …
    this_month = Contribution(person_id=p.id, unit_id=unit_id, insurance_id=pension.id,
                              month=THIS_MONTH, base=old_base, unit_amount=Decimal("1"),
                              personal_amount=Decimal("1"), paid=False)
    db.session.add(this_month)
    db.session.commit()
    year_months = list(month_range(YEAR * 100 + 1, YEAR * 100 + 12))
    paid_before = [(r.id, r.base, r.unit_amount, r.personal_amount)
                   for r in ledger(db, p.id, unit_id, year_months, paid=True)]
    floor, _cap = limits(db, YEAR)

    c3 = commands.create(unit_id, "C3", employer, wage_row(p, 1000))
    assert c3.items[0].payload["year"] == YEAR
    approve(db, c3, employer)

    row = base_row(db, p.id, unit_id, YEAR)
    assert (row.declared_wage, row.base) == (Decimal("1000.00"), floor)
    assert row.previous_base == old_base and row.declaration_id == c3.id
    assert "低于保底线按保底线" in c3.items[0].result_message
    assert c3.items[0].payload["base"] == str(floor)
    unpaid = ledger(db, p.id, unit_id, year_months, paid=False, back_payment=False)
    assert this_month.id in {r.id for r in unpaid}
    assert_assessed(db, unpaid, floor)
    # 110 at the floor: 16 % and 8 % of it, half-up to the fen.
    row_110 = next(r for r in unpaid if r.id == this_month.id)
    assert row_110.unit_amount == (floor * Decimal("0.16")).quantize(Decimal("0.01"))
    assert row_110.personal_amount == (floor * Decimal("0.08")).quantize(Decimal("0.01"))
    assert [(r.id, r.base, r.unit_amount, r.personal_amount)
            for r in ledger(db, p.id, unit_id, year_months, paid=True)] == paid_before
    assert_totals_match_ledger(db, unit_id, THIS_MONTH, pension.id)

    with pytest.raises(commands.ItemErrors) as refused:
        commands.create(unit_id, "C3", employer, wage_row(p, 8000))
    assert refused.value.errors["year"] == (
        f"该人员{YEAR}年度已申报缴费基数（流水号{c3.serial_no}），如需重新申报请先撤销")
    # One person's C3 leaves the year open for the rest of the staff (issue 11).
    for_q = commands.create(unit_id, "C3", employer, wage_row(q, 8000))
    commands.void(for_q, employer)

    c4 = commands.create(unit_id, "C4", employer, {"serial_no": c3.serial_no})
    with pytest.raises(commands.ItemErrors, match="已有未办结的撤销申报"):
        commands.create(unit_id, "C4", employer, {"serial_no": c3.serial_no})
    approve(db, c4, employer)
    row = base_row(db, p.id, unit_id, YEAR)
    assert (row.base, row.declared_wage) == (old_base, old_wage)
    assert row.declaration_id == old_declaration and row.previous_base is None
    assert_assessed(db, ledger(db, p.id, unit_id, year_months, paid=False, back_payment=False),
                    old_base)
    assert_totals_match_ledger(db, unit_id, THIS_MONTH, pension.id)
    revoked = db.session.scalar(select(DeclarationEvent).where(
        DeclarationEvent.declaration_id == c3.id, DeclarationEvent.action == "revoked"))
    assert c4.serial_no in revoked.message
    assert c4.payload["revoked_declaration_id"] == c3.id and c4.payload["years"] == [YEAR]
    with pytest.raises(commands.ItemErrors, match="已撤销，不能重复撤销"):
        commands.create(unit_id, "C4", employer, {"serial_no": c3.serial_no})

    # Revoked: the year may be declared again, here as a batch of two, one above the cap.
    _floor, cap = limits(db, YEAR)
    again = batch(db, employer, "C3", [wage_row(p, 7000.5), wage_row(q, cap + 1)])
    approve(db, again, employer)
    assert base_row(db, p.id, unit_id, YEAR).base == Decimal("7000.50")
    assert base_row(db, q.id, unit_id, YEAR).base == cap
    assert base_row(db, q.id, unit_id, YEAR).declared_wage == cap + 1
    assert_assessed(db, ledger(db, p.id, unit_id, year_months, paid=False, back_payment=False),
                    Decimal("7000.50"))
    q_unpaid = ledger(db, q.id, unit_id, year_months, paid=False, back_payment=False)
    if q_unpaid:  # none in January, when this year has no ledger months yet
        assert_assessed(db, q_unpaid, cap)


def test_revoking_the_demo_declaration_falls_back_to_last_years_base(ctx):
    """Unit 37010000001 has this year's partly approved C3 from the demo: it blocks a new one
    until revoked; its base rows had no previous base, so they go and the unpaid months of this
    year are assessed on last year's base again. Months on an open bill keep their amounts."""
    db = ctx
    employer = user(db, "37010000001")
    unit_id = employer.unit_id
    demo = db.session.scalar(select(Declaration).where(
        Declaration.unit_id == unit_id, Declaration.business_code == "C3",
        Declaration.status == "partial"))
    approved = [i for i in demo.items if i.status == "approved"]
    person = db.session.get(Person, approved[0].person_id)
    with pytest.raises(commands.ItemErrors) as refused:
        commands.create(unit_id, "C3", employer, wage_row(person, 6000))
    assert demo.serial_no in refused.value.errors["year"]

    year_months = list(month_range(YEAR * 100 + 1, YEAR * 100 + 12))
    billed = {r.id: (r.base, r.unit_amount) for r in ledger(db, person.id, unit_id, year_months)
              if r.bill_id is not None and not r.paid}
    assert billed or TODAY.month == 1  # last month is on the demo's unpaid bill
    # The demo's other months of this year are paid or billed: one unbilled month to recompute.
    current = base_row(db, person.id, unit_id, YEAR).base
    db.session.add(Contribution(
        person_id=person.id, unit_id=unit_id, month=THIS_MONTH, base=current,
        insurance_id=db.session.scalar(select(Insurance.id).where(Insurance.code == "310")),
        unit_amount=Decimal("1"), personal_amount=Decimal("1"), paid=False))
    db.session.commit()
    c4 = commands.create(unit_id, "C4", employer, {"serial_no": demo.serial_no})
    assert c4.status == "draft" and c4.items == []
    approve(db, c4, employer)

    assert db.session.scalar(select(func.count(ContributionBase.id)).where(
        ContributionBase.declaration_id == demo.id)) == 0
    assert base_row(db, person.id, unit_id, YEAR) is None
    last_year = base_row(db, person.id, unit_id, YEAR - 1).base
    rows = ledger(db, person.id, unit_id, year_months, paid=False, back_payment=False)
    assert_assessed(db, [r for r in rows if r.bill_id is None], last_year)
    assert {r.id: (r.base, r.unit_amount) for r in rows if r.id in billed} == billed
    assert c4.payload["deleted"] == len(approved) and c4.payload["restored"] == 0

    # Now the year is open again for this unit.
    fresh = commands.create(unit_id, "C3", employer, wage_row(person, 6000))
    commands.void(fresh, employer)


def test_wage_declaration_window(ctx):
    db = ctx
    employer = user(db, "37010000002")
    p = staff(db, employer.unit_id)[0]
    with pytest.raises(commands.ItemErrors) as refused:
        commands.create(employer.unit_id, "C3", employer, wage_row(p, 6000, YEAR - 1))
    assert refused.value.errors["year"] == (
        f"不在{YEAR - 1}年度缴费基数申报期内（{YEAR - 1}-01-01至{YEAR - 1}-12-31）")

    parameter = db.session.scalar(select(YearParameter).where(YearParameter.year == YEAR))
    saved = parameter.window_start, parameter.window_end
    parameter.window_start = TODAY + timedelta(days=1)
    parameter.window_end = TODAY + timedelta(days=30)
    db.session.commit()
    try:
        with pytest.raises(commands.ItemErrors) as refused:
            commands.create(employer.unit_id, "C3", employer, wage_row(p, 6000))
        start, end = TODAY + timedelta(days=1), TODAY + timedelta(days=30)
        assert refused.value.errors["year"] == (
            f"不在{YEAR}年度缴费基数申报期内（{start:%Y-%m-%d}至{end:%Y-%m-%d}）")
    finally:
        parameter.window_start, parameter.window_end = saved
        db.session.commit()


def test_wage_batch_refuses_a_person_twice_on_submit(ctx):
    db = ctx
    employer = user(db, "37010000004")  # no wage declaration of this year yet
    p, q = staff(db, employer.unit_id, limit=2)
    d = batch(db, employer, "C3", [wage_row(p, 6000), wage_row(p, 6100)])
    with pytest.raises(Invalid, match="第2行：该人员在本申报中重复（与第1行）"):
        commands.submit(d, employer)
    with pytest.raises(commands.ItemErrors) as refused:  # the draft holds its persons
        commands.create(employer.unit_id, "C3", employer, wage_row(p, 6000))
    assert refused.value.errors["id_number"] == (
        f"该人员已有未办结的同类申报（流水号{d.serial_no}），请先提交、作废或修改该申报")
    commands.void(d, employer)
    commands.void(commands.create(employer.unit_id, "C3", employer, wage_row(q, 6000)), employer)


def test_wage_declaration_only_for_staff_in_service(ctx):
    db = ctx
    employer = user(db, "37010000002")
    other = staff(db, user(db, "37010000001").unit_id)[0]
    with pytest.raises(commands.ItemErrors, match="不是本单位在职参保人员"):
        commands.create(employer.unit_id, "C3", employer, wage_row(other, 6000))


def back_pay_row(person, start, end, base="5000", insurances="110,310"):
    return {"id_number": person.id_number, "name": person.name, "start_month": label(start),
            "end_month": label(end), "base": base, "insurances": insurances}


def test_back_payment_writes_months_with_late_fees(ctx):
    db = ctx
    employer = user(db, "37010000002")
    unit_id = employer.unit_id
    start, end = add_months(THIS_MONTH, -30), add_months(THIS_MONTH, -28)
    p = staff(db, unit_id, started_by=start)[0]
    months = list(month_range(start, end))
    assert ledger(db, p.id, unit_id, months) == []  # before the demo's 24 months of history

    d = commands.create(unit_id, "C5", employer, back_pay_row(p, start, end, "5000.00"))
    approve(db, d, employer)

    rows = ledger(db, p.id, unit_id, months)
    assert [(r.month, r.insurance.code) for r in rows] == [
        (m, code) for m in months for code in ("110", "310")]
    total_due, total_fee = Decimal(0), Decimal(0)
    for r in rows:
        base = clamp_base(Decimal("5000"), *limits(db, r.month // 100))
        assert r.back_payment and not r.paid and r.declaration_id == d.id
        assert r.base == base
        assert (r.unit_amount, r.personal_amount) == expected(db, r, base)
        assert r.late_fee == late_fee(r.unit_amount + r.personal_amount, r.month, TODAY)
        assert r.late_fee > 0
        total_due += r.unit_amount + r.personal_amount
        total_fee += r.late_fee
    assert rows[0].late_fee > rows[-1].late_fee  # each month its own days late
    assert f"补缴3个月，应缴{total_due}元，滞纳金{total_fee}元" in d.items[0].result_message
    assert_totals_match_ledger(db, unit_id, start, rows[0].insurance_id)


def test_back_payment_of_an_unpaid_month_updates_its_row(ctx):
    db = ctx
    employer = user(db, "37010000002")
    unit_id = employer.unit_id
    month = add_months(THIS_MONTH, -1)
    p = db.session.scalar(
        select(Person).join(Contribution, Contribution.person_id == Person.id)
        .join(Insurance, Insurance.id == Contribution.insurance_id)
        .where(Contribution.unit_id == unit_id, Contribution.month == month,
               Contribution.paid.is_(False), Contribution.back_payment.is_(False),
               Insurance.code == "110")
        .order_by(Person.id.desc()).limit(1))
    [before] = ledger(db, p.id, unit_id, [month], insurance_id=db.session.scalar(
        select(Insurance.id).where(Insurance.code == "110")))
    d = commands.create(unit_id, "C5", employer, back_pay_row(p, month, month, "9000", "110"))
    approve(db, d, employer)
    [after] = ledger(db, p.id, unit_id, [month], insurance_id=before.insurance_id)
    assert after.id == before.id and after.back_payment and after.base == Decimal("9000.00")
    assert (after.unit_amount, after.personal_amount) == (Decimal("1440.00"), Decimal("720.00"))
    assert after.late_fee == late_fee(Decimal("2160.00"), month, TODAY)


def test_back_payment_refusals(ctx):
    db = ctx
    employer = user(db, "37010000002")
    unit_id = employer.unit_id
    people = staff(db, unit_id, started_by=add_months(THIS_MONTH, -24), limit=5)
    p = people[0]
    paid_month = add_months(THIS_MONTH, -6)
    assert ledger(db, p.id, unit_id, [paid_month], paid=True)
    with pytest.raises(commands.ItemErrors) as refused:
        commands.create(unit_id, "C5", employer, back_pay_row(p, paid_month, paid_month))
    assert refused.value.errors["start_month"] == (
        f"{paid_month // 100}年{paid_month % 100}月企业职工基本养老保险已缴费，不能重复补缴")

    starts = dict(db.session.execute(
        select(Enrollment.person_id, func.min(Enrollment.start_month))
        .where(Enrollment.person_id.in_([x.id for x in people]), Enrollment.unit_id == unit_id)
        .group_by(Enrollment.person_id)).all())
    late = next(x for x in people if starts[x.id] >= 199603)  # months before it are after 1995
    first = starts[late.id]
    with pytest.raises(commands.ItemErrors) as refused:
        commands.create(unit_id, "C5", employer,
                        back_pay_row(late, add_months(first, -2), add_months(first, 1)))
    month = add_months(first, -2)
    assert refused.value.errors["start_month"] == (
        f"{month // 100}年{month % 100}月不在该人员本单位企业职工基本养老保险参保期间内，不能补缴")

    with pytest.raises(commands.ItemErrors) as refused:
        commands.create(unit_id, "C5", employer, back_pay_row(p, 199412, 199502))
    assert refused.value.errors["start_month"] == "补缴起始年月不能早于1995年1月"

    with pytest.raises(commands.ItemErrors, match="只能补缴本月以前的月份"):
        commands.create(unit_id, "C5", employer, back_pay_row(p, THIS_MONTH, THIS_MONTH))


def test_back_payment_batch_names_the_bad_row_on_submit(ctx):
    db = ctx
    employer = user(db, "37010000002")
    unit_id = employer.unit_id
    p, q = staff(db, unit_id, started_by=add_months(THIS_MONTH, -40), limit=2)
    old = add_months(THIS_MONTH, -36)
    d = batch(db, employer, "C5", [back_pay_row(p, old, old), back_pay_row(q, old, old)])
    # Since the import, q's month was paid (say, at the counter).
    pension = db.session.scalar(select(Insurance.id).where(Insurance.code == "110"))
    db.session.add(Contribution(person_id=q.id, unit_id=unit_id, insurance_id=pension,
                                month=old, base=Decimal("5000"), unit_amount=Decimal("800"),
                                personal_amount=Decimal("400"), paid=True))
    db.session.add(Material(declaration_id=d.id, material_type="back_pay_proof",
                            filename="proof.pdf", content_type="application/pdf", size=10,
                            sha256="0" * 64))
    db.session.commit()
    with pytest.raises(Invalid, match="第2行：.*已缴费，不能重复补缴"):
        commands.submit(d, employer)
    commands.void(d, employer)


def test_no_back_payment_past_retirement_age_without_earlier_records(ctx):
    db = ctx
    employer = user(db, "37010000002")
    body = "37010219500301011"
    person = Person(id_number=body + mod_11_2.calc_check_digit(body), name="赵老",
                    gender="male", birth_date=date(1950, 3, 1), retirement_category="male")
    db.session.add(person)
    db.session.flush()
    for code in ("110", "310"):
        db.session.add(Enrollment(
            person_id=person.id, unit_id=employer.unit_id, category="active", status="normal",
            start_month=201001,
            insurance_id=db.session.scalar(select(Insurance.id).where(Insurance.code == code))))
    db.session.commit()
    with pytest.raises(commands.ItemErrors) as refused:
        commands.create(employer.unit_id, "C5", employer, back_pay_row(person, 201906, 201908))
    assert refused.value.errors["id_number"] == "该人员已达法定退休年龄且此前无缴费记录，不能补缴"


def test_resident_medical_stop_is_recorded(ctx):
    db = ctx
    employer = user(db, "37010000001")
    # Someone insured by no unit: the registry's resident (one of this unit's leavers).
    person = not_employed_anywhere(db)
    row = {"id_number": person.id_number, "name": person.name, "stop_month": label(THIS_MONTH),
           "reason": "参加职工医保"}
    d = commands.create(employer.unit_id, "C18", employer, row)
    assert d.items[0].payload["reason"] == "employee"
    approve(db, d, employer)
    item = d.items[0]
    assert item.person_id == person.id
    assert item.result_message == (
        f"已登记居民医疗保险自{YEAR}年{TODAY.month}月停保（参加职工医保）")
    event = db.session.scalar(select(DeclarationEvent).where(
        DeclarationEvent.declaration_id == d.id, DeclarationEvent.action == "resident_stop"))
    assert event.message == "居民医疗停保已登记1人"


def test_resident_medical_stop_needs_a_known_person_under_that_name(ctx):
    db = ctx
    employer = user(db, "37010000001")
    body = "37010219900101771"
    unknown = body + mod_11_2.calc_check_digit(body)
    row = {"id_number": unknown, "name": "钱七", "stop_month": label(THIS_MONTH), "reason": "死亡"}
    with pytest.raises(commands.ItemErrors) as refused:
        commands.create(employer.unit_id, "C18", employer, row)
    assert refused.value.errors["id_number"] == "未找到该人员，请核对社会保障号码"
    person = not_employed_anywhere(db, stranger_to=employer.unit_id)
    with pytest.raises(commands.ItemErrors) as refused:
        commands.create(employer.unit_id, "C18", employer,
                        {**row, "id_number": person.id_number, "name": "某某某"})
    assert refused.value.errors["name"] == "姓名与该社会保障号码登记的姓名不符，请核对"
    assert person.name not in refused.value.errors["name"]  # a stranger's name is not told


def test_resident_medical_stop_refuses_another_units_employee(ctx):
    """Issue 11: C18 accepted any person of the registry, another unit's employee included."""
    db = ctx
    employer = user(db, "37010000001")
    other = db.session.scalar(
        select(Person).join(Enrollment, Enrollment.person_id == Person.id)
        .where(Enrollment.unit_id != employer.unit_id, Enrollment.end_month.is_(None))
        .order_by(Person.id).limit(1))
    with pytest.raises(commands.ItemErrors) as refused:
        commands.create(employer.unit_id, "C18", employer, {
            "id_number": other.id_number, "name": other.name, "stop_month": label(THIS_MONTH),
            "reason": "死亡"})
    assert refused.value.errors["id_number"] == (
        "该人员不是城乡居民医疗保险参保人员，不能办理居民医疗停保")


def not_employed_anywhere(db, stranger_to=None) -> Person:
    """A person of the registry with no open enrollment at any unit (and never employed by the
    unit ``stranger_to``, if given)."""
    insured = select(Enrollment.person_id).where(Enrollment.end_month.is_(None),
                                                 Enrollment.status != "ended")
    query = select(Person).where(Person.id.not_in(insured))
    if stranger_to is not None:
        query = query.where(Person.id.not_in(select(Enrollment.person_id)
                                             .where(Enrollment.unit_id == stranger_to)))
    person = db.session.scalar(query.order_by(Person.id).limit(1))
    assert person is not None, "the demo has no one insured nowhere"
    return person


def test_wage_rows_for_the_template_take_the_last_declared_wage(ctx):
    from app.declarations.base_declaration import wage_rows

    db = ctx
    unit_id = user(db, "37010000001").unit_id
    rows = wage_rows(unit_id, YEAR + 1)
    in_service = set(db.session.scalars(select(Person.id_number).join(Enrollment).where(
        Enrollment.unit_id == unit_id, Enrollment.end_month.is_(None),
        Enrollment.category == "active")))
    assert {r["id_number"] for r in rows} == in_service
    assert [r["id_number"] for r in rows] == sorted(in_service)
    business = registry.get("C3")
    for r in rows[:5]:
        person = db.session.scalar(select(Person).where(Person.id_number == r["id_number"]))
        last = db.session.scalar(
            select(ContributionBase.declared_wage).where(
                ContributionBase.person_id == person.id, ContributionBase.unit_id == unit_id)
            .order_by(ContributionBase.year.desc()).limit(1))
        assert r["declared_wage"] == (last if last is not None else Decimal("0.00"))
        assert set(r) == {f.name for f in business.fields}
