"""系统管理 for the admin: code tables and the unit registry (G3), rates and yearly parameters (G4),
the audit log (G6, read-only). Admin only: no ``role_access`` for anyone else (the admin role
holds every permission)."""
from dataclasses import replace

from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import lazy_gettext as _
from sqlalchemy import select

from app.extensions import db
from models.audit import AuditLog
from models.contribution import Rate, YearParameter
from models.reference import (
    BankBranch,
    ChangeReason,
    EmploymentForm,
    Hospital,
    Industry,
    Insurance,
    Nation,
    PersonCategory,
)
from models.sms import SmsMessage
from models.unit import Unit
from rules.business import BUSINESSES
from rules.contribution_base import check_window, year_limits
from rules.errors import RuleError
from rules.fields import Field, clean
from rules.money import to_fen
from rules.rates import INSURANCE_TYPES, RatePeriod, check_rate
from rules.year_parameters import check_year_terms
from views import in_use, search_widget
from views.admin_checks import (
    UNIT_NUMBER, FormChecked, code_choice, fraction, refuse, risk_class, year_field,
)
from views.audit_words import audit_action, target_label
from views.audited import AuditedChanges
from views.datamodel import QueryInterface
from views.filters import DATE_RANGE, MONTH_RANGE
from views.labels import CODES, UNIT
from views.list_view import ListView


class AdminView(FormChecked, AuditedChanges, ListView):
    role_access = {}
    # A row something uses is not deleted (views.in_use): what it is, and what to do instead.
    in_use_what = _("该记录")
    in_use_instead = _("不再使用的，请编辑它并取消勾选“有效”（停用）：停用后不再供选择。")

    def __init__(self, **kwargs):
        # FAB titles its forms "Add Industry", in English whatever the language.
        if self.list_title:
            self.add_title = self.add_title or _("新增%(title)s", title=self.list_title)
            self.edit_title = self.edit_title or _("编辑%(title)s", title=self.list_title)
        super().__init__(**kwargs)

    def pre_delete(self, item):
        users = in_use.uses(item)
        if users:
            raise RuleError(in_use.refusal(self.in_use_what, users, self.in_use_instead))
        super().pre_delete(item)

    def pre_add(self, item):
        self.check(item)
        super().pre_add(item)

    def pre_update(self, item):
        self.check(item)
        super().pre_update(item)

    def check(self, item):
        """Complete a row from the form, or refuse it with a RuleError (``admin_checks.refuse``
        names the field). Runs while the form validates (on a copy) and again before saving."""

    # Search dropdowns list code-table rows: an edit here must show in them at once.
    def post_add(self, item):
        super().post_add(item)
        search_widget.forget()

    def post_update(self, item):
        super().post_update(item)
        search_widget.forget()

    def post_delete(self, item):
        super().post_delete(item)
        search_widget.forget()


class CodeTableView(AdminView):
    """Every code table is a code, a name and an active flag, plus its own extra columns."""

    list_columns = ["code", "name", "active"]
    search_columns = ["code", "name", "active"]
    base_order = ("code", "asc")
    used_keys = ("code",)  # declarations hold codes as text

    def __init__(self, **kwargs):
        # The forms in the list's order (code and name first), not the model's.
        self.add_columns = self.add_columns or [*self.list_columns]
        self.edit_columns = self.edit_columns or [*self.list_columns]
        super().__init__(**kwargs)


class InsuranceView(CodeTableView):
    datamodel = QueryInterface(Insurance)
    list_title = _("险种")
    list_columns = [*CodeTableView.list_columns, "short_name", "sort"]
    label_columns = {"short_name": _("简称"), "sort": _("排序")}
    base_order = ("sort", "asc")
    in_use_what = _("该险种")
    in_use_instead = _("险种由国家规定，只能修改其名称和排序。")

    def check(self, item):
        """The five national codes are what rates, enrollments and files name: fixed."""
        if item.id is None:
            return
        with db.session.no_autoflush:  # the stored code, not the edited one
            stored = db.session.scalar(select(Insurance.code).where(Insurance.id == item.id))
        if stored in INSURANCE_TYPES and item.code != stored:
            raise refuse("code", _("五个险种的代码（%(codes)s）是国家标准代码，不能修改",
                                   codes="、".join(INSURANCE_TYPES)))


class ChangeReasonView(CodeTableView):
    datamodel = QueryInterface(ChangeReason)
    list_title = _("增减员原因")
    list_columns = [*CodeTableView.list_columns, "kind", "voluntary"]
    search_columns = [*CodeTableView.search_columns, "kind"]
    label_columns = {"kind": _("类别"), "voluntary": _("本人自愿")}
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": code_choice(_("类别"), CODES["change_reason.kind"])}
    in_use_what = _("该增减员原因")
    used_keys = ("code", "kind")  # an enrollment's 增员原因 must stay an 增员 reason


