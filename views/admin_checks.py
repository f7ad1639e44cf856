"""Checks of the admin's add and edit forms that keep the admin on the form.

FAB shows a refusal raised in ``pre_add``/``pre_update`` as a flash and returns to the previous
page: what the admin typed is gone. Checks that run while the form validates make FAB render
the form again, with the typed values and the reason under the field. Field checks are WTForms
validators; a view's whole-row ``check(item)`` runs on a copy of the row as the form would
leave it (``FormChecked``), so the edited row itself is untouched until everything passes.
A refused form leaves an audit row (``<table>_refused``: the fields, reasons and typed values).
"""
from datetime import date
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import inspect
from wtforms import DecimalField, SelectField
from wtforms.fields.core import UnboundField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, Regexp, StopValidation, ValidationError

from app import audit
from rules.errors import RuleError
from rules.months import month_label
from rules.rates import RefusalMonth
from views import in_use

FIRST_YEAR = 1995  # the earliest month a back payment reaches (RULES.md §4)


class FormChecked:
    """For an AdminView: its ``check(item)`` runs while FAB validates the add and edit forms.
    A refusal (RuleError) goes under the field it names (``error.field``), else under
    ``check_field``, else above the first field."""

    check_field = None
    used_keys = ()

    def _init_forms(self):
        # FAB appends its Unique validator to the list a view declares, once per form built
        # from it: the add and the edit form then both said "already exists" twice.
        self.validators_columns = _FreshLists(self.validators_columns or {})
        super()._init_forms()
        for form in (self.add_form, self.edit_form):
            _show_decimals_exactly(form)
        self.add_form = _checking(self.add_form, self)
        self.edit_form = _checking(self.edit_form, self)

    def form_passes(self, form) -> bool:
        item = self._probe(form)
        try:
            self.check(item)
            self.check_used_keys(form, item)
        except RuleError as refused:
            name = getattr(refused, "field", None) or self.check_field
            field = form._fields.get(name) if name else None
            if field is None:
                field = next(f for f in form if f.name != "csrf_token")
            field.errors = [*field.errors, shown(explained(refused))]
            return False
        return True

    def check_used_keys(self, form, item) -> None:
        """What other rows and declarations know a row by (``used_keys``: a code, a year, a
        rate's 险种) is not changed while they use it: they would name another row, or none."""
        pk = getattr(form, "_id", None)
        stored = self.datamodel.get(pk) if pk is not None and self.used_keys else None
        if stored is None:
            return
        changed = [name for name in self.used_keys
                   if _key_of(item, name) != _key_of(stored, name)]
        if not changed:
            return
        users = in_use.uses(stored)
        if users:
            raise refuse(changed[0], gettext(
                "%(what)s已被%(users)s使用，不能修改%(column)s。", what=self.in_use_what,
                users=gettext("、").join(users), column=self.label_columns.get(changed[0], "")))

    def _probe(self, form):
        """The row as the form would leave it, detached from the session: the stored row's
        values (an edit), then the form's."""
        values = {}
        pk = getattr(form, "_id", None)
        stored = self.datamodel.get(pk) if pk is not None else None
        if stored is not None:
            values = {a.key: getattr(stored, a.key) for a in inspect(stored).mapper.attrs}
        values.update({name: field.data for name, field in form._fields.items()
                       if name != "csrf_token"})
        values.setdefault("id", None)
        return SimpleNamespace(**values)


def _key_of(item, name):
    value = getattr(item, name, None)
    return getattr(value, "id", value)  # a related row by its id


def explained(refused) -> str:
    """A rule's refusal in the page's language: rules keep their Chinese text, and those that
    can say it in another keep its template and values (rules.rates)."""
    template = getattr(refused, "template", None)
    if template is None:
        return str(refused)
    params = {}
    for name, value in refused.params.items():
        if isinstance(value, RefusalMonth):
            value = (str(value) if str(get_locale()).startswith("zh")
                     else month_label(value))
        params[name] = gettext(value) if isinstance(value, str) else value
    return gettext(template, **params)


