"""Default national contribution rates (RULES.md §2) as plain data, for the demo loader and assessment.

Rates are fractions of the base (Decimal("0.16") is 16 %). Cities change them through the admin's
rate table; these are only the seeds.
"""
from decimal import Decimal
from typing import NamedTuple

from rules.errors import InvalidMonth, InvalidRate, refusal
from rules.months import validate_month

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


# The person pays no share of these (RULES.md §2).
UNIT_ONLY = frozenset({INJURY, MATERNITY})

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


class RatePeriod(NamedTuple):
    """One row of the admin's rate table: its months (end None: still in force)."""

    start: int
    end: int | None


def check_rate(code: str, risk_class: int | None, unit: Decimal, personal: Decimal,
               period: RatePeriod, others: list[RatePeriod]) -> None:
    """A rate the admin enters: fractions of the base, 工伤 by risk class (1–8) and nothing else
    by class, no personal share where the person pays none (工伤, 生育: RULES.md §2), a period
    that runs forwards and overlaps no other of the same 险种 and class (an assessment month must
    find exactly one rate). A refusal names the form field it concerns (``error.field``)."""
    if code == INJURY:
        if risk_class not in INJURY_CLASS_RATES:
            raise _refused("risk_class", "工伤保险费率须指定工伤风险类别（1至8）")
    elif risk_class is not None:
        raise _refused("risk_class", "只有工伤保险费率按工伤风险类别设置")
    for name, label, rate in (("unit_rate", "单位费率", unit),
                              ("personal_rate", "个人费率", personal)):
        if rate is None or not Decimal(0) <= Decimal(rate) < 1:
            raise _refused(name, "%(label)s应为0至1之间的小数（0.16表示16%%）：%(value)s",
                           label=label, value=rate)
    if code in UNIT_ONLY and Decimal(personal) != 0:
        raise _refused("personal_rate", "%(insurance)s个人不缴费，个人费率应为0：%(value)s",
                       insurance=INSURANCE_TYPES[code], value=personal)
    for name, month in (("start_month", period.start), ("end_month", period.end)):
        try:
            if month is not None or name == "start_month":
                validate_month(month)
        except InvalidMonth:
            raise _refused(name, "年月无效，应为YYYYMM：%(value)s", value=month) from None
    if period.end is not None and period.end < period.start:
        raise _refused("end_month", "执行终止年月%(end)s早于起始年月%(start)s",
                       end=RefusalMonth(period.end), start=RefusalMonth(period.start))
    for other in sorted(others, key=lambda o: o.start):  # the earliest it overlaps is named
        if _overlap(period, other):
            if other.end is None:
                raise _refused("start_month", "执行期与已有费率（%(start)s起，未设终止年月）重叠："
                               "请先为已有费率设置执行终止年月", start=RefusalMonth(other.start))
            raise _refused("start_month", "执行期与已有费率（%(start)s至%(end)s）重叠："
                           "请先为已有费率设置执行终止年月",
                           start=RefusalMonth(other.start), end=RefusalMonth(other.end))


class RefusalMonth(int):
    """A month named in a refusal: 2018年1月 in its Chinese text."""

    def __str__(self):
        return f"{self // 100}年{self % 100}月"


def _refused(field: str, template: str, **params) -> InvalidRate:
    """A refusal in Chinese, keeping its template and values for a page in another language
    (``error.template``, ``error.params``) and the form field it concerns (``error.field``)."""
    return refusal(InvalidRate, field, template, **params)


def _overlap(a: RatePeriod, b: RatePeriod) -> bool:
    return (b.end is None or a.start <= b.end) and (a.end is None or b.start <= a.end)
