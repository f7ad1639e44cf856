"""Checks of the retirement family: C10 中断转退休 (退休申报 and the rest follow)."""
from datetime import date

from rules import retirement
from rules.checks.common import month_of
from rules.errors import RuleError
from rules.months import month_label, to_month
from rules.person_facts import PersonFacts


def retire_month_not_future(data: dict, today: date) -> dict:
    month = data.get("retire_month")
    if month is not None and month > to_month(today):
        return {"retire_month": "退休年月不能晚于本月"}
    return {}


def may_retire(row: dict, facts: PersonFacts, today: date) -> dict:
    """C10 (RULES.md §5): once, not while insured at another unit, from the statutory month on,
    after the last 减员 here, with the minimum contribution years of the year reached."""
    if facts.retired:
        return {"id_number": "该人员已办理退休，不能重复办理"}
    if facts.elsewhere:
        return {"id_number": "该人员正在其他单位参保，须该单位先办理减员"}
    month = month_of(row.get("retire_month"))
    if not month or not facts.birth_date or not facts.retirement_category:
        return {}
    try:
        statutory = to_month(retirement.retirement_month(facts.birth_date,
                                                         facts.retirement_category))
    except RuleError as refused:
        return {"id_number": str(refused)}
    if month < statutory:
        return {"retire_month": f"该人员{month_label(statutory)}达到法定退休年龄，退休年月不能早于该月"}
    last = facts.last_reduction()
    if last and last.end_month and month < last.end_month:
        return {"retire_month": f"退休年月不能早于减员年月{month_label(last.end_month)}"}
    years = retirement.minimum_contribution_years(statutory // 100)
    if facts.paid_months < years * 12:
        have = f"{facts.paid_months // 12}年{facts.paid_months % 12}个月"
        return {"id_number": f"累计缴费{have}，不足最低缴费年限{years.normalize()}年"}
    return {}


may_retire.needs = ("paid_months",)  # person_facts loads the contribution months only for this
