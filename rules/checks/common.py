"""Registry checks every person business shares, and the readers of a row's values."""
from datetime import date

from rules.person_facts import PersonFacts, named
from rules.rates import INSURANCE_TYPES


def month_of(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def date_of(value) -> date | None:
    if value in (None, "") or isinstance(value, date):
        return value or None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def codes_of(value) -> list[str]:
    return [c for c in str(value or "").split(",") if c]


def insurance_names(codes) -> str:
    return "、".join(INSURANCE_TYPES.get(c, c) for c in sorted(codes))


def no_unfinished(row: dict, facts: PersonFacts, today: date) -> dict:
    """RULES.md §10: one unfinished declaration of a business per person, in this unit (a draft
    or a returned one in 待办 counts); another unit's draft blocks nobody here."""
    if facts.unfinished:
        return {"id_number": f"该人员已有未办结的同类申报（流水号{facts.unfinished[0]}），"
                             "请先提交、作废或修改该申报"}
    if facts.at_center:
        return {"id_number": "该人员有同类申报正在经办机构审核，请待其办结后再申报"}
    return {}


def name_matches(row: dict, facts: PersonFacts, today: date) -> dict:
    """姓名 agrees with the registered name; the name is said only to the person's own unit."""
    given = (row.get("name") or "").strip()
    if not facts.known or not given or given == facts.name:
        return {}
    return {"name": named(facts, f"姓名与登记的姓名“{facts.name}”不符",
                          "姓名与该社会保障号码登记的姓名不符，请核对")}


def identity_matches(row: dict, facts: PersonFacts, today: date) -> dict:
    """A known person's 姓名, 性别 and 出生日期 are the registry's: a declaration never rewrites
    them (a name change is C7 人员基本信息变更)."""
    if not facts.known:
        return {}
    errors = name_matches(row, facts, today)
    if row.get("gender") and facts.gender and row["gender"] != facts.gender:
        errors["gender"] = "性别与登记信息不符"
    birth = date_of(row.get("birth_date"))
    if birth and facts.birth_date and birth != facts.birth_date:
        errors["birth_date"] = named(facts, f"出生日期与登记的出生日期{facts.birth_date}不符",
                                     "出生日期与登记信息不符")
    return errors


def staff_here(row: dict, facts: PersonFacts, today: date) -> dict:
    if not facts.open_here("active"):
        return {"id_number": "该人员不是本单位在职参保人员"}
    return {}


def retired_here(row: dict, facts: PersonFacts, today: date) -> dict:
    if not facts.open_here("retired"):
        return {"id_number": "该人员不是本单位离退休人员"}
    return {}


def reduced_here(row: dict, facts: PersonFacts, today: date) -> dict:
    """The unit reduced this person and holds no open enrollment of them."""
    if facts.open_here(None):
        return {"id_number": "该人员仍在本单位参保，不能办理此业务"}
    if not facts.ended_here():
        return {"id_number": "该人员不是本单位减员人员"}
    return {}

