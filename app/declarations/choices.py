"""The code lists the registry's choice fields name (``Field.source``), read from the code
tables so the wizards, imports and templates offer exactly what the center maintains."""
from sqlalchemy import select

from app.extensions import db
from models.reference import ChangeReason, EmploymentForm, Nation, PersonCategory
from rules.business import RESIDENT_STOP_REASONS
from rules.retirement import CATEGORY_NAMES

FIXED = {
    "gender": {"male": "男", "female": "女"},
    "retirement_category": dict(CATEGORY_NAMES),
    "insurance_direction": {"add": "险种增加", "remove": "险种减少"},
    "resident_stop_reason": dict(RESIDENT_STOP_REASONS),
}


def load_choices() -> dict[str, dict[str, str]]:
    choices = {key: dict(values) for key, values in FIXED.items()}
    for source, model in (("employment_form", EmploymentForm), ("nation", Nation),
                          ("person_category", PersonCategory)):
        choices[source] = _codes(select(model.code, model.name).where(model.active.is_(True)))
    for kind in ("add", "reduce"):
        choices[f"change_reason:{kind}"] = _codes(
            select(ChangeReason.code, ChangeReason.name)
            .where(ChangeReason.kind == kind, ChangeReason.active.is_(True)))
    return choices


def _codes(query) -> dict[str, str]:
    return {code: name for code, name in db.session.execute(query.order_by("code"))}
