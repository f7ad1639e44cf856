"""What a declaration's printed form (增员表, 减员表, F1; 工资申报汇总表 of C3; 补缴申请表 of
C5) shows: header facts and one row per item.

Pure: a declaration-like object (``Declaration`` or anything with the same attributes) and the
code tables as plain dicts go in, a template context comes out; ``load_lookups`` is the only
function that reads the database. Codes are printed by name because the paper form is read by
people, not by the system; an unknown code is printed as itself rather than dropped.
"""
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from reports.back_pay_form import back_pay_context
from reports.medical_subsidy_form import subsidy_context
from rules import business as registry
from rules import id_number
from rules.contribution_base import CLAMPED_TO_CAP, CLAMPED_TO_FLOOR, decide_base
from rules.errors import RuleError
from rules.money import to_fen
from rules.workflow import APPROVED, PARTIAL, STATUS_NAMES


def N_(message: str) -> str:
    """Marks a message for extraction (pybabel knows N_); translated where it is printed."""
    return message


GENDERS = {"male": "男", "female": "女"}
ITEM_RESULTS = {"pending": N_("待审核"), "approved": N_("通过"), "rejected": N_("不通过")}
CLAMP_MARKS = {CLAMPED_TO_FLOOR: N_("按下限"), CLAMPED_TO_CAP: N_("按上限")}
BACK_PAY_FORM = "back_pay_application"  # 补缴申请表 (C5), reports/back_pay_form.py
SUBSIDY_FORM = "medical_subsidy_form"  # 社会保险费申报表 of C14, reports/medical_subsidy_form.py
# Only a decided declaration is an official record; anything else prints with a warning.
OFFICIAL = frozenset({APPROVED, PARTIAL})


class NotPrintable(LookupError):
    """The business has no printed form."""


def load_lookups() -> dict:
    """Code → name of every code table a form translates, and each year's base floor and cap
    (year → (floor, cap), for the 工资申报 summary), read through the app's session (needs an
    app context). Inactive codes are kept: an old declaration may still use them."""
    from sqlalchemy import select

    from app.extensions import db
    from models.contribution import YearParameter
    from models.reference import ChangeReason, EmploymentForm, Insurance, PersonCategory

    def names(model):
        return dict(db.session.execute(select(model.code, model.name).order_by(model.code)).all())

    limits = {year: (floor, cap) for year, floor, cap in db.session.execute(
        select(YearParameter.year, YearParameter.base_floor, YearParameter.base_cap))}
    return {"change_reason": names(ChangeReason), "employment_form": names(EmploymentForm),
            "person_category": names(PersonCategory), "insurance": names(Insurance),
            "gender": dict(GENDERS), "year_limits": limits}


def declaration_context(declaration, lookups: dict, gettext=lambda s: s) -> dict:
    """The template name and context of ``declaration``'s printed form.

    ``gettext`` translates the fixed words computed here (status names), so they follow the
    same language as the template's own text."""
    business = registry.get(declaration.business_code)
    if not business.print_form:
        raise NotPrintable(f"业务“{business.name}”没有打印表单")
    items = _items(declaration)
    rows = [_row(item, lookups, declaration, gettext) for item in items]
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
        "row_count": len(rows),  # of the whole form: a chunk's ``rows`` are a part of it
        "approved_count": sum(1 for r in rows if r["approved"]),
        **(_wage_summary(declaration, items, rows, lookups, gettext)
           if business.code == registry.WAGE_DECLARATION else {}),
        **(back_pay_context(items, rows, lookups) if business.print_form == BACK_PAY_FORM
           else {}),
        **(subsidy_context(items, rows) if business.print_form == SUBSIDY_FORM else {}),
    }


def _wage_summary(declaration, items, rows, lookups, gettext) -> dict:
    """C3 工资申报: each row's declared wage and the base the year's floor and cap made of it,
    and the totals. An approved row prints the base its approval wrote (kept in the payload);
    a row not yet decided prints what the clamp would make of it; a rejected row has no base.
    The form shows one year: a declaration is of one base year (rules.wage_base.one_year)."""
    years = sorted({int(i.payload["year"]) for i in items if (i.payload or {}).get("year")})
    year = years[0] if len(years) == 1 else None
    floor, cap = (lookups.get("year_limits") or {}).get(year, (None, None))
    wages = bases = Decimal("0.00")
    for item, row in zip(items, rows):
        payload = item.payload or {}
        wage = to_fen(str(payload.get("declared_wage") or 0))
        base, clamped = None, None
        if row["status"] == "approved" and payload.get("base") not in (None, ""):
            base, clamped = to_fen(str(payload["base"])), payload.get("clamped")
        elif row["status"] != "rejected" and floor is not None:
            # Undecided, or approved before the payload kept the base: the approval's clamp.
            decision = decide_base(wage, floor, cap)
            base, clamped = decision.base, decision.clamped
        wages += wage
        bases += base or 0
        row.update(declared_wage=_money(wage), base=_money(base),
                   clamp=gettext(CLAMP_MARKS[clamped]) if clamped in CLAMP_MARKS else "",
                   clamped=clamped)
    return {
        "year": year or "、".join(str(y) for y in years),
        "declared_month": _month_of(getattr(declaration, "submitted_at", None)),
        "base_floor": _money(floor), "base_cap": _money(cap),
        "wage_total": _money(wages), "base_total": _money(bases),
        "floor_count": sum(1 for r in rows if r["clamped"] == CLAMPED_TO_FLOOR),
        "cap_count": sum(1 for r in rows if r["clamped"] == CLAMPED_TO_CAP),
    }


def _month_of(value) -> str:
    """申报年月: the month the declaration was submitted, as 2026-04."""
    return value.strftime("%Y-%m") if isinstance(value, (date, datetime)) else ""


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
        "status": status,
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
