"""Statutory retirement age after the 2025 reform, minimum contribution years and 计发月数 (RULES.md §4, §5)."""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from rules.errors import InvalidParameter, InvalidRetirementCategory
from rules.months import add_months, month_start, months_between, to_month


@dataclass(frozen=True)
class AgeRule:
    original_age: int
    anchor_month: int  # first birth month whose retirement is delayed
    every: int  # each this many birth months after the anchor add one month of delay
    max_delay: int


# The category is chosen per person: the ID number shows gender but not 干部 vs 工人.
CATEGORIES = {
    "male": AgeRule(60, 196501, 4, 36),
    "female_55": AgeRule(55, 197001, 4, 36),
    "female_50": AgeRule(50, 197501, 2, 60),
}
CATEGORY_NAMES = {"male": "男", "female_55": "女(原55岁)", "female_50": "女(原50岁)"}

# 国发〔2005〕38号 annex, 50–70 years; whole years only, months in between are interpolated.
PAYMENT_MONTHS = {
    50: 195, 51: 190, 52: 185, 53: 180, 54: 175, 55: 170, 56: 164, 57: 158, 58: 152, 59: 145,
    60: 139, 61: 132, 62: 125, 63: 117, 64: 109, 65: 101, 66: 93, 67: 84, 68: 75, 69: 65, 70: 56,
}


def retirement_age_months(birth: date, category: str) -> int:
    """Age at retirement in months: original age × 12 plus the reform's delay."""
    rule = _rule(category)
    elapsed = months_between(rule.anchor_month, to_month(birth))
    delay = 0 if elapsed < 0 else min(elapsed // rule.every + 1, rule.max_delay)
    return rule.original_age * 12 + delay


def retirement_month(birth: date, category: str) -> date:
    """First day of the month in which the person reaches statutory retirement age."""
    return month_start(retirement_month_number(birth, category))


def retirement_month_number(birth: date, category: str) -> int:
    """The same month as YYYYMM, for comparing with fee months without building a date."""
    if not isinstance(category, str):
        _rule(category)  # refuses it, where the cache would raise TypeError for a list
    return _retirement_month_number(to_month(birth), category)


@lru_cache(maxsize=8192)
def _retirement_month_number(birth_month: int, category: str) -> int:
    # Only the birth month counts, so a whole city fits the cache (~1,500 months × 3 categories):
    # an import of 100,000 rows computes each month once.
    return add_months(birth_month, retirement_age_months(month_start(birth_month), category))


def reaching_within(birth: date, category: str, today: date, horizon_months: int) -> bool:
    """True when retirement falls in this month or the next horizon_months months (E11 到龄人员).

    People already past their retirement month are not "reaching" it and are left out.
    """
    ahead = months_between(to_month(today), to_month(retirement_month(birth, category)))
    return 0 <= ahead <= horizon_months


def minimum_contribution_years(year_reached: int) -> Decimal:
    """15 years until 2029, then half a year more per year of reaching the age, at most 20."""
    extra = Decimal("0.5") * max(year_reached - 2029, 0)
    return min(Decimal(15) + extra, Decimal(20))


def payment_months_for_age(age_years: Decimal | int) -> Decimal:
    """计发月数 for a retirement age in years (60.25 = 60 years 3 months), one decimal, half-up."""
    if isinstance(age_years, float) or not isinstance(age_years, (Decimal, int)):
        raise TypeError("退休年龄应为 Decimal 或 int")
    age = Decimal(age_years)
    if not min(PAYMENT_MONTHS) <= age <= max(PAYMENT_MONTHS):
        raise InvalidParameter(f"计发月数表只覆盖50至70岁：{age}")
    whole = int(age)
    lower = Decimal(PAYMENT_MONTHS[whole])
    upper = Decimal(PAYMENT_MONTHS.get(whole + 1, PAYMENT_MONTHS[whole]))
    months = lower + (upper - lower) * (age - whole)
    return months.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def payment_months_for_age_months(age_months: int) -> Decimal:
    """Same as payment_months_for_age for an age in whole months, as retirement_age_months gives."""
    return payment_months_for_age(Decimal(age_months) / 12)


def _rule(category: str) -> AgeRule:
    try:
        return CATEGORIES[category]
    except (KeyError, TypeError):
        raise InvalidRetirementCategory(f"退休年龄类别无效：{category!r}") from None
