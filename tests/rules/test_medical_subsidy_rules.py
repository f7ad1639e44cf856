"""C14 医疗账户补助金's rules without a database: the month and amount checks, the 310 check over
hand-built PersonFacts, and the registry entry's validation of a whole row (bounds exact to the
fen, Decimal only)."""
from datetime import date
from decimal import Decimal

import pytest

from rules import business as registry
from rules.checks import medical
from rules.person_facts import PersonFacts, Span

TODAY = date(2026, 12, 7)
NUMBER = "370103198503150014"


def person(*spans) -> PersonFacts:
    return PersonFacts(NUMBER, known=True, name="何悦桂", here=tuple(spans))


def span(code, start=202001, category="active", end=None, status="normal"):
    return Span(code, category, status, start, end)


@pytest.mark.parametrize("month, refused", [
    (202612, None), (199501, None), (202701, "申报年月不能晚于本月"),
    (199412, "申报年月不能早于1995年1月")])
def test_subsidy_month(month, refused):
    found = medical.subsidy_month({"month": month}, TODAY)
    assert found == ({} if refused is None else {"month": refused})


@pytest.mark.parametrize("amount, refused", [
    ("0.01", None), ("3500", None), ("10000.00", None),
    ("0", "本月申报金额应大于0"), ("0.00", "本月申报金额应大于0"),
    ("10000.01", "本月申报金额不能超过10,000.00元，请核对")])
def test_subsidy_amount(amount, refused):
    found = medical.subsidy_amount({"amount": Decimal(amount)}, TODAY)
    assert found == ({} if refused is None else {"amount": refused})
    assert medical.SUBSIDY_MAX == Decimal("10000.00")


def test_medical_insured_here():
    insured = person(span("110"), span("310", start=202003))
    assert medical.medical_insured_here({"month": 202612}, insured, TODAY) == {}
    assert medical.medical_insured_here({"month": 202002}, insured, TODAY) == {
        "month": "申报年月不能早于该人员在本单位参加医疗保险的年月2020-03"}
    for facts in (person(span("110"), span("210")),  # no 310 here
                  person(span("310", end=202401, status="ended")),  # 310 ended here
                  person(span("310", category="retired")),  # retired, not staff
                  PersonFacts(NUMBER)):  # unknown
        assert medical.medical_insured_here({"month": 202612}, facts, TODAY) == {
            "id_number": "该人员未在本单位参加职工基本医疗保险，不能申报医疗账户补助金"}


def test_the_registry_entry_validates_a_row():
    c14 = registry.get("C14")
    assert (c14.batch, c14.roster, c14.staff_insurance, c14.print_form) == (
        True, True, "310", "medical_subsidy_form")
    row = {"id_number": NUMBER, "name": "何悦桂", "month": "2026-11", "amount": "3,500.5"}
    cleaned, errors = registry.validate(c14, row, {}, TODAY)
    assert errors == {}
    assert cleaned["month"] == 202611 and cleaned["amount"] == Decimal("3500.5")
    assert isinstance(cleaned["amount"], Decimal)
    for amount, field_error in (("", "本月申报金额不能为空"), ("1e3", None),
                                ("12.345", "本月申报金额应为不小于0、最多两位小数的金额"),
                                ("abc", "本月申报金额应为金额")):
        _cleaned, errors = registry.validate(c14, dict(row, amount=amount), {}, TODAY)
        if field_error is None:
            assert errors == {}, amount
        else:
            assert errors == {"amount": field_error}, amount
    _cleaned, errors = registry.validate(c14, dict(row, month="2027-01"), {}, TODAY)
    assert errors == {"month": "申报年月不能晚于本月"}
