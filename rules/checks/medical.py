"""Checks of the medical family: C14 医疗账户补助金, C18 居民医疗停保 (异地备案 and 门规
follow)."""
from datetime import date
from decimal import Decimal

from rules.checks.common import month_of
from rules.checks.enrollment import EARLIEST_MONTH
from rules.months import add_months, month_label, to_month
from rules.person_facts import PersonFacts
from rules.rates import MEDICAL

# 医疗账户补助金 per person and month. The manual's example is 3,500; a subsidy is a one-off
# top-up of the personal medical account, so above 10,000 it is a slip of the keyboard (35000
# for 3500) far more often than a real amount, and the clerk is asked to look again.
SUBSIDY_MAX = Decimal("10000.00")


def stop_month(data: dict, today: date) -> dict:
    """居民医疗停保年月: from 1995-01 up to next month."""
    month = data.get("stop_month")
    if month is None:
        return {}
    if month > add_months(to_month(today), 1):
        return {"stop_month": "停保年月不能晚于下月"}
    if month < EARLIEST_MONTH:
        return {"stop_month": "停保年月不能早于1995年1月"}
    return {}


def resident_here_or_unemployed(row: dict, facts: PersonFacts, today: date) -> dict:
    """C18: the person is in the registry and is not another unit's insured employee (their
    medical insurance is that unit's; the refusal never says which unit)."""
    if not facts.known:
        return {"id_number": "未找到该人员，请核对社会保障号码"}
    if facts.elsewhere:
        return {"id_number": "该人员不是城乡居民医疗保险参保人员，不能办理居民医疗停保"}
    return {}


def subsidy_month(data: dict, today: date) -> dict:
    """C14 申报年月: a month that has begun (the subsidy is of a month the person is insured
    in, never of one to come), not before 1995-01."""
    month = data.get("month")
    if month is None:
        return {}
    if month > to_month(today):
        return {"month": "申报年月不能晚于本月"}
    if month < EARLIEST_MONTH:
        return {"month": "申报年月不能早于1995年1月"}
    return {}


def subsidy_amount(data: dict, today: date) -> dict:
    """C14 本月申报金额: more than 0 (a row with 0 declares nothing) and at most SUBSIDY_MAX."""
    amount = data.get("amount")
    if amount is None:
        return {}
    if amount <= 0:
        return {"amount": "本月申报金额应大于0"}
    if amount > SUBSIDY_MAX:
        return {"amount": f"本月申报金额不能超过{SUBSIDY_MAX:,.2f}元，请核对"}
    return {}


def medical_insured_here(row: dict, facts: PersonFacts, today: date) -> dict:
    """C14: the person is this unit's employee in 职工基本医疗保险 (310), insured here in the
    declared month (the subsidy goes to the medical account that month's contributions feed)."""
    spans = [s for s in facts.open_here("active") if s.insurance == MEDICAL]
    if not spans:
        return {"id_number": "该人员未在本单位参加职工基本医疗保险，不能申报医疗账户补助金"}
    month, start = month_of(row.get("month")), min(s.start_month for s in spans)
    if month and month < start:
        return {"month": f"申报年月不能早于该人员在本单位参加医疗保险的年月{month_label(start)}"}
    return {}
