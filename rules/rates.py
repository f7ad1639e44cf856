"""Default national contribution rates (RULES.md §2) as plain data, for the demo loader and assessment.

Rates are fractions of the base (Decimal("0.16") is 16 %). Cities change them through the admin's
rate table; these are only the seeds.
"""
from decimal import Decimal
from typing import NamedTuple

from rules.errors import InvalidRate

PENSION = "110"
UNEMPLOYMENT = "210"
MEDICAL = "310"
INJURY = "410"
MATERNITY = "510"

INSURANCE_TYPES = {
    PENSION: "企业职工基本养老保险",
    UNEMPLOYMENT: "失业保险",
    MEDICAL: "职工基本医疗保险",
    INJURY: "工伤保险",
    MATERNITY: "生育保险",
}


class Rate(NamedTuple):
    unit: Decimal
    personal: Decimal


# 工伤 is absent: its unit rate depends on the unit's risk class, see injury_rate().
DEFAULT_RATES = {
    PENSION: Rate(Decimal("0.16"), Decimal("0.08")),  # unit 16 % since 2019-05 (国办发〔2019〕13号)
    UNEMPLOYMENT: Rate(Decimal("0.007"), Decimal("0.003")),
    MEDICAL: Rate(Decimal("0.075"), Decimal("0.02")),  # includes maternity since 2019
    MATERNITY: Rate(Decimal("0"), Decimal("0")),  # collected with 310, kept for registration
}

# Industry risk class 1–8 → unit rate (人社部发〔2015〕71号).
INJURY_CLASS_RATES = {
    1: Decimal("0.002"), 2: Decimal("0.004"), 3: Decimal("0.007"), 4: Decimal("0.009"),
    5: Decimal("0.011"), 6: Decimal("0.013"), 7: Decimal("0.016"), 8: Decimal("0.019"),
}
INJURY_FLOATS = (50, 80, 100, 120, 150)
# Class 1 is already the lowest rate, so it may only float up.
INJURY_FLOATS_CLASS_1 = (100, 120, 150)


def injury_rate(risk_class: int, float_pct: int = 100) -> Decimal:
    """The unit's 工伤 rate: its class rate floated to float_pct percent."""
    # type() rather than isinstance(): True and 1.0 compare equal to 1 and would slip through.
    if type(risk_class) is not int or risk_class not in INJURY_CLASS_RATES:
        raise InvalidRate(f"工伤风险类别应为1至8：{risk_class!r}")
    allowed = INJURY_FLOATS_CLASS_1 if risk_class == 1 else INJURY_FLOATS
    if type(float_pct) is not int or float_pct not in allowed:
        raise InvalidRate(f"{risk_class}类行业工伤费率浮动只能为{'/'.join(map(str, allowed))}%：{float_pct!r}")
    return INJURY_CLASS_RATES[risk_class] * float_pct / 100


def rates_for(code: str, risk_class: int | None = None, float_pct: int = 100) -> Rate:
    """Default (unit, personal) rates for one 险种; 410 needs the unit's risk class."""
    if code == INJURY:
        if risk_class is None:
            raise InvalidRate("工伤保险费率需要行业风险类别")
        return Rate(injury_rate(risk_class, float_pct), Decimal("0"))
    try:
        return DEFAULT_RATES[code]
    except KeyError:
        raise InvalidRate(f"未知险种：{code!r}") from None
