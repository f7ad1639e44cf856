"""工资申报缴费 (D3) and 补缴缴费 (D5): amounts from the ledger, late fees to today (RULES.md §4),
bill numbers, one open bill per month and 险种, refusals, voiding, 代扣 units, tenancy, audit."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.declarations import commands
from app.extensions import db
from app.money import billing, bills
from models.audit import AuditLog
from models.contribution import Bill, Contribution, UnitContribution
from models.reference import Insurance
from models.unit import Unit
from models.user import ShebaoUser
from rules.late_fee import late_fee
from rules.months import add_months, month_label, to_month
from tests.declarations.flows import add_required_materials
from tests.own_database import own_app

app = own_app("module")

TODAY = date.today()
THIS_MONTH = to_month(TODAY)
LAST = add_months(THIS_MONTH, -1)  # unpaid and unbilled in the VIP unit (DEMO.md)
PAID = add_months(THIS_MONTH, -6)  # paid everywhere
VIP, ORDINARY, LARGE = "37010000002", "37010000001", "37010000004"
CODES = ["110", "210", "310", "410"]


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield
        db.session.rollback()


def unit_id(unit_no):
    return db.session.scalar(select(Unit.id).where(Unit.unit_no == unit_no))


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audit_count(audit_action, **detail):
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == audit_action)).all()
    return sum(1 for r in rows if all((r.detail or {}).get(k) == v for k, v in detail.items()))


def lines_of(uid, month, *where):
    return db.session.scalars(select(Contribution).where(
        Contribution.unit_id == uid, Contribution.month == month, *where)).all()


def expected_per_insurance(lines, day):
    """What RULES.md §4 says, computed from the ledger rows themselves, line by line."""
    codes = dict(db.session.execute(select(Insurance.id, Insurance.code)).all())
    out = {}
    for c in lines:
        e = out.setdefault(codes[c.insurance_id], {"persons": set(), "unit": Decimal(0),
                                                     "personal": Decimal(0), "fee": Decimal(0)})
        e["persons"].add(c.person_id)
        e["unit"] += c.unit_amount
        e["personal"] += c.personal_amount
        e["fee"] += late_fee(c.unit_amount + c.personal_amount, c.month, day)
    return out


def test_late_fee_worked_example():
    """RULES.md §4: 0.05 % a day from the day after the 15th of the month after the fee month.
    1,200.00 of 2026-01 paid on 2026-03-01: due 2026-02-15, 14 days late → 8.40."""
    assert late_fee(Decimal("1200.00"), 202601, date(2026, 3, 1)) == Decimal("8.40")
    assert late_fee(Decimal("1200.00"), 202601, date(2026, 2, 15)) == Decimal("0.00")
    assert late_fee(Decimal("3333.33"), 202601, date(2026, 2, 16)) == Decimal("1.67")  # 1.666665


def test_amounts_per_insurance_and_late_fee_to_today(ctx):
    uid = unit_id(VIP)
    lines = lines_of(uid, LAST, Contribution.paid.is_(False), Contribution.back_payment.is_(False),
                     Contribution.bill_id.is_(None))
    assert lines, "the VIP unit has last month unbilled (DEMO.md)"
    ids = billing.insurance_ids(uid, CODES)
    groups = billing.regular_summary(uid, LAST, LAST, ids, TODAY)
    expected = expected_per_insurance(lines, TODAY)
    got = {ids[g.key[0]]: g for g in groups}
    assert set(got) == set(expected)
    for code, e in expected.items():
        g = got[code]
        assert (g.persons, g.unit_amount, g.personal_amount, g.late_fee) == (
            len(e["persons"]), e["unit"], e["personal"], e["fee"]), code
    # Last month is due on the 15th of this month: a late fee from the 16th on, none before.
    assert (sum(g.late_fee for g in groups) > 0) == (TODAY.day > 15)
    later = billing.regular_summary(uid, LAST, LAST, ids, date(TODAY.year + 1, 1, 1))
    days = (date(TODAY.year + 1, 1, 1) - date(THIS_MONTH // 100, THIS_MONTH % 100, 15)).days
    fee = sum(late_fee(c.unit_amount + c.personal_amount, LAST, date(TODAY.year + 1, 1, 1))
              for c in lines)
    assert sum(g.late_fee for g in later) == fee
    amount = sum(c.unit_amount + c.personal_amount for c in lines)
    assert abs(fee - amount * Decimal("0.0005") * days) < Decimal("0.01") * len(lines)


def test_page_shows_the_amounts(as_user, app):
    client = as_user(VIP)
    page = client.get(f"/billing/?start={month_label(LAST)}&end={month_label(LAST)}"
                      "&insurance=110&insurance=310&query=1")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="billing-summary"' in text and 'data-insurance="110"' in text
    assert 'data-insurance="210"' not in text
    with app.test_request_context():
        uid = unit_id(VIP)
        groups = billing.regular_summary(uid, LAST, LAST, billing.insurance_ids(uid, ["110", "310"]),
                                         TODAY)
        total = sum(g.total for g in groups)
    assert f'id="summary-total">{total}<' in text


def test_generate_bill_then_second_bill_refused(as_user, app):
    client = as_user(VIP)
    form = {"start": month_label(LAST), "end": month_label(LAST), "insurance": CODES}
    response = client.post("/billing/create/", data=form)
    assert response.status_code == 302 and "/billview/show/" in response.headers["Location"]
    bill_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    with app.test_request_context():
        bill = db.session.get(Bill, bill_id)
        uid = unit_id(VIP)
        assert re.fullmatch(rf"JF{TODAY:%Y%m%d}\d{{8}}", bill.bill_no)
        assert (bill.kind, bill.status, bill.period_start, bill.period_end) == (
            "regular", "unpaid", LAST, LAST)
        assert bill.insurance_codes == "110,210,310,410"
        lines = lines_of(uid, LAST, Contribution.bill_id == bill.id)
        assert lines and not lines_of(uid, LAST, Contribution.bill_id.is_(None),
                                      Contribution.back_payment.is_(False))
        amount = sum(c.unit_amount + c.personal_amount for c in lines)
        fee = sum(late_fee(c.unit_amount + c.personal_amount, c.month, TODAY) for c in lines)
        assert (bill.amount, bill.late_fee, bill.total) == (amount, fee, amount + fee)
        assert all(c.late_fee == late_fee(c.unit_amount + c.personal_amount, c.month, TODAY)
                   for c in lines)
        assert bill.due_date == date(THIS_MONTH // 100, THIS_MONTH % 100, 15)
        assert audit_count("bill_create", bill_id=bill.id) == 1
        bills_before, refused_before = count(Bill), audit_count("bill_refused")
        bill_no = bill.bill_no
    # The detail page: status in words, lines per 险种 and month, 立即支付 and 作废.
    page = client.get(f"/billview/show/{bill_id}").get_data(as_text=True)
    assert "未支付" in page and f'data-month="{LAST}"' in page and month_label(LAST) in page
    assert f'href="/pay/{bill_id}/"' in page and f"/billing/void/{bill_id}/" in page
    assert "养老保险" in page
    # A second bill for the same month and 险种 is refused, with words; nothing changes.
    again = client.post("/billing/create/", data=form, follow_redirects=True)
    assert again.status_code == 200
    assert "已在缴费单据" in again.get_data(as_text=True)
    one = client.post("/billing/create/", data={**form, "insurance": ["110"]},
                      follow_redirects=True)
    assert bill_no in one.get_data(as_text=True)
    with app.test_request_context():
        assert count(Bill) == bills_before
        assert audit_count("bill_refused") == refused_before + 2


def test_english_page(as_user):
    client = as_user(VIP)
    client.get("/lang/en")
    page = client.get(f"/billing/?start={month_label(PAID)}&query=1").get_data(as_text=True)
    assert "Contribution" in page or "contribution" in page
    refused = client.post("/billing/create/", data={"start": "2099-01", "insurance": CODES},
                          follow_redirects=True).get_data(as_text=True)
    assert "以后的月份" not in refused  # translated
    client.get("/lang/zh")


@pytest.mark.parametrize("start,end,words", [
    ("2099-01", "", "不能为以后的月份生成缴费单据"),
    (month_label(add_months(THIS_MONTH, 1)), "", "不能为以后的月份生成缴费单据"),
    ("abc", "", "所属期起格式应为YYYY-MM"),
    ("2026-13", "", "所属期起不是有效的年月"),
    (month_label(LAST), "2020-01", "所属期止不能早于所属期起"),
    (month_label(PAID), "", "没有应缴费用"),
])
def test_bad_and_empty_months_refused(as_user, app, start, end, words):
    client = as_user(ORDINARY)
    with app.test_request_context():
        bills_before = count(Bill)
        refused_before = audit_count("bill_refused")
    response = client.post("/billing/create/", data={"start": start, "end": end,
                                                     "insurance": CODES},
                           follow_redirects=True)
    assert response.status_code == 200 and words in response.get_data(as_text=True)
    query = client.get("/billing/", query_string={"start": start, "end": end, "query": 1,
                                                  "insurance": CODES})
    assert query.status_code == 200 and words in query.get_data(as_text=True) or \
        "没有应缴费用" in words
    with app.test_request_context():
        assert count(Bill) == bills_before
        assert audit_count("bill_refused") >= refused_before + 1


def test_unlinked_insurance_refused(ctx):
    uid = unit_id(VIP)
    with pytest.raises(billing.Invalid, match="请选择缴费险种"):
        billing.create_regular(uid, LAST, LAST, [], TODAY)
    with pytest.raises(billing.Invalid, match="510"):
        billing.create_regular(uid, LAST, LAST, ["510"], TODAY)


def test_void_frees_lines_and_a_paid_bill_cannot_be_voided(as_user, app):
    client = as_user(ORDINARY)
    with app.test_request_context():
        uid = unit_id(ORDINARY)
        unpaid = db.session.scalar(select(Bill).where(Bill.unit_id == uid,
                                                      Bill.status == "unpaid"))
        paid = db.session.scalar(select(Bill).where(Bill.unit_id == uid, Bill.status == "paid"))
        month = unpaid.period_start
        held = count(Contribution, Contribution.bill_id == unpaid.id)
        paid_lines = count(Contribution, Contribution.bill_id == paid.id)
        db.session.expunge_all()  # used as plain values below, outside this context
        assert held and paid_lines
    confirm = client.get(f"/billing/void/{unpaid.id}/")
    assert confirm.status_code == 200 and "确定作废" in confirm.get_data(as_text=True)
    with app.test_request_context():
        assert db.session.get(Bill, unpaid.id).status == "unpaid"  # GET changes nothing
    assert client.post(f"/billing/void/{unpaid.id}/").status_code == 302
    with app.test_request_context():
        assert db.session.get(Bill, unpaid.id).status == "void"
        assert count(Contribution, Contribution.bill_id == unpaid.id) == 0
        assert audit_count("bill_void", bill_id=unpaid.id) == 1
        # Freed: the month can be billed again, with the same lines.
        again = billing.create_regular(uid, month, month, CODES, TODAY)
        assert count(Contribution, Contribution.bill_id == again.id) == held
        db.session.rollback()
    # A paid bill (and a voided one) cannot be voided: refused with words, nothing changes.
    for bill_id, words in ((paid.id, "已支付"), (unpaid.id, "已作废")):
        page = client.post(f"/billing/void/{bill_id}/", follow_redirects=True)
        assert page.status_code == 200 and words in page.get_data(as_text=True)
    with app.test_request_context():
        assert db.session.get(Bill, paid.id).status == "paid"
        assert count(Contribution, Contribution.bill_id == paid.id) == paid_lines
        assert audit_count("bill_refused", action="void", bill_id=paid.id) == 1
        page = client.get(f"/billview/show/{paid.id}").get_data(as_text=True)
        assert "/billing/void/" not in page and "/pay/" not in page


def test_withholding_unit_needs_no_bill(as_user, app):
    client = as_user(LARGE)
    page = client.get("/billing/").get_data(as_text=True)
    assert 'id="withholding"' in page and "代扣协议" in page
    assert 'id="withholding"' in client.get("/billing/back/").get_data(as_text=True)
    with app.test_request_context():
        before = count(Bill)
    refused = client.post("/billing/create/", data={"start": month_label(LAST),
                                                    "insurance": CODES}, follow_redirects=True)
    assert "银行代扣" in refused.get_data(as_text=True)
    with app.test_request_context():
        assert count(Bill) == before
        assert audit_count("bill_refused", action="create") >= 1


def test_tenancy_another_units_bill_is_404(as_user, app):
    with app.test_request_context():
        other = db.session.scalar(select(Bill).where(Bill.unit_id == unit_id(ORDINARY))
                                  .order_by(Bill.id.desc()))
        status = other.status
        db.session.expunge(other)
    client = as_user(VIP)
    assert client.get(f"/billview/show/{other.id}").status_code == 404
    assert client.get(f"/billing/void/{other.id}/").status_code == 404
    assert client.post(f"/billing/void/{other.id}/").status_code == 404
    assert client.get("/billview/show/99999999").status_code == 404
    with app.test_request_context():
        assert db.session.get(Bill, other.id).status == status
    # Center roles have no unit to bill for; they read a bill, without its unit's buttons.
    reviewer = as_user("reviewer")
    assert reviewer.get("/billing/").status_code in (302, 403, 404)
    assert reviewer.post(f"/billing/void/{other.id}/").status_code in (302, 403, 404)
    shown = reviewer.get(f"/billview/show/{other.id}")
    assert shown.status_code == 200 and other.bill_no in shown.get_data(as_text=True)
    assert 'id="pay-now"' not in shown.get_data(as_text=True)
    assert 'id="void-bill"' not in shown.get_data(as_text=True)
    with app.test_request_context():
        assert db.session.get(Bill, other.id).status == status


def _approved_back_payment(uid, months, base="5000.00", codes="110,310"):
    employer = db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == VIP))
    from tests.declarations.test_batch_businesses import staff

    person = staff(db, uid, started_by=months[0], limit=1)[0]
    row = {"id_number": person.id_number, "name": person.name,
           "start_month": month_label(months[0]), "end_month": month_label(months[-1]),
           "base": base, "insurances": codes}
    d = commands.create(uid, "C5", employer, row)
    add_required_materials(db.session, d)
    commands.submit(d, employer)  # the VIP unit is reviewed automatically
    assert d.status == "approved", d.return_reason
    return d


def test_back_payment_bill_with_per_month_late_fees_and_reprice(as_user, app):
    with app.test_request_context():
        uid = unit_id(VIP)
        start, end = add_months(THIS_MONTH, -30), add_months(THIS_MONTH, -28)
        d = _approved_back_payment(uid, [start, end])
        serial, declaration_id = d.serial_no, d.id
    client = as_user(VIP)
    page = client.get("/billing/back/").get_data(as_text=True)
    assert f'data-declaration="{serial}"' in page
    response = client.post("/billing/back/create/", data={"declaration": [declaration_id]})
    assert response.status_code == 302
    bill_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    with app.test_request_context():
        bill = db.session.get(Bill, bill_id)
        lines = db.session.scalars(select(Contribution).where(
            Contribution.bill_id == bill_id).order_by(Contribution.month)).all()
        assert bill.kind == "back_payment" and (bill.period_start, bill.period_end) == (start, end)
        assert len(lines) == 6 and all(c.declaration_id == declaration_id for c in lines)
        fees = {c.month: late_fee(c.unit_amount + c.personal_amount, c.month, TODAY)
                for c in lines}
        assert all(c.late_fee == late_fee(c.unit_amount + c.personal_amount, c.month, TODAY)
                   for c in lines)
        assert fees[start] > fees[end] > 0  # each month its own days late
        amount = sum(c.unit_amount + c.personal_amount for c in lines)
        assert bill.total == amount + sum(c.late_fee for c in lines)
        # Paid 40 days later: every month's late fee recomputed to the payment day.
        later = TODAY + timedelta(days=40)
        fee_today = bill.late_fee
        locked = bills.lock(bill_id)
        total = bills.reprice(locked, later)
        expected = sum(late_fee(c.unit_amount + c.personal_amount, c.month, later)
                       for c in lines)
        assert total == amount + expected and locked.late_fee == expected
        for c in lines:
            db.session.refresh(c)
            assert c.late_fee == late_fee(c.unit_amount + c.personal_amount, c.month, later)
        # 40 more days at 0.05 % on each month's amount (within a fen per line).
        assert abs(expected - fee_today - amount * Decimal("0.0005") * 40) <= Decimal(
            "0.01") * len(lines)
        db.session.commit()
        assert count(UnitContribution, UnitContribution.unit_id == uid,
                     UnitContribution.month == start) > 0
    # Billed: the declaration is no longer offered; a second bill of it is refused.
    assert f'data-declaration="{serial}"' not in client.get("/billing/back/").get_data(
        as_text=True)
    again = client.post("/billing/back/create/", data={"declaration": [declaration_id]},
                        follow_redirects=True)
    assert "已在缴费单据" in again.get_data(as_text=True)
    nothing = client.post("/billing/back/create/", data={}, follow_redirects=True)
    assert "请选择要缴费的补缴申报" in nothing.get_data(as_text=True)


def test_bill_numbers_are_unique(ctx):
    uid = unit_id(VIP)
    made = []
    for month in (add_months(THIS_MONTH, -2), add_months(THIS_MONTH, -1)):
        for code in ("110", "210"):
            db.session.execute(Contribution.__table__.update().where(
                Contribution.unit_id == uid, Contribution.month == month,
                Contribution.paid.is_(False)).values(bill_id=None))
            made.append(billing.create_regular(uid, month, month, [code], TODAY).bill_no)
    assert len(set(made)) == len(made) == 4


def test_two_clerks_billing_at_once_make_one_bill(app):
    """Both see the month unbilled; the database lets only one claim its lines."""
    import threading

    with app.app_context():
        uid = unit_id(VIP)
        month = add_months(THIS_MONTH, -2)
        lines = count(Contribution, Contribution.unit_id == uid, Contribution.month == month,
                      Contribution.paid.is_(False), Contribution.bill_id.is_(None))
        assert lines
        bills_before = count(Bill)
    barrier, results = threading.Barrier(2), []

    def clerk():
        with app.app_context():
            barrier.wait()
            try:
                bill = billing.create_regular(uid, month, month, CODES, TODAY)
                db.session.commit()
                results.append(bill.id)
            except billing.Invalid as refused:
                db.session.rollback()
                results.append(refused.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=clerk) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    made = [r for r in results if isinstance(r, int)]
    assert len(made) == 1 and len(results) == 2, results
    assert "已在缴费单据" in [r for r in results if isinstance(r, str)][0] or \
        "没有应缴费用" in [r for r in results if isinstance(r, str)][0]
    with app.app_context():
        assert count(Bill) == bills_before + 1
        assert count(Contribution, Contribution.bill_id == made[0]) == lines
