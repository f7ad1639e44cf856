"""Cross-field checks of the registry's businesses: pure, each returning {field: reason}."""
from datetime import date

from rules import id_number, retirement
from rules.months import add_months, to_month

EARLIEST_MONTH = 199501  # 补缴 never before 1995-01 (RULES.md §4)


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


def below_retirement_age(data: dict, today: date) -> dict:
    """No 增员 of a person who has reached statutory retirement age by the 增员年月."""
    number, category, month = (data.get(k) for k in ("id_number", "retirement_category",
                                                     "start_month"))
    if not (number and category and month):
        return {}
    retire = retirement.retirement_month_number(id_number.parse(number, today).birth, category)
    if retire <= month:
        return {"id_number": f"该人员已于{retire // 100}-{retire % 100:02d}达到法定退休年龄，不能增员"}
    return {}


def something_changes(data: dict, today: date) -> dict:
    if not any(data.get(k) for k in ("new_name", "phone", "address", "nation")):
        return {"new_name": "请至少填写一项变更内容"}
    return {}


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
