"""Checks of the enrollment family: C1 在职增员, C2/C2R 减员, C8 险种增减, C9 减员原因变更."""
from datetime import date

from rules import id_number, retirement
from rules.checks.common import codes_of, insurance_names, month_of
from rules.months import add_months, month_label, to_month
from rules.person_facts import PersonFacts

EARLIEST_MONTH = 199501  # 补缴 and 增员 never before 1995-01 (RULES.md §4)


# ---- over the row alone ----------------------------------------------------------------------

def person_matches_id(data: dict, today: date) -> dict:
    number = data.get("id_number")
    if not number:
        return {}
    errors, person = {}, id_number.parse(number, today)
    if data.get("birth_date") and data["birth_date"] != person.birth:
        errors["birth_date"] = "出生日期与身份证号码不符"
    if data.get("gender") and data["gender"] != person.gender:
        errors["gender"] = "性别与身份证号码不符"
    category = data.get("retirement_category")
    if category and (category == "male") != (person.gender == "male"):
        errors["retirement_category"] = "退休年龄类别与性别不符"
    return errors


def enrollment_month(data: dict, today: date) -> dict:
    """增员年月: at most next month; earlier than this month only with 追溯补缴."""
    month, this_month = data.get("start_month"), to_month(today)
    if month is None:
        return {}
    if month > add_months(this_month, 1):
        return {"start_month": "增员年月不能晚于下月"}
    if month < EARLIEST_MONTH:
        return {"start_month": "增员年月不能早于1995年1月"}
    if month < this_month and not data.get("back_pay"):
        return {"start_month": "增员年月早于本月，需选择追溯补缴"}
    return {}


def reduction_month(data: dict, today: date) -> dict:
    month = data.get("end_month")
    if month is not None and month > add_months(to_month(today), 1):
        return {"end_month": "减员年月不能晚于下月"}
    return {}


def change_month(data: dict, today: date) -> dict:
    """C8 变更年月: at most next month, as a 增员 or 减员 would be."""
    month = data.get("month")
    if month is not None and month > add_months(to_month(today), 1):
        return {"month": "变更年月不能晚于下月"}
    if month is not None and month < EARLIEST_MONTH:
        return {"month": "变更年月不能早于1995年1月"}
    return {}


def below_retirement_age(data: dict, today: date) -> dict:
    """No 增员 of a person who has reached statutory retirement age by the 增员年月."""
    number, category, month = (data.get(k) for k in ("id_number", "retirement_category",
                                                     "start_month"))
    if not (number and category and month):
        return {}
    retire = retirement.retirement_month_number(id_number.parse(number, today).birth, category)
    if retire <= month:
        return {"id_number": f"该人员已于{month_label(retire)}达到法定退休年龄，不能增员"}
    return {}


# ---- over the row and the registry's facts ---------------------------------------------------

def not_insured_anywhere(row: dict, facts: PersonFacts, today: date) -> dict:
    """C1: nobody is enrolled twice; a person insured at another unit is reduced there first
    (that unit is never named: it would tell where a stranger works)."""
    if facts.open_here(None):
        return {"id_number": "该人员已在本单位参保，不能重复增员"}
    if facts.elsewhere:
        return {"id_number": "该人员正在其他单位参保，须原单位先办理减员后才能续保"}
    if facts.retired:
        return {"id_number": "该人员已办理退休，不能增员"}
    return {}


def starts_after_last_reduction(row: dict, facts: PersonFacts, today: date) -> dict:
    """C1 续保 at this unit: the new enrollment starts after the one that ended here."""
    start, last = month_of(row.get("start_month")), facts.last_reduction()
    if start and last and last.end_month and start < last.end_month:
        return {"start_month": f"增员年月不能早于该人员在本单位的减员年月{month_label(last.end_month)}"}
    return {}


def reduction_after_start(row: dict, facts: PersonFacts, today: date) -> dict:
    """C2/C2R: an enrollment never ends before it starts."""
    end, spans = month_of(row.get("end_month")), facts.open_here(None)
    if not end or not spans:
        return {}
    start = max(s.start_month for s in spans)
    if end < start:
        return {"end_month": f"减员年月不能早于该人员在本单位的参保年月{month_label(start)}"}
    return {}


def insurances_change(row: dict, facts: PersonFacts, today: date) -> dict:
    """C8: adding a 险种 the person already has, or removing one they lack, changes nothing;
    removing every 险种 is a 减员, not a 险种减少."""
    wanted, have = set(codes_of(row.get("insurances"))), facts.codes_here("active")
    month = month_of(row.get("month"))
    if row.get("direction") == "add":
        already = wanted & have
        if already:
            return {"insurances": f"该人员已参加{insurance_names(already)}，无需增加"}
        return {}
    missing = wanted - have
    if missing:
        return {"insurances": f"该人员未在本单位参加{insurance_names(missing)}，不能减少"}
    if have and wanted >= have:
        return {"insurances": "不能减少该人员的全部险种，停止参保请办理在职减员"}
    starts = [s.start_month for s in facts.open_here("active") if s.insurance in wanted]
    if month and starts and month < max(starts):
        return {"month": f"变更年月不能早于该险种的参保年月{month_label(max(starts))}"}
    return {}


def reduce_reason_changes(row: dict, facts: PersonFacts, today: date) -> dict:
    """C9: the new 减员原因 differs from the one recorded at the last 减员."""
    last = facts.last_reduction()
    if last and row.get("reduce_reason") and row["reduce_reason"] == last.reduce_reason:
        return {"reduce_reason": "变更后减员原因与当前减员原因相同"}
    return {}
