from decimal import Decimal as D

from rules.cost_preview import preview

RATES = {"110": ("养老", D("0.16"), D("0.08")), "310": ("医疗", D("0.075"), D("0.02")),
         "410": ("工伤", D("0.004"), D("0"))}


def test_amounts_per_insurance_and_totals():
    p = preview(D("6000"), D("3269"), D("16346"), RATES)
    assert [(line.code, line.unit_amount, line.personal_amount) for line in p.lines] == [
        ("110", D("960.00"), D("480.00")), ("310", D("450.00"), D("120.00")),
        ("410", D("24.00"), D("0.00"))]
    assert p.unit_total == D("1434.00") and p.personal_total == D("600.00")
    assert p.clamped is None


def test_wage_below_floor_uses_the_floor():
    p = preview(D("2000"), D("3269"), D("16346"), RATES)
    assert p.base == D("3269.00") and p.clamped == "floor" and p.declared_wage == D("2000.00")
    assert p.lines[0].unit_amount == D("523.04")


def test_wage_above_cap_uses_the_cap():
    assert preview(D("99999"), D("3269"), D("16346"), RATES).base == D("16346.00")
