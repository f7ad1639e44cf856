"""信息查询 about the unit and its people: E1 单位信息, E2 单位人员, E3 人员增减, E5 缴费比例."""
from datetime import date

import sqlalchemy as sa
from flask import g
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import lazy_gettext as _

from app.extensions import db
from models.contribution import Rate
from models.person import Enrollment
from models.unit import UnitInsurance
from rules.months import to_month
from rules.rates import INJURY
from views.filters import (
    MONTH_RANGE,
    RelatedContains,
    RelatedEqual,
    RelatedNameStartsWith,
    RelatedStartsWith,
)
from views.labels import UNIT, percent
from views.list_view import QueryView
from views.staff_roster import INSURANCES, RosterInterface, insurance_list
from views.tenancy import TenantInterface

# Searching people by 社会保障号码 (exact or its first digits) and 姓名 (exact, its first
# characters or any part: a clerk remembers 欧阳 of 欧阳娜娜).
PERSON_SEARCH = {
    "person.id_number": [RelatedEqual, RelatedStartsWith],
    "person.name": [RelatedEqual, RelatedNameStartsWith, RelatedContains],
}
UNIT_DETAILS = [f"unit.{column}" for column in UNIT]


class UnitInfoView(QueryView):
    """E1: the unit's registration per 险种; the show page adds the unit's own record."""

    datamodel = TenantInterface(UnitInsurance)
    list_title = _("单位信息查询")
    list_columns = ["insurance", "business_no", "status", "start_month"]
    search_columns = ["insurance", "status"]
    label_columns = {"status": _("参保状态"), "injury_float_pct": _("工伤浮动费率(%)"),
                     "linked": _("已关联"), "linked_at": _("关联时间")}
    show_fieldsets = [
        (_("参保信息"), {"fields": ["insurance", "business_no", "status", "start_month",
                                   "injury_float_pct", "linked", "linked_at"]}),
        (_("单位基本信息"), {"fields": UNIT_DETAILS}),
    ]
    base_order = ("insurance_id", "asc")


class UnitStaffView(QueryView):
    """E2 单位人员查询 / 人员花名册: one row per person, the 险种 the search matched in the row
    (views.staff_roster); the detail page shows every 险种 of the person in the unit."""

    datamodel = RosterInterface(Enrollment)
    list_title = _("单位人员查询")
    list_columns = ["person.id_number", "person.name", "category", INSURANCES, "status",
                    "start_month"]
    search_columns = ["person.id_number", "person.name", "category", "insurance", "status"]
    search_filters = PERSON_SEARCH
    order_columns = ["person.id_number", "person.name", "category", "start_month"]
    label_columns = {"status": _("参保状态"), "start_month": _("参保年月"),
                     INSURANCES: _("参保险种")}
    formatters_columns = {INSURANCES: insurance_list}
    show_fieldsets = [
        (_("人员信息"), {"fields": ["person.id_number", "person.name", "person.gender",
                                   "person.birth_date", "person.nation", "person.phone",
                                   "person.hukou"]}),
        (_("参保信息"), {"fields": [INSURANCES, "category", "status", "start_month",
                                   "end_month", "add_reason", "reduce_reason",
                                   "employment_form", "person_category"]}),
    ]
    base_order = ("person_id", "asc")  # the roster's own key order (unit, person)
    one_row_per_person = True

    def _page(self, filters, order_column, order_direction, page, page_size, columns):
        """Always the roster's grouped rows: the enrollments as objects are a row per 险种."""
        return self.datamodel.page_values(filters, order_column, order_direction, page,
                                          page_size, columns)


class StaffChangeView(QueryView):
    """E3 人员增减情况查询: 增员 by start month, 减员 by end month, with their reasons."""

    datamodel = TenantInterface(Enrollment)
    list_title = _("人员增减情况查询")
    list_columns = ["person.id_number", "person.name", "insurance", "start_month",
                    "add_reason", "end_month", "reduce_reason", "status"]
    search_columns = ["person.id_number", "person.name", "insurance", "start_month",
                      "end_month", "add_reason", "reduce_reason"]
    search_filters = {**PERSON_SEARCH, "start_month": MONTH_RANGE, "end_month": MONTH_RANGE}
    search_form_query_rel_fields = {"add_reason": [["kind", FilterEqual, "add"]],
                                    "reduce_reason": [["kind", FilterEqual, "reduce"]]}
    label_columns = {"start_month": _("增员年月"), "end_month": _("减员年月"),
                     "status": _("参保状态")}
    show_fieldsets = UnitStaffView.show_fieldsets
    base_order = UnitStaffView.base_order


# --- E5: rates in force this month --------------------------------------------------------
def _rates_in_force():
    """(险种 id, 工伤 risk class or None) → the Rate row in force this month; once a request."""
    if "rates_in_force" not in g:
        month = to_month(date.today())
        rows = db.session.query(Rate).filter(
            Rate.start_month <= month, sa.or_(Rate.end_month.is_(None), Rate.end_month >= month)
        )
        g.rates_in_force = {(rate.insurance_id, rate.risk_class): rate for rate in rows}
    return g.rates_in_force


def _is_injury(item):
    return item.insurance is not None and item.insurance.code == INJURY


def risk_class(item):
    industry = item.unit.industry
    return industry.risk_class if _is_injury(item) and industry is not None else None


def unit_rate(item):
    rate = _rates_in_force().get((item.insurance_id, risk_class(item)))
    if rate is None:
        return None
    if _is_injury(item):  # the class rate floated by the unit's percentage
        return rate.unit_rate * item.injury_float_pct / 100
    return rate.unit_rate


def float_pct(item):
    return item.injury_float_pct if _is_injury(item) else None


def personal_rate(item):
    rate = _rates_in_force().get((item.insurance_id, risk_class(item)))
    return None if rate is None else rate.personal_rate


class UnitRateView(QueryView):
    """E5 单位缴费比例查询: each registered 险种 with the unit and personal rates in force."""

    datamodel = TenantInterface(UnitInsurance)
    list_title = _("单位缴费比例查询")
    list_columns = ["insurance", "business_no", "risk_class", "float_pct", "unit_rate",
                    "personal_rate"]
    search_columns = ["insurance"]
    computed_columns = {"unit_rate": unit_rate, "personal_rate": personal_rate,
                        "risk_class": risk_class, "float_pct": float_pct}
    eager = ("unit.industry",)
    label_columns = {"risk_class": _("工伤风险类别"), "float_pct": _("工伤浮动费率(%)"),
                     "unit_rate": _("单位缴费比例"), "personal_rate": _("个人缴费比例")}
    formatters_columns = {"unit_rate": percent, "personal_rate": percent}
    show_columns = list_columns
    base_order = ("insurance_id", "asc")
