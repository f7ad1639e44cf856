"""What a declaration's printed form (增员表, 减员表, F1) shows: header facts and one row per item.

Pure: a declaration-like object (``Declaration`` or anything with the same attributes) and the
code tables as plain dicts go in, a template context comes out; ``load_lookups`` is the only
function that reads the database. Codes are printed by name because the paper form is read by
people, not by the system; an unknown code is printed as itself rather than dropped.
"""
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from rules import business as registry
from rules import id_number
from rules.errors import RuleError
from rules.workflow import APPROVED, PARTIAL, STATUS_NAMES


def N_(message: str) -> str:
    """Marks a message for extraction (pybabel knows N_); translated where it is printed."""
    return message


GENDERS = {"male": "男", "female": "女"}
ITEM_RESULTS = {"pending": N_("待审核"), "approved": N_("通过"), "rejected": N_("不通过")}
# Only a decided declaration is an official record; anything else prints with a warning.
OFFICIAL = frozenset({APPROVED, PARTIAL})


class NotPrintable(LookupError):
    """The business has no printed form."""


def load_lookups() -> dict[str, dict[str, str]]:
    """Code → name of every code table a form translates, read through the app's session
    (needs an app context). Inactive codes are kept: an old declaration may still use them."""
    from sqlalchemy import select

    from app.extensions import db
    from models.reference import ChangeReason, EmploymentForm, Insurance, PersonCategory

    def names(model):
        return dict(db.session.execute(select(model.code, model.name).order_by(model.code)).all())

    return {"change_reason": names(ChangeReason), "employment_form": names(EmploymentForm),
            "person_category": names(PersonCategory), "insurance": names(Insurance),
            "gender": dict(GENDERS)}


def declaration_context(declaration, lookups: dict, gettext=lambda s: s) -> dict:
    """The template name and context of ``declaration``'s printed form.

    ``gettext`` translates the fixed words computed here (status names), so they follow the
    same language as the template's own text."""
    business = registry.get(declaration.business_code)
    if not business.print_form:
        raise NotPrintable(f"业务“{business.name}”没有打印表单")
    rows = [_row(item, lookups, declaration, gettext) for item in _items(declaration)]
    unit = getattr(declaration, "unit", None)
    status = declaration.status
    return {
        "template": business.print_form,
        "business_name": gettext(business.name),
        "serial_no": declaration.serial_no,
        "unit_name": getattr(unit, "name", "") or "",
        "unit_no": getattr(unit, "unit_no", "") or "",
        "submitted_at": _datetime(getattr(declaration, "submitted_at", None)),
        "decided_at": _date(getattr(declaration, "decided_at", None)),
        "status": gettext(STATUS_NAMES.get(status, status or "")),
        "official": status in OFFICIAL,
        "opinion": getattr(declaration, "opinion", None) or "",
        "rows": rows,
        "approved_count": sum(1 for r in rows if r["approved"]),
    }


def _items(declaration):
    return sorted(declaration.items or [], key=lambda item: getattr(item, "seq", 0) or 0)


def _row(item, lookups, declaration, gettext) -> dict:
    payload = item.payload or {}
    number = payload.get("id_number") or item.id_number or ""
    person = getattr(item, "person", None)
    status = getattr(item, "status", None) or "pending"
    insurances = payload.get("insurances") or getattr(declaration, "insurance_codes", None) or ""
    return {
        "seq": getattr(item, "seq", None) or "",
        "id_number": number,
        "name": payload.get("name") or item.name or "",
        "gender": _name(lookups, "gender", payload.get("gender") or _gender(person, number),
                        GENDERS),
        "birth_date": _date(payload.get("birth_date") or getattr(person, "birth_date", None)
                            or _birth_date(number)),
        "start_month": _month(payload.get("start_month")),
        "end_month": _month(payload.get("end_month")),
        "add_reason": _name(lookups, "change_reason", payload.get("add_reason")),
        "reduce_reason": _name(lookups, "change_reason", payload.get("reduce_reason")),
        "employment_form": _name(lookups, "employment_form", payload.get("employment_form")),
        "person_category": _name(lookups, "person_category", payload.get("person_category")),
        "insurances": "、".join(_name(lookups, "insurance", code) for code in _codes(insurances)),
        "wage": _money(payload.get("wage")),
        "result": gettext(ITEM_RESULTS.get(status, status)),
        "result_message": getattr(item, "result_message", None) or "",
        "approved": status == "approved",
    }


def _name(lookups, table, code, fallback=None) -> str:
    if code in (None, ""):
        return ""
    names = lookups.get(table) or fallback or {}
    return names.get(str(code), str(code))


def _codes(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [c.strip() for c in str(value).split(",") if c.strip()]


def _gender(person, number):
    if person is not None and getattr(person, "gender", None):
        return person.gender
    try:
        return id_number.gender(number) if number else None
    except (RuleError, ValueError, IndexError):
        return None


def _birth_date(number):
    try:
        return id_number.birth_date(number) if number else None
    except (RuleError, ValueError):
        return None


def _month(value) -> str:
    """202604 (int or str) → 2026-04."""
    text = str(value or "").replace("-", "")
    return f"{text[:4]}-{text[4:6]}" if len(text) == 6 and text.isdigit() else str(value or "")


def _date(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value or "")


def _datetime(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return _date(value)


def _money(value) -> str:
    if value in (None, ""):
        return ""
    try:
        return f"{Decimal(str(value)):.2f}"
    except InvalidOperation:
        return str(value)
