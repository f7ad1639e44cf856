"""Checks of unit and person fact changes: C6 单位基本信息变更, C7 人员基本信息变更."""
from datetime import date

from rules.person_facts import PersonFacts

PERSON_CHANGES = {"new_name": "name", "phone": "phone", "address": "address", "nation": "nation"}
UNIT_FIELDS = ("name", "address", "postcode", "legal_person", "contact_name", "contact_phone")


def something_changes(data: dict, today: date) -> dict:
    if not any(data.get(k) for k in PERSON_CHANGES):
        return {"new_name": "请至少填写一项变更内容"}
    return {}


def person_changes_something(row: dict, facts: PersonFacts, today: date) -> dict:
    """C7: a change to what the registry already holds is no change; each such field is named."""
    same = {field: "与登记信息相同，无需变更" for field, fact in PERSON_CHANGES.items()
            if row.get(field) and row[field] == getattr(facts, fact)}
    given = [field for field in PERSON_CHANGES if row.get(field)]
    if given and len(same) == len(given):
        return same
    return {}


def unit_changes_something(row: dict, unit: dict, today: date) -> dict:
    """C6: at least one of the unit's facts differs from what the registry holds."""
    if any((row.get(k) or None) != (unit.get(k) or None) for k in UNIT_FIELDS
           if k in row):
        return {}
    return {"name": "变更内容与单位现有登记信息相同，无需变更"}
