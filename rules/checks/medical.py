"""Checks of the medical family: C18 居民医疗停保 (异地备案 and 门规 follow)."""
from datetime import date

from rules.checks.enrollment import EARLIEST_MONTH
from rules.months import add_months, to_month
from rules.person_facts import PersonFacts


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
