"""C3 缴费基数申报 and C4 撤销工资申报 rules (RULES.md §3), and the registry rows of C3/C4/C18."""
from datetime import date
from decimal import Decimal

import pytest

from rules import business, wage_base
from rules.errors import RuleError
from rules.fields import Field, clean

TODAY = date(2026, 11, 22)
FLOOR, CAP = Decimal("3269"), Decimal("16346")  # Shandong 2018 (RULES.md §3)
ID = "34052419800101001X"


@pytest.mark.parametrize("raw,year", [("2026", 2026), (2026, 2026), ("２０２６年", 2026),
                                      (" 2025 ", 2025), ("2026.0", 2026), (date(2024, 5, 1), 2024)])
def test_year_field_accepts_what_forms_and_excel_send(raw, year):
    assert clean(Field("year", "申报年度", "year"), raw) == year


@pytest.mark.parametrize("raw", ["26", "20266", "二〇二六", "2026-01", "abcd"])
def test_year_field_refuses_anything_else(raw):
    with pytest.raises(RuleError, match="申报年度应为四位年份"):
        clean(Field("year", "申报年度", "year"), raw)


def test_a_good_wage_row_is_cleaned():
    cleaned, errors = business.validate(business.get("C3"), {
        "id_number": ID, "name": "李四", "year": "2026", "declared_wage": "5,000.50"}, {}, TODAY)
    assert errors == {}
    assert cleaned["year"] == 2026 and cleaned["declared_wage"] == Decimal("5000.50")


@pytest.mark.parametrize("change,field,reason", [
    ({"declared_wage": "0"}, "declared_wage", "缴费工资应大于0"),
    ({"declared_wage": "-1"}, "declared_wage", "不小于0"),
    ({"year": "1994"}, "year", "不能早于1995年"),
    ({"year": "2028"}, "year", "不能晚于2027年"),
    ({"year": ""}, "year", "不能为空"),
])
def test_bad_wage_rows_name_field_and_reason(change, field, reason):
    row = {"id_number": ID, "name": "李四", "year": "2026", "declared_wage": "5000", **change}
    _, errors = business.validate(business.get("C3"), row, {}, TODAY)
    assert reason in errors[field]


def test_window_defaults_to_the_whole_base_year():
    assert wage_base.window(2026, None, None) == (date(2026, 1, 1), date(2026, 12, 31))
    assert wage_base.window_refusal(2026, TODAY, None, None) is None
    assert wage_base.window_refusal(2026, date(2026, 1, 1), None, None) is None
    assert wage_base.window_refusal(2026, date(2026, 12, 31), None, None) is None


def test_outside_the_admins_window_names_the_window():
    start, end = date(2026, 3, 1), date(2026, 6, 30)
    assert wage_base.window_refusal(2026, date(2026, 6, 30), start, end) is None
    assert wage_base.window_refusal(2026, TODAY, start, end) == \
        "不在2026年度缴费基数申报期内（2026-03-01至2026-06-30）"
    assert "2025-01-01至2025-12-31" in wage_base.window_refusal(2025, TODAY, None, None)


def test_once_per_year_message_says_what_to_do():
    message = wage_base.once_per_year_refusal(2026, "SB2026110100001")
    assert message == "该人员2026年度已申报缴费基数（流水号SB2026110100001），如需重新申报请先撤销"
    message = wage_base.once_per_year_refusal(2026, "SB2026110100001", unfinished=True)
    assert message == "该人员2026年度已有未办结的缴费基数申报（流水号SB2026110100001），请先办结或作废"


def test_a_declaration_has_one_base_year():
    assert wage_base.one_year([2026, 2026, None]) == 2026
    with pytest.raises(RuleError, match="各行的申报年度应相同"):
        wage_base.one_year([2026, 2025])
    with pytest.raises(RuleError, match="不能为空"):
        wage_base.one_year([None])


@pytest.mark.parametrize("declared,base,clamped,why", [
    ("3000", "3269.00", "floor", "低于保底线按保底线"),
    ("3269", "3269.00", None, ""),
    ("8000.55", "8000.55", None, ""),
    ("16346", "16346.00", None, ""),
    ("20000", "16346.00", "cap", "高于封顶线按封顶线"),
])
def test_new_base_is_clamped_and_shows_both_amounts(declared, base, clamped, why):
    change = wage_base.change_base(declared, FLOOR, CAP)
    assert change.base == Decimal(base) and change.clamped == clamped
    assert change.declared_wage == Decimal(declared)
    assert change.previous_base is None and change.previous_declaration_id is None
    message = wage_base.result_message(change)
    assert f"缴费工资{Decimal(declared).quantize(Decimal('0.01'))}元" in message
    assert f"缴费基数{base}元" in message and why in message


def test_replacing_a_base_keeps_what_c4_restores():
    change = wage_base.change_base("9000", FLOOR, CAP, (Decimal("6000"), Decimal("5800.5"), 17))
    assert change.base == Decimal("9000.00")
    assert change.previous_base == Decimal("6000.00")
    assert change.previous_declared_wage == Decimal("5800.50")
    assert change.previous_declaration_id == 17


def test_revocation_restores_or_deletes():
    assert wage_base.restored(None) is None
    assert wage_base.restored(Decimal("6000"), Decimal("5800.5")) == (Decimal("6000.00"),
                                                                      Decimal("5800.50"))
    # Rows written before the previous wage was kept: the previous base stands for both.
    assert wage_base.restored(Decimal("6000")) == (Decimal("6000.00"), Decimal("6000.00"))
    assert "SB2026112200009" in wage_base.revoked_message("SB2026112200009")


def test_base_in_force_is_the_years_or_the_latest_earlier_one():
    bases = {2024: Decimal("5000"), 2025: Decimal("5200")}
    assert wage_base.base_in_force(bases, 2025) == Decimal("5200")
    assert wage_base.base_in_force(bases, 2026) == Decimal("5200")
    assert wage_base.base_in_force(bases, 2023) is None


def test_registry_entries_of_the_batch_issue():
    c3, c4, c5, c18 = (business.get(code) for code in ("C3", "C4", "C5", "C18"))
    assert [f.name for f in c3.fields] == ["id_number", "name", "year", "declared_wage"]
    assert c3.batch and c3.effect == "set_bases" and c3.declaration_guards == ("wage_base_year",)
    assert c4.subject == "unit" and c4.effect == "revoke_bases"
    assert [f.name for f in c4.fields] == ["serial_no"]
    assert c5.batch and c5.effect == "back_pay" and "510" not in c5.insurance_scope
    assert c18.batch and c18.effect == "stop_resident_medical"
    assert c18.field("reason").source == "resident_stop_reason"
    assert set(business.RESIDENT_STOP_REASONS.values()) == {"参加职工医保", "死亡", "其他"}


def test_resident_stop_row():
    choices = {"resident_stop_reason": business.RESIDENT_STOP_REASONS}
    row = {"id_number": ID, "name": "李四", "stop_month": "2026-12", "reason": "死亡"}
    cleaned, errors = business.validate(business.get("C18"), row, choices, TODAY)
    assert errors == {} and cleaned["reason"] == "death" and cleaned["stop_month"] == 202612
    _, errors = business.validate(business.get("C18"), {**row, "stop_month": "2027-01"},
                                  choices, TODAY)
    assert errors["stop_month"] == "停保年月不能晚于下月"
    _, errors = business.validate(business.get("C18"), {**row, "reason": "搬家"}, choices, TODAY)
    assert "不在可选范围内" in errors["reason"]