# rules.rates' refusals, for translation (rules/ holds no Babel).
RATE_REFUSALS = (
    _("工伤保险费率须指定工伤风险类别（1至8）"), _("只有工伤保险费率按工伤风险类别设置"),
    _("%(label)s应为0至1之间的小数（0.16表示16%%）：%(value)s"),
    _("%(insurance)s个人不缴费，个人费率应为0：%(value)s"), _("年月无效，应为YYYYMM：%(value)s"),
    _("执行终止年月%(end)s早于起始年月%(start)s"),
    _("执行期与已有费率（%(start)s起，未设终止年月）重叠：请先为已有费率设置执行终止年月"),
    _("执行期与已有费率（%(start)s至%(end)s）重叠：请先为已有费率设置执行终止年月"),
    _("工伤保险"), _("生育保险"),
)
# rules.year_parameters' refusals, for translation.
YEAR_TERM_REFUSALS = (
    _("记账利率应为0至0.2之间的小数（0.0262表示2.62%%）：%(value)s"),
    _("滞纳金日费率应为0至0.01之间的小数（0.0005表示每日0.05%%）：%(value)s"),
    _("缴费截止日应为1至31之间的整数（次月的第几日）：%(value)s"),
)


class ExactDecimalField(DecimalField):
    """A decimal shown as stored: WTForms rounds to two places, so an edit form showed a
    记账利率 of 0.0262 as 0.03 and a daily late-fee rate of 0.0005 as 0.00 — and saving it
    stored that. Money keeps its two places; a rate shows its digits without trailing zeros."""

    def _value(self):
        if self.raw_data or not isinstance(self.data, Decimal) or not self.data.is_finite():
            return super()._value()
        value = self.data.normalize()
        if value.as_tuple().exponent > -2:
            value = value.quantize(Decimal("0.01"))
        return format(value, "f")


def _show_decimals_exactly(form_class) -> None:
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if isinstance(unbound, UnboundField) and unbound.field_class is DecimalField:
            unbound.field_class = ExactDecimalField


class _FreshLists(dict):
    def get(self, key, default=None):
        return list(super().get(key, default or []))


def shown(message) -> str:
    """A field error as FAB's form shows it: through ``_(error) % {}`` (its template's
    gettext), where a bare percent sign (16%) would fail the page."""
    return str(message).replace("%", "%%")


def _checking(form_class, view):
    class Checked(form_class):
        def validate(self, extra_validators=None):
            passed = super().validate(extra_validators) and view.form_passes(self)
            if not passed:
                audit_refusal(view, self)
            return passed

    Checked.__name__ = form_class.__name__
    return Checked


def audit_refusal(view, form) -> None:
    """A refused add or edit leaves nothing changed but a row in the audit log: which row,
    the fields refused with their reasons and what was typed into them."""
    target = view.datamodel.obj.__tablename__
    refused = {name: field for name, field in form._fields.items() if field.errors}
    audit.record_now(
        f"{target}_refused", target_type=target, target_id=getattr(form, "_id", None),
        success=False, detail={
            "errors": {name: [str(e).replace("%%", "%") for e in field.errors]  # shown()
                       for name, field in refused.items()},
            "typed": {name: (field.raw_data or [None])[0] for name, field in refused.items()}})


def refuse(field: str, message) -> RuleError:
    """A refusal of a whole-row check, shown under ``field``."""
    error = RuleError(str(message))
    error.field = field
    return error


# --- field validators ------------------------------------------------------------------------
def code_choice(label, codes: dict) -> SelectField:
    """A code column (a unit's status, a reason's kind) as a dropdown of its labels; a code not
    offered is refused with the labels it may take."""
    def one_of(_form, field):
        if field.data not in codes:
            raise StopValidation(gettext("请从以下选项中选择：%(names)s",
                                         names=gettext("、").join(str(v) for v in codes.values())))

    return SelectField(label, choices=[SelectChoice(code, name) for code, name in codes.items()],
                       validate_choice=False, validators=[DataRequired(), one_of],
                       widget=Select2Widget())


def risk_class(required: bool):
    def check(_form, field):
        if field.data is not None and not 1 <= field.data <= 8:
            raise ValidationError(gettext("工伤风险类别应为1至8"))

    return [check] if required else [Optional(), check]


def year_field(_form, field):
    last = date.today().year + 1  # next year's parameters are set before it starts
    if field.data is None or not FIRST_YEAR <= field.data <= last:
        raise ValidationError(gettext("年度应为%(first)s至%(last)s之间的四位年份",
                                      first=FIRST_YEAR, last=last))


def fraction(_form, field):
    """A rate stored as a fraction of the base: 0.0831 is 8.31 %."""
    if field.data is None:
        return
    try:
        value = Decimal(field.data)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(shown(gettext("应为0至1之间的小数（0.0831表示8.31%）"))) from None
    if not Decimal(0) <= value < 1:
        raise ValidationError(shown(gettext("应为0至1之间的小数（0.0831表示8.31%）")))


UNIT_NUMBER = Regexp(r"^\d{6,20}$", message=_("单位编号应为6至20位数字"))
