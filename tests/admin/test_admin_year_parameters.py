"""Issue 12 §8 (D1, G4): the 记账利率, the 滞纳金 daily rate and the due day on the yearly
parameter screen, checked like the rates: bounds refused under the field with nothing saved and
an audit row; a saved change audited, and the ledger left as it was."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models.audit import AuditLog
from models.contribution import Contribution, YearParameter
from tests.admin.conftest import field_errors, flashes, form_of

YEAR = 2024
TERMS = ("interest_rate", "late_fee_rate", "due_day")
# RULES.md §4, percent.
RULES_INTEREST = {2016: "8.31", 2017: "7.12", 2018: "8.29", 2019: "7.61", 2020: "6.04",
                  2021: "6.69", 2022: "6.12", 2023: "3.97", 2024: "2.62"}


def _terms(db_read, pk):
    return tuple(db_read(select(getattr(YearParameter, name)).where(YearParameter.id == pk))
                 for name in TERMS)


def _edit_form(admin, pk) -> dict:
    return form_of(admin.get(f"/yearparameterview/edit/{pk}").get_data(as_text=True))


def _ledger(db_read):
    return db_read(select(func.count() * 1000000 + func.sum(Contribution.unit_amount)
                          + func.sum(Contribution.late_fee)))


@pytest.fixture
def year_pk(db_read):
    return db_read(select(YearParameter.id).where(YearParameter.year == YEAR))


def test_the_demo_holds_the_interest_rates_of_the_rules(db_read):
    for year, percent in RULES_INTEREST.items():
        stored = db_read(select(YearParameter.interest_rate).where(YearParameter.year == year))
        assert stored == Decimal(percent) / 100, year


def test_the_form_offers_the_terms_in_words(admin, year_pk):
    page = admin.get(f"/yearparameterview/edit/{year_pk}").get_data(as_text=True)
    for label in ("记账利率", "滞纳金日费率", "次月缴费截止日", "0.0005表示每日0.05%"):
        assert label in page
    form = _edit_form(admin, year_pk)
    assert Decimal(form["interest_rate"]) == Decimal("0.0262")
    assert Decimal(form["late_fee_rate"]) == Decimal("0.0005")
    assert form["due_day"] == "15"
    listing = admin.get("/yearparameterview/list/").get_data(as_text=True)
    assert "滞纳金日费率" in listing and "次月缴费截止日" in listing


@pytest.mark.parametrize("change, reason", [
    ({"interest_rate": "0.25"}, "记账利率应为0至0.2之间的小数（0.0262表示2.62%）：0.25"),
    ({"late_fee_rate": "0.05"}, "滞纳金日费率应为0至0.01之间的小数（0.0005表示每日0.05%）：0.05"),
    ({"late_fee_rate": "-0.0005"}, "滞纳金日费率应为0至0.01"),
    ({"due_day": "0"}, "缴费截止日应为1至31之间的整数（次月的第几日）：0"),
    ({"due_day": "32"}, "缴费截止日应为1至31之间的整数"),
])
def test_terms_out_of_bounds_are_refused_on_the_form(admin, db_read, year_pk, change, reason):
    before = _terms(db_read, year_pk)
    audits = db_read(select(func.count()).select_from(AuditLog)
                     .where(AuditLog.action == "year_parameter_refused"))
    response = admin.post(f"/yearparameterview/edit/{year_pk}",
                          data={**_edit_form(admin, year_pk), **change})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert any(reason in error for error in field_errors(page)), field_errors(page)
    assert not [kind for kind, _text in flashes(page) if kind == "success"]
    assert _terms(db_read, year_pk) == before
    assert db_read(select(func.count()).select_from(AuditLog)
                   .where(AuditLog.action == "year_parameter_refused",
                          AuditLog.success.is_(False))) == audits + 1
    detail = db_read(select(AuditLog.detail).where(AuditLog.action == "year_parameter_refused")
                     .order_by(AuditLog.id.desc()).limit(1))
    name, typed = next(iter(change.items()))
    assert detail["typed"] == {name: typed}
    assert reason in detail["errors"][name][0]


def test_a_due_day_that_is_no_number_is_refused(admin, db_read, year_pk):
    before = _terms(db_read, year_pk)
    response = admin.post(f"/yearparameterview/edit/{year_pk}",
                          data={**_edit_form(admin, year_pk), "due_day": "abc"})
    assert response.status_code == 200
    assert field_errors(response.get_data(as_text=True))
    assert _terms(db_read, year_pk) == before


def test_the_refusal_in_english(admin, year_pk):
    admin.get("/lang/en")
    try:
        response = admin.post(f"/yearparameterview/edit/{year_pk}",
                              data={**_edit_form(admin, year_pk), "late_fee_rate": "0.05"})
        form = admin.get(f"/yearparameterview/edit/{year_pk}").get_data(as_text=True)
    finally:
        admin.get("/lang/zh")
    assert field_errors(response.get_data(as_text=True)) == [
        "The daily late-fee rate must be a decimal from 0 to 0.01 (0.0005 means 0.05 % a day): "
        "0.05"]
    for label in ("Account interest rate", "Daily late-fee rate", "Payment due day (next month)"):
        assert label in form


def test_saved_terms_are_audited_and_the_ledger_is_kept(admin, db_read, year_pk):
    ledger = _ledger(db_read)
    before = _terms(db_read, year_pk)
    response = admin.post(f"/yearparameterview/edit/{year_pk}", data={
        **_edit_form(admin, year_pk), "interest_rate": "0.03", "late_fee_rate": "0.0006",
        "due_day": "20"})
    assert response.status_code == 302
    try:
        assert _terms(db_read, year_pk) == (Decimal("0.03"), Decimal("0.0006"), 20)
        detail = db_read(select(AuditLog.detail).where(AuditLog.action == "year_parameter_update")
                         .order_by(AuditLog.id.desc()).limit(1))
        assert detail["changes"]["due_day"] == [15, 20]
        assert Decimal(detail["changes"]["late_fee_rate"][1]) == Decimal("0.0006")
        assert Decimal(detail["changes"]["interest_rate"][1]) == Decimal("0.03")
        assert _ledger(db_read) == ledger
    finally:
        admin.post(f"/yearparameterview/edit/{year_pk}", data={
            **_edit_form(admin, year_pk), "interest_rate": str(before[0]),
            "late_fee_rate": str(before[1]), "due_day": str(before[2])})
    assert _terms(db_read, year_pk) == before