class EmploymentFormView(CodeTableView):
    datamodel = QueryInterface(EmploymentForm)
    list_title = _("用工形式")


class PersonCategoryView(CodeTableView):
    datamodel = QueryInterface(PersonCategory)
    list_title = _("人员类别")


class NationView(CodeTableView):
    datamodel = QueryInterface(Nation)
    list_title = _("民族")


class IndustryView(CodeTableView):
    datamodel = QueryInterface(Industry)
    list_title = _("行业")
    list_columns = [*CodeTableView.list_columns, "risk_class"]
    label_columns = {"risk_class": _("工伤风险类别")}
    validators_columns = {"risk_class": risk_class(required=True)}
    in_use_what = _("该行业")


class HospitalView(CodeTableView):
    datamodel = QueryInterface(Hospital)
    list_title = _("医院")
    list_columns = [*CodeTableView.list_columns, "level", "region", "remote"]
    search_columns = [*CodeTableView.search_columns, "region", "remote"]
    label_columns = {"level": _("医院等级"), "region": _("所在区域"), "remote": _("异地医院")}


class BankBranchView(CodeTableView):
    datamodel = QueryInterface(BankBranch)
    list_title = _("银行网点")
    list_columns = [*CodeTableView.list_columns, "bank_name"]
    search_columns = [*CodeTableView.search_columns, "bank_name"]
    label_columns = {"bank_name": _("所属银行")}


class UnitRegistryView(AdminView):
    """单位登记: the registry account registration links to (A1)."""

    datamodel = QueryInterface(Unit)
    list_title = _("单位登记")
    list_columns = ["unit_no", "name", "credit_code", "industry", "contact_name",
                    "contact_phone", "vip", "withholding", "status"]
    search_columns = ["unit_no", "name", "credit_code", "status", "vip", "industry"]
    label_columns = dict(UNIT)
    show_exclude_columns = ["insurances"]
    add_exclude_columns = edit_exclude_columns = ["insurances", "created_at"]
    base_order = ("unit_no", "asc")
    validators_columns = {"unit_no": [UNIT_NUMBER]}
    add_form_extra_fields = edit_form_extra_fields = {
        "status": code_choice(_("单位状态"), CODES["unit.status"])}
    in_use_what = _("该单位")
    # A new unit is registered under codes still in use; a unit keeps an ended one it has.
    add_form_query_rel_fields = {"industry": [["active", FilterEqual, True]],
                                 "bank_branch": [["active", FilterEqual, True]]}
    used_keys = ("unit_no",)  # the unit's login account is named by it
    in_use_instead = _("不再参保的单位，请编辑它并将单位状态改为“注销”。")
    # Checked as C6 单位基本信息变更 checks them (SMS codes go to this phone), and the credit code
    # registration shows; optional here: the registry may not know them all yet.
    checked_fields = (
        Field("credit_code", "统一社会信用代码", "credit_code", required=False),
        *(replace(f, required=False) for f in BUSINESSES["C6"].fields
          if f.name in ("contact_phone", "contact_name", "legal_person", "postcode")))

    def check(self, item):
        for field in self.checked_fields:
            try:
                setattr(item, field.name, clean(field, getattr(item, field.name)))
            except RuleError as refused:
                raise refuse(field.name, refused) from None


class RateView(AdminView):
    """费率 (G4): each row checked against the others of its 险种 and class (rules.rates)."""

    datamodel = QueryInterface(Rate)
    list_title = _("费率")
    list_columns = ["insurance", "risk_class", "unit_rate", "personal_rate", "start_month",
                    "end_month"]
    search_columns = ["insurance", "risk_class", "start_month"]
    search_filters = {"start_month": MONTH_RANGE}
    label_columns = {"risk_class": _("工伤风险类别"), "unit_rate": _("单位费率"),
                     "personal_rate": _("个人费率"), "start_month": _("执行起始年月"),
                     "end_month": _("执行终止年月")}
    base_order = ("start_month", "desc")
    validators_columns = {"risk_class": risk_class(required=False)}  # the rates: check_rate
    in_use_what = _("该费率")
    used_keys = ("insurance", "risk_class")
    in_use_instead = _("不再执行的费率，请编辑它并填写执行终止年月，再新增此后执行的费率。")

    def check(self, item):
        if item.insurance is None:
            raise refuse("insurance", _("请选择险种"))
        with db.session.no_autoflush:  # the edited row must not reach the table before it passes
            others = db.session.execute(
                select(Rate.start_month, Rate.end_month).where(
                    Rate.insurance_id == item.insurance.id, Rate.id != (item.id or 0),
                    Rate.risk_class.is_(None) if item.risk_class is None
                    else Rate.risk_class == item.risk_class)).all()
        check_rate(item.insurance.code, item.risk_class, item.unit_rate, item.personal_rate,
                   RatePeriod(item.start_month, item.end_month),
                   [RatePeriod(*other) for other in others])


