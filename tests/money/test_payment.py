"""立即支付 at the demo bank (D4): bill → pay → signed notification → paid; 支付失败 and 重新支付;
放弃支付; a bill is paid once; another unit's bill is 404 (issue 12 §3)."""
from datetime import date

from app.extensions import db
from app.money import bills
from models.contribution import Bill
from rules.payment_signature import yuan_to_fen
from tests.money.payment_support import (  # noqa: F401  (bank is a fixture)
    UNIT_1, UNIT_2, audits, bank, bill_state, cashier_path, make_bill, trade_no_of,
)
from tests.own_database import own_app

app = own_app("module")  # paying changes the demo city


def expected_total(app, bill_id):
    """The bill's total with the late fee to today (RULES.md §4), computed then taken back."""
    with app.app_context():
        total = bills.reprice(db.session.get(Bill, bill_id), date.today())
        db.session.rollback()
        return total


def test_pay_at_the_bank_and_the_notification_pays_the_bill_and_its_lines(bank, as_user):
    bill_id = make_bill(bank)
    total = expected_total(bank, bill_id)
    employer = as_user(UNIT_1)
    page = employer.get(f"/pay/{bill_id}/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "立即支付" in html and f"¥{total}" in html  # the late fee to today, shown before paying
    assert bill_state(bank, bill_id)["status"] == "unpaid"  # looking changed nothing

    cashier = cashier_path(employer.post(f"/pay/{bill_id}/"))
    trade_no = trade_no_of(cashier)
    state = bill_state(bank, bill_id)
    assert state["status"] == "paying" and state["total"] == total
    assert state["payments"] == [(trade_no, "pending", total)]

    page = employer.get(cashier).get_data(as_text=True)  # the bank's page: amount in yuan
    assert trade_no in page and f"¥{total}" in page and "支付成功" in page
    back = employer.post(cashier, data={"choice": "success"})
    assert back.status_code == 302 and f"/pay/{bill_id}/result?" in back.headers["Location"]
    assert f"amount_fen={yuan_to_fen(total)}" in back.headers["Location"]

    state = bill_state(bank, bill_id)
    assert state["status"] == "paid" and state["paid_at"] is not None
    assert state["payments"] == [(trade_no, "success", total)]
    assert state["lines"] == {True: state["lines"][True]} and state["lines"][True] > 0
    result = employer.get(back.headers["Location"]).get_data(as_text=True)
    assert 'data-status="paid"' in result and "已支付" in result
    assert [a[0] for a in audits(bank, "payment_start")][-1].startswith("JFT")
    assert [d["trade_no"] for _t, _s, d in audits(bank, "payment_success")][-1] == trade_no

    # A bill is paid once: 立即支付 on the paid bill is refused, nothing changes.
    again = employer.post(f"/pay/{bill_id}/")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/pay/{bill_id}/")
    assert bill_state(bank, bill_id)["payments"] == [(trade_no, "success", total)]
    refused = audits(bank, "payment_start", target_id=str(bill_id), success=False)
    assert refused and "已支付" in refused[-1][2]["reason"]


def test_the_result_page_shows_the_database_not_the_query_string(bank, as_user):
    bill_id = make_bill(bank)
    employer = as_user(UNIT_1)
    cashier_path(employer.post(f"/pay/{bill_id}/"))
    forged = employer.get(f"/pay/{bill_id}/result?trade_status=TRADE_SUCCESS&sign=x")
    html = forged.get_data(as_text=True)
    assert 'data-status="paying"' in html and 'http-equiv="refresh"' in html
    assert bill_state(bank, bill_id)["status"] == "paying"


def test_a_failed_payment_then_paying_again(bank, as_user):
    bill_id = make_bill(bank)
    employer = as_user(UNIT_1)
    first = cashier_path(employer.post(f"/pay/{bill_id}/"))
    employer.post(first, data={"choice": "failed"})
    state = bill_state(bank, bill_id)
    assert state["status"] == "failed"
    assert [p[1] for p in state["payments"]] == ["failed"]
    assert state["lines"] == {False: state["lines"][False]}  # nothing paid
    page = employer.get(f"/pay/{bill_id}/result").get_data(as_text=True)
    assert 'data-status="failed"' in page and "重新支付" in page

    second = cashier_path(employer.post(f"/pay/{bill_id}/"))  # 重新支付: a new trade
    assert second != first
    # The failed trade cannot be paid any more at the bank.
    assert "该订单已处理" in employer.get(first).get_data(as_text=True)
    employer.post(second, data={"choice": "success"})
    state = bill_state(bank, bill_id)
    assert state["status"] == "paid"
    assert [p[1] for p in state["payments"]] == ["failed", "success"]
    assert False not in state["lines"]


def test_abandoning_a_payment_frees_the_bill_and_closes_the_bank_order(bank, as_user):
    bill_id = make_bill(bank)
    employer = as_user(UNIT_1)
    cashier = cashier_path(employer.post(f"/pay/{bill_id}/"))
    assert employer.post(f"/pay/{bill_id}/").status_code == 302  # paying already: refused
    assert len(bill_state(bank, bill_id)["payments"]) == 1
    response = employer.post(f"/pay/{bill_id}/abandon")
    assert response.status_code == 302
    state = bill_state(bank, bill_id)
    assert state["status"] == "unpaid" and [p[1] for p in state["payments"]] == ["abandoned"]
    assert audits(bank, "payment_abandon", success=True)[-1][2]["trade_nos"] == [
        trade_no_of(cashier)]
    # The bank's order is closed: choosing 支付成功 now pays nothing.
    employer.post(cashier, data={"choice": "success"})
    assert bill_state(bank, bill_id)["status"] == "unpaid"
    # 放弃支付 of a bill that is not being paid is refused.
    assert employer.post(f"/pay/{bill_id}/abandon").status_code == 302
    assert audits(bank, "payment_abandon", target_id=str(bill_id), success=False)


def test_another_units_bill_is_not_found_and_nothing_changes(bank, as_user):
    other = make_bill(bank, UNIT_2)
    employer = as_user(UNIT_1)
    for method, path in (("get", f"/pay/{other}/"), ("post", f"/pay/{other}/"),
                         ("post", f"/pay/{other}/abandon"), ("get", f"/pay/{other}/result"),
                         ("get", "/pay/987654321/"), ("post", "/pay/987654321/")):
        assert getattr(employer, method)(path).status_code == 404, path
    assert bill_state(bank, other)["status"] == "unpaid"
    assert bill_state(bank, other)["payments"] == []
    # The center pays no unit's bill; anonymous is sent to log in.
    assert as_user("reviewer").post(f"/pay/{other}/").status_code in (302, 403, 404)
    assert bill_state(bank, other)["payments"] == []
    assert bank.test_client().get(f"/pay/{other}/").status_code == 302
