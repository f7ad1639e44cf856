"""WTForms built from the business registry: one form class per business, never hand-written,
so a field added to the registry appears in the wizard with its label and choices."""
import json

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from app.declarations.choices import load_choices
from rules.business import Business

INPUT_TYPES = {"month": "month", "date": "date", "phone": "tel"}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def form_for(business: Business, insurance_names: dict[str, str], staff=None, picks=None,
             staff_names=None):
    """A form class for this business. ``staff`` (id number → label) turns the ID field of
    businesses that pick from current staff into a dropdown; ``staff_names`` (id number →
    name) lets the page fill 姓名 when one is picked (app/static/js/person_pick.js). ``picks``
    (field name → [(value, label)]) offers a field's possible values to pick from instead of
    typing them; the registry's checks still judge what is posted."""
    picks = picks or {}
    choices = load_choices()
    # The registry's validators judge every value (one way, for wizards and imports alike):
    # WTForms' own choice check would only answer with a vaguer message first.
    attrs = {}
    for f in business.fields:
        label, description = _(f.label), _(f.help) if f.help else ""
        if f.kind == "choice":
            options = [("", "——")] + list(choices.get(f.source, {}).items())
            attrs[f.name] = SelectField(label, choices=options, description=description,
                                        validate_choice=False)
        elif f.kind == "flag":
            attrs[f.name] = BooleanField(label, description=description)
        elif f.kind == "insurances":
            attrs[f.name] = CheckboxesField(label, choices=list(insurance_names.items()),
                                            validate_choice=False)
        elif f.name == "id_number" and staff is not None:
            render = {"data-names": json.dumps(staff_names or {}, ensure_ascii=False)}
            attrs[f.name] = SelectField(label, choices=[("", "——")] + list(staff.items()),
                                        validate_choice=False, render_kw=render)
        elif f.name in picks:
            attrs[f.name] = SelectField(label, choices=[("", "——")] + list(picks[f.name]),
                                        description=description, validate_choice=False)
        else:
            render = {"type": INPUT_TYPES[f.kind]} if f.kind in INPUT_TYPES else {}
            attrs[f.name] = StringField(label, description=description, render_kw=render)
    return type(f"{business.code}Form", (FlaskForm,), attrs)


def payload_of(form, business: Business) -> dict:
    """What the user typed, as the registry's validators expect it."""
    data = {}
    for f in business.fields:
        value = form[f.name].data
        if f.kind == "insurances":
            value = ",".join(value or [])
        elif f.kind == "flag":
            value = "1" if value else "0"
        data[f.name] = value
    return data


def fill(form, business: Business, payload: dict) -> None:
    """Put a stored payload back into the form (修改, or 续保 from a known person)."""
    for f in business.fields:
        if f.name not in payload or payload[f.name] is None:
            continue
        value = payload[f.name]
        if f.kind == "insurances":
            value = str(value).split(",")
        elif f.kind == "month":
            value = f"{str(value)[:4]}-{str(value)[4:6]}"
        elif f.kind == "flag":
            value = bool(value)
        form[f.name].data = value
