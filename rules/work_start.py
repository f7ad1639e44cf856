"""参加工作日期 of a 增员 (C1): when the person first went to work, kept as a month.

The 济南 forms print it as a date, always the first of a month (1975-09-01), so the month is the
whole fact (Person.first_work_month). Pure: no Flask, no database.
"""
from datetime import date

from rules import id_number
from rules.errors import RuleError
from rules.months import to_month

WORKING_AGE = 16  # 劳动法: no employment below 16


def first_work_month(data: dict, today: date) -> dict:
    """Not after this month nor after the 增员年月, and not before the person was 16 (by the
    ID number's birth date, or the birth date typed)."""
    month = data.get("first_work_month")
    if month is None:
        return {}
    if month > to_month(today):
        return {"first_work_month": "参加工作日期不能晚于本月"}
    start = data.get("start_month")
    if start is not None and month > start:
        return {"first_work_month": "参加工作日期不能晚于增员年月"}
    birth = data.get("birth_date") or _birth(data.get("id_number"), today)
    if birth is not None and month < (birth.year + WORKING_AGE) * 100 + birth.month:
        return {"first_work_month": f"参加工作日期早于该人员年满{WORKING_AGE}周岁"}
    return {}


def _birth(number, today) -> date | None:
    if not number:
        return None
    try:
        return id_number.parse(number, today).birth
    except RuleError:
        return None
