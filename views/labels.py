"""Every code → Chinese label the screens show, in one place.

``CODES`` maps ``table.column`` to its code labels: list formatters, show pages, search dropdowns
and Excel exports all read it (``code_label``), so a status is worded the same everywhere.
``COLUMNS`` holds the column labels the screens share; a view declares only the labels it words
differently. The API keeps the raw codes: they are the machine-readable contract.
"""
from decimal import Decimal

from flask import g
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _
from wtforms.fields.choices import SelectChoice

from app.extensions import db
from app.verification import PURPOSES
from models.reference import Insurance
from rules.business import BUSINESSES
from rules.workflow import EVENT_NAMES

YES_NO = {True: _("是"), False: _("否")}

CODES = {
    "unit.status": {"normal": _("正常"), "suspended": _("暂停"), "closed": _("注销")},
    "unit_insurance.status": {"normal": _("正常参保"), "suspended": _("暂停缴费"),
                              "closed": _("终止参保")},
    "person.gender": {"male": _("男"), "female": _("女")},
    "person.hukou": {"城镇": _("城镇"), "农村": _("农村")},  # stored as the words themselves
    "enrollment.category": {"active": _("在职"), "retired": _("退休")},
    "enrollment.status": {"normal": _("正常参保"), "suspended": _("暂停缴费"),
                          "ended": _("终止参保")},
    "change_reason.kind": {"add": _("增员"), "reduce": _("减员")},
    "unit_contribution.status": {"unpaid": _("未缴费"), "partial": _("部分缴费"),
                                 "paid": _("已缴费")},
    "bill.kind": {"regular": _("正常缴费"), "back_payment": _("补缴")},
    "bill.status": {"unpaid": _("未支付"), "paying": _("支付中"), "paid": _("已支付"),
                    "failed": _("支付失败"), "void": _("已作废")},
    "payment.status": {"pending": _("支付中"), "success": _("支付成功"),
                       "failed": _("支付失败"), "abandoned": _("已放弃")},
    "payment.channel": {"demo_bank": _("演示银行")},
    "reconciliation_mismatch.kind": {"amount_differs": _("金额不一致"),
                                     "bank_only": _("银行已收款，本系统未入账"),
                                     "ledger_only": _("本系统已入账，银行无此笔收款")},
    "declaration.status": {
        "draft": _("未提交"), "submitted": _("提交后等待处理"), "reviewing": _("正在处理"),
        "approved": _("处理成功"), "rejected": _("处理失败"), "partial": _("部分处理成功"),
        "void": _("已作废"),
    },
    "declaration_item.status": {"pending": _("待审核"), "approved": _("审核通过"),
                                "rejected": _("审核不通过")},
    # 业务类型: the registry's businesses and names (no business it does not hold).
    "declaration.business_code": {code: _(b.name) for code, b in BUSINESSES.items()},
    "declaration_event.action": {name: _(label) for name, label in EVENT_NAMES.items()},
    "material.material_type": {m.code: _(m.name) for b in BUSINESSES.values()
                               for m in b.materials},
    "sms_message.purpose": {name: _(label) for name, label in PURPOSES.items()},
    "sms_message.status": {"queued": _("待发送"), "sent": _("已发送"), "failed": _("发送失败")},
    "sms_message.backend": {"outbox": _("站内记录（未真实发送）"), "http": _("短信网关")},
}

UNIT = {
    "unit_no": _("单位编号"),
    "name": _("单位名称"),
    "credit_code": _("统一社会信用代码"),
    "unit_type": _("单位类型"),
    "industry": _("行业"),
    "legal_person": _("法定代表人"),
    "address": _("单位地址"),
    "postcode": _("邮政编码"),
    "contact_name": _("专管员"),
    "contact_phone": _("专管员手机"),
    "bank_branch": _("开户银行"),
    "bank_account": _("银行账号"),
    "withholding": _("银行代扣"),
    "vip": _("VIP单位"),
    "status": _("单位状态"),
    "region": _("所属区域"),
}
PERSON = {
    "id_number": _("社会保障号码"),
    "name": _("姓名"),
    "gender": _("性别"),
    "birth_date": _("出生日期"),
    "nation": _("民族"),
    "phone": _("手机号码"),
    "address": _("居住地址"),
    "hukou": _("户口性质"),
    "first_work_month": _("参加工作年月"),
}

# Labels shared by the screens, by column (dotted for related columns).
COLUMNS = {
    **{f"unit.{column}": label for column, label in UNIT.items()},
    **{f"person.{column}": label for column, label in PERSON.items()},
    "unit": _("参保单位"),
    "insurance": _("险种"),
    "business_no": _("业务单位编号"),
    "person": _("参保人员"),
    "category": _("职工类别"),
    "status": _("状态"),
    "start_month": _("起始年月"),
    "end_month": _("终止年月"),
    "month": _("费款所属期"),
    "base": _("缴费基数"),
    "unit_amount": _("单位缴费"),
    "personal_amount": _("个人缴费"),
    "late_fee": _("滞纳金"),
    "total": _("合计"),
    "add_reason": _("增加原因"),
    "reduce_reason": _("减少原因"),
    "employment_form": _("用工形式"),
    "person_category": _("人员类别"),
    "created_at": _("创建时间"),
    "code": _("代码"),
    "name": _("名称"),
    "active": _("有效"),
}


def code_label(key: str, value):
    """The label of one code; unknown codes show as they are (never a blank cell)."""
    if value is None or value == "":
        return ""
    return CODES.get(key, {}).get(value, value)


def code_formatter(key: str):
    return lambda value: code_label(key, value)


def yes_no(value) -> str:
    return "" if value is None or value == "" else YES_NO[bool(value)]


def percent(value) -> str:
    """Rate fraction → percent text: Decimal("0.0048") → "0.48%"."""
    if value is None or value == "":
        return ""
    text = format((Decimal(value) * 100).normalize(), "f")
    return f"{text}%"


def insurance_names(codes) -> str:
    """Codes "110,210" as "养老保险、失业保险" (the 险种 table's short names, read once a request,
    in the page's language)."""
    names = _insurances()
    return list_separator().join(insurance_short_name(names.get(code.strip(), code.strip()))
                    for code in (codes or "").split(",") if code.strip())


def list_separator() -> str:
    """Chinese lists join with 、, English ones with a comma."""
    return "、" if str(get_locale() or "zh").startswith("zh") else ", "


def insurance_short_name(short: str) -> str:
    """"养老" → "养老保险" in Chinese, "Pension" in English: a short name read on its own is a
    word, not a 险种."""
    return gettext("%(short)s保险", short=gettext(short)) if short else ""


def code_table_name(name) -> str:
    """A 险种's full name, or another translated code table's name (a Chinese msgid), in the
    page's language; a name the catalogues lack shows as it is."""
    return gettext(str(name)) if name not in (None, "") else ""


def insurance_choices():
    """Every 险种 as a choice (code, name), for search dropdowns on code-list columns."""
    rows = db.session.query(Insurance.code, Insurance.name).order_by(Insurance.sort)
    return [SelectChoice(code, code_table_name(name)) for code, name in rows]


def _insurances():
    if "insurance_short_names" not in g:
        rows = db.session.query(Insurance.code, Insurance.short_name)
        g.insurance_short_names = dict(rows)
    return g.insurance_short_names
