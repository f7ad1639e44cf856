"""How stored values read on a page: months as 2015-01, times to the minute or second, codes as
their translated names. The list screens use these as column formatters; templates get the same
functions as Jinja filters (``init_app``), so a review page and a list word a value alike.

The code maps are ``views.labels.CODES`` (and the registry's names behind it): one place says
what ``approved`` or ``id_card`` reads as.
"""
from datetime import date, datetime

from flask_babel import gettext
from markupsafe import Markup, escape

from views.labels import code_label, insurance_names

# Integer YYYYMM columns, by name (the type is a plain Integer: the name says it is a month).
MONTH_COLUMNS = frozenset({"month", "start_month", "end_month", "period_start", "period_end",
                           "first_work_month"})


def month(value) -> str:
    """201501 → "2015-01"; anything that is not a YYYYMM number shows as it is."""
    if value is None or value == "":
        return ""
    text = str(value).strip()
    if len(text) == 6 and text.isdigit() and 1 <= int(text[4:]) <= 12:
        return f"{text[:4]}-{text[4:]}"
    return text


def moment(value, seconds: bool = False) -> str:
    """A time without microseconds: to the minute (lists), or to the second."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def moment_seconds(value) -> str:
    return moment(value, seconds=True)


def unbroken(formatter):
    """A list cell's date or month on one line: a narrow column broke 2026-12-15 at its
    hyphen."""
    def cell(value):
        text = formatter(value)
        return Markup(f'<span class="text-nowrap">{escape(text)}</span>') if text else ""
    return cell


def insurances(value) -> str:
    """"110,210,310" (or a list of codes) → the 险种 names, translated."""
    if isinstance(value, (list, tuple, set)):
        value = ",".join(str(code) for code in value)
    return insurance_names(value)


def event_name(value) -> str:
    return str(code_label("declaration_event.action", value))


def material_type_name(value) -> str:
    return str(code_label("material.material_type", value))


def item_status_name(value) -> str:
    return str(code_label("declaration_item.status", value))


def status_name(value) -> str:
    return str(code_label("declaration.status", value))


def business_name(value) -> str:
    return str(code_label("declaration.business_code", value))


def sms_purpose(value) -> str:
    return str(code_label("sms_message.purpose", value))


def sms_status(value) -> str:
    return str(code_label("sms_message.status", value))


def bill_status(value) -> str:
    return str(code_label("bill.status", value))


def bill_kind(value) -> str:
    return str(code_label("bill.kind", value))


def translated(value) -> str:
    """A registry or code-table text (Chinese msgid) in the page's language."""
    return "" if value is None else gettext(str(value))


FILTERS = {
    "month": month, "moment": moment, "moment_seconds": moment_seconds,
    "insurances": insurances, "event_name": event_name,
    "material_type_name": material_type_name, "item_status_name": item_status_name,
    "status_name": status_name, "business_name": business_name,
    "sms_purpose": sms_purpose, "sms_status": sms_status, "translated": translated,
    "bill_status": bill_status, "bill_kind": bill_kind,
}


def init_app(app) -> None:
    app.jinja_env.filters.update(FILTERS)
