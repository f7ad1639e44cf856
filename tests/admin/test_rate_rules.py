"""rules.rates.check_rate: no personal share where the person pays none (RULES.md §2), and each
refusal names the form field it concerns."""
from decimal import Decimal

import pytest

from rules.errors import InvalidRate
from rules.rates import RatePeriod, check_rate

PERIOD = RatePeriod(202601, None)


@pytest.mark.parametrize("code, risk_class", [("410", 3), ("510", None)])
def test_no_personal_rate_for_injury_and_maternity(code, risk_class):
    with pytest.raises(InvalidRate, match="个人不缴费，个人费率应为0") as refused:
        check_rate(code, risk_class, Decimal("0.007"), Decimal("0.01"), PERIOD, [])
    assert refused.value.field == "personal_rate"
    check_rate(code, risk_class, Decimal("0.007"), Decimal("0"), PERIOD, [])


@pytest.mark.parametrize("change, field", [
    ({"risk_class": 9}, "risk_class"),
    ({"unit": Decimal("5")}, "unit_rate"),
    ({"personal": Decimal("-0.01")}, "personal_rate"),
    ({"period": RatePeriod(202613, None)}, "start_month"),
    ({"period": RatePeriod(202601, 202513)}, "end_month"),
    ({"period": RatePeriod(202601, 202512)}, "end_month"),
    ({"others": [RatePeriod(202501, None)]}, "start_month"),
])
def test_a_refusal_names_its_field(change, field):
    args = {"code": "410", "risk_class": 3, "unit": Decimal("0.007"), "personal": Decimal(0),
            "period": PERIOD, "others": []}
    args.update(change)
    with pytest.raises(InvalidRate) as refused:
        check_rate(args["code"], args["risk_class"], args["unit"], args["personal"],
                   args["period"], args["others"])
    assert refused.value.field == field
