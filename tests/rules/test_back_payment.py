"""C5 社会保险费补缴 (RULES.md §4): months, refusals, and the ledger lines with per-month late fees."""
from datetime import date
from decimal import Decimal

import pytest

from rules import back_payment as bp
from rules import business
from rules.contribution_amount import monthly_amounts
from rules.late_fee import late_fee

TODAY = date(2026, 11, 22)
ID = "34052419800101001X"
RATES = {"110": (Decimal("0.16"), Decimal("0.08")), "310": (Decimal("0.075"), Decimal("0.02"))}
LIMITS = {2024: (Decimal("4000"), Decimal("20000")), 2025: (Decimal("4200"), Decimal("21000"))}


def rate_at(code, month):
    return RATES.get(code) if month >= 201905 else None


def facts(**change):
    values = dict(spans={"110": [(202001, None)], "310": [(202001, 202506)]}, paid=frozenset(),
                  retirement_month=204001, earliest_record=202001)
    values.update(change)
    return bp.PersonFacts(**values)


def row(**change):
    data = {"id_number": ID, "name": "李四", "start_month": "2025-01", "end_month": "2025-03",
            "base": "5000", "insurances": "110,310"}
    data.update(change)
    return data


def test_a_good_row_is_cleaned():
    cleaned, errors = business.validate(business.get("C5"), row(), {}, TODAY)
    assert errors == {}
    assert (cleaned["start_month"], cleaned["end_month"]) == (202501, 202503)


@pytest.mark.parametrize("change,field,reason", [
    ({"start_month": "1994-12"}, "start_month", "不能早于1995年1月"),
    ({"end_month": "2024-12"}, "end_month", "不能早于起始年月"),
    ({"end_month": "2026-11"}, "end_month", "只能补缴本月以前的月份"),
    ({"start_month": "2020-01", "end_month": "2025-01"}, "end_month", "最多补缴60个月"),
    ({"insurances": "110,510"}, "insurances", "生育保险随职工基本医疗保险"),
    ({"base": "0"}, "base", "补缴基数应大于0"),
])
def test_bad_rows_name_field_and_reason(change, field, reason):
    _, errors = business.validate(business.get("C5"), row(**change), {}, TODAY)
    assert reason in errors[field]


def test_sixty_months_is_the_most_one_row_takes():
    _, errors = business.validate(business.get("C5"),
                                  row(start_month="2020-01", end_month="2024-12"), {}, TODAY)
    assert errors == {}
    assert len(bp.months_of(202001, 202412)) == 60


def test_months_cross_the_year_end():
    assert bp.months_of(202411, 202502) == [202411, 202412, 202501, 202502]
    assert bp.months_of(202502, 202502) == [202502]


def test_months_inside_the_enrollment_may_be_back_paid():
    assert bp.refusal(bp.months_of(202501, 202503), ["110", "310"], facts(), TODAY,
                      LIMITS, rate_at) is None


def test_a_month_outside_the_units_enrollment_is_refused():
    found = bp.refusal(bp.months_of(202505, 202508), ["110", "310"], facts(), TODAY, LIMITS,
                       rate_at)
    assert found == ("start_month", "2025年7月不在该人员本单位职工基本医疗保险参保期间内，不能补缴")
    found = bp.refusal([201912], ["110"], facts(), TODAY, {2019: LIMITS[2024]}, rate_at)
    assert "2019年12月不在该人员本单位企业职工基本养老保险参保期间内" in found[1]


def test_a_paid_month_is_refused():
    found = bp.refusal(bp.months_of(202501, 202503), ["110"],
                       facts(paid=frozenset({("110", 202502)})), TODAY, LIMITS, rate_at)
    assert found == ("start_month", "2025年2月企业职工基本养老保险已缴费，不能重复补缴")
    # Paid for another 险种 only: this one may still be back paid.
    assert bp.refusal(bp.months_of(202501, 202503), ["110"],
                      facts(paid=frozenset({("310", 202502)})), TODAY, LIMITS, rate_at) is None


def test_a_billed_month_is_refused():
    found = bp.refusal([202501], ["110"], facts(billed=frozenset({("110", 202501)})), TODAY,
                       LIMITS, rate_at)
    assert "已生成缴费单据" in found[1]


def test_past_retirement_age_only_with_earlier_records():
    retired = dict(retirement_month=202001)
    found = bp.refusal([202501], ["110"], facts(earliest_record=None, **retired), TODAY, LIMITS,
                       rate_at)
    assert found == ("id_number", "该人员已达法定退休年龄且此前无缴费记录，不能补缴")
    found = bp.refusal([202501], ["110"], facts(earliest_record=202501, **retired), TODAY,
                       LIMITS, rate_at)
    assert found is not None  # a record of the very month asked for is not an earlier one
    assert bp.refusal([202501], ["110"], facts(earliest_record=202412, **retired), TODAY, LIMITS,
                      rate_at) is None


def test_missing_parameters_and_rates_are_refused():
    found = bp.refusal([202301], ["110"], facts(), TODAY, LIMITS, rate_at)
    assert found == ("start_month", "2023年度缴费基数上下限尚未设置，不能补缴")
    found = bp.refusal([201904], ["110"], facts(spans={"110": [(201801, None)]}), TODAY,
                       {2019: LIMITS[2024]}, rate_at)
    assert found == ("start_month", "2019年4月无企业职工基本养老保险费率，不能补缴")


def test_lines_use_the_years_limits_the_months_rates_and_a_late_fee_per_month():
    months = bp.months_of(202412, 202501)
    lines = bp.lines(months, ["110", "310"], "4100", LIMITS, rate_at, TODAY)
    assert [(x.month, x.code) for x in lines] == [(202412, "110"), (202412, "310"),
                                                  (202501, "110"), (202501, "310")]
    # 4100 is above the 2024 floor (4000) but below the 2025 floor (4200).
    assert [x.base for x in lines] == [Decimal("4100.00")] * 2 + [Decimal("4200.00")] * 2
    first = lines[0]
    assert (first.unit_amount, first.personal_amount) == (Decimal("656.00"), Decimal("328.00"))
    # 984.00 due 2025-01-15, paid 2026-11-22: 676 days × 0.05 % = 332.59 (half-up).
    assert first.late_fee == Decimal("332.59") == late_fee(Decimal("984.00"), 202412, TODAY)
    for line in lines:
        unit_rate, personal_rate = RATES[line.code]
        assert (line.unit_amount, line.personal_amount) == monthly_amounts(line.base, unit_rate,
                                                                          personal_rate)
        assert line.late_fee == late_fee(line.unit_amount + line.personal_amount, line.month,
                                         TODAY)
        assert line.total == line.unit_amount + line.personal_amount + line.late_fee
    assert lines[2].late_fee < lines[0].late_fee  # a later month is fewer days late


def test_lines_clamp_to_the_cap():
    [line] = bp.lines([202501], ["310"], "99999", LIMITS, rate_at, date(2025, 2, 15))
    assert line.base == Decimal("21000.00")
    assert (line.unit_amount, line.personal_amount) == (Decimal("1575.00"), Decimal("420.00"))
    assert line.late_fee == Decimal("0.00")  # paid on the due date: not late