class YearParameterView(AdminView):
    """年度参数 (G4): the base limits, the declaration window, the 记账利率 and the 滞纳金 terms
    of the year's fee months. A change reaches months assessed after it: billed and paid ledger
    rows keep their amounts (the assessment never rewrites them)."""

    datamodel = QueryInterface(YearParameter)
    list_title = _("年度参数")
    list_columns = ["year", "average_wage", "floor_pct", "cap_pct", "base_floor", "base_cap",
                    "window_start", "window_end", "interest_rate", "late_fee_rate", "due_day"]
    search_columns = ["year"]
    label_columns = {"year": _("年度"), "average_wage": _("社会平均工资"),
                     "floor_pct": _("下限比例(%)"), "cap_pct": _("上限比例(%)"),
                     "base_floor": _("缴费基数下限"), "base_cap": _("缴费基数上限"),
                     "window_start": _("申报开始日期"), "window_end": _("申报截止日期"),
                     "interest_rate": _("记账利率"), "late_fee_rate": _("滞纳金日费率"),
                     "due_day": _("次月缴费截止日")}
    description_columns = {
        "interest_rate": _("养老保险个人账户记账利率，填小数：0.0262表示2.62%；未公布可不填"),
        "late_fee_rate": _("欠缴社会保险费每日加收的滞纳金比例，填小数：0.0005表示每日0.05%"),
        "due_day": _("本年度各月费款在次月的第几日前缴纳（1至31，超过当月天数按月末）"),
    }
    base_order = ("year", "desc")
    # The floor and cap follow from the average wage and the percentages (RULES.md §3).
    add_exclude_columns = edit_exclude_columns = ["base_floor", "base_cap"]
    validators_columns = {"year": [year_field], "interest_rate": [fraction]}
    in_use_what = _("该年度参数")
    used_keys = ("year",)
    in_use_instead = _("已使用的年度参数只能修改，不能删除。")

    def check(self, item):
        check_year_terms(item.interest_rate, item.late_fee_rate, item.due_day)
        try:
            check_window(item.window_start, item.window_end)
        except RuleError as refused:
            raise refuse("window_end", refused) from None
        try:
            limits = year_limits(item.average_wage, item.floor_pct, item.cap_pct)
        except RuleError as refused:
            raise refuse("average_wage" if item.average_wage is None or item.average_wage <= 0
                         else "floor_pct", refused) from None
        item.base_floor, item.base_cap = (to_fen(limit) for limit in limits)


class AuditLogView(AdminView):
    """审计日志: read-only, newest first."""

    datamodel = QueryInterface(AuditLog)
    base_permissions = ["can_list", "can_show", "can_export"]
    exclude_route_methods = {"add", "edit", "delete", "download"}
    list_title = _("审计日志")
    list_columns = ["at", "username", "unit_id", "action", "target_type", "target_id",
                    "success", "ip"]
    search_columns = ["at", "username", "unit_id", "action", "success", "ip"]
    search_filters = {"at": DATE_RANGE}
    formatters_columns = {"action": audit_action, "target_type": target_label}
    label_columns = {"at": _("时间"), "username": _("用户名"), "unit_id": _("单位ID"),
                     "action": _("操作"), "target_type": _("对象类型"),
                     "target_id": _("对象ID"), "success": _("成功"), "ip": _("IP地址"),
                     "user_id": _("用户ID"), "detail": _("详情")}
    base_order = ("at", "desc")


class SmsMessageView(AdminView):
    """短信记录: what the SMS gateway took (the outbox backend only stores it), newest first."""

    datamodel = QueryInterface(SmsMessage)
    base_permissions = ["can_list", "can_show", "can_export"]
    exclude_route_methods = {"add", "edit", "delete", "download"}
    list_title = _("短信记录")
    list_columns = ["created_at", "phone", "purpose", "backend", "status", "content"]
    search_columns = ["created_at", "phone", "purpose", "status"]
    search_filters = {"created_at": DATE_RANGE}
    label_columns = {"created_at": _("时间"), "phone": _("手机号码"), "purpose": _("用途"),
                     "backend": _("发送通道"), "status": _("状态"), "content": _("短信内容"),
                     "error": _("错误"), "sent_at": _("发送时间"), "unit_id": _("单位ID")}
    base_order = ("created_at", "desc")
