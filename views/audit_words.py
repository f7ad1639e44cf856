"""The audit log's actions and targets as words (审计日志).

Actions are written as codes (app/audit.py callers): fixed ones (``login``), a declaration's
transition (``declaration_submit``, named in rules/workflow.py) and an admin screen's change of a
row (``rate_update``: the table, then add / update / delete). Each reads as words here; a code
nobody named shows as it is, never as a blank.
"""
from functools import cache

from flask_babel import gettext
from flask_babel import lazy_gettext as _

from rules.workflow import EVENT_NAMES

ACTIONS = {
    "login": _("登录"), "register": _("注册账号"), "activate": _("激活账号"),
    "password_change": _("修改密码"), "password_reset": _("找回密码"),
    "password_reset_by_admin": _("管理员重置密码"), "insurance_link": _("关联业务单位"),
    "sms_send": _("发送短信验证码"), "material_upload": _("上传电子材料"),
    "batch_import": _("批量导入"), "declaration_phone_confirmed": _("原手机验证确认"),
    "statistics_refused": _("统计分析查询条件无效"),
    # Online payment (D4)
    "payment_start": _("发起支付"), "payment_abandon": _("放弃支付"),
    "payment_success": _("支付成功入账"), "payment_failed": _("支付失败"),
    "payment_replay": _("重复的支付通知"), "payment_conflict": _("支付结果与银行不一致"),
    "payment_notify_refused": _("拒绝支付通知"), "payment_query_refused": _("拒绝银行查询结果"),
    "payment_reconcile": _("银行对账"),
    "bill_create": _("生成缴费单据"), "bill_void": _("作废缴费单据"),
    "bill_settle": _("缴费单据支付成功"), "bill_refused": _("缴费单据操作被拒绝"),
    "certificate_issue": _("打印缴费证明"), "certificate_refused": _("缴费证明打印被拒绝"),
    "certificate_not_found": _("核验缴费证明：未找到"),
    "certificate_rate_limited": _("核验缴费证明：请求过于频繁"),
    "pension_statement_refused": _("养老个人账户对账单查询被拒绝"),
    "contribution_form_print": _("打印社会保险费申报表"),
}
# A row of a table added, changed or deleted: one message per verb, so each language words it.
VERBS = {"add": "%(table)s新增", "update": "%(table)s修改", "delete": "%(table)s删除",
         "refused": "%(table)s录入未通过校验"}
# Tables an action or target names that no admin screen lists.
TARGETS = {
    "declaration": _("申报"), "phone": _("手机号码"), "unit": _("单位"), "user": _("用户"),
    "unit_insurance": _("单位参保登记"), "role": _("角色"), "group": _("用户组"),
    "payment": _("支付记录"), "reconciliation_run": _("银行对账"),
    "bill": _("缴费单据"),
}


@cache
def _table_labels() -> dict:
    """Table → the title of the admin screen that edits it (费率, 年度参数 …)."""
    from views import admin

    labels = dict(TARGETS)
    for view in vars(admin).values():
        model = getattr(getattr(view, "datamodel", None), "obj", None)
        if isinstance(view, type) and model is not None and getattr(view, "list_title", None):
            labels.setdefault(model.__tablename__, view.list_title)
    return labels


def target_label(value) -> str:
    if value in (None, ""):
        return ""
    return str(_table_labels().get(value, value))


def audit_action(value) -> str:
    if value in (None, ""):
        return ""
    if value in ACTIONS:
        return str(ACTIONS[value])
    if value.startswith("declaration_") and value[len("declaration_"):] in EVENT_NAMES:
        return gettext("申报%(event)s", event=gettext(EVENT_NAMES[value[len("declaration_"):]]))
    table, _sep, verb = value.rpartition("_")
    labels = _table_labels()
    if verb in VERBS and table in labels:
        return gettext(VERBS[verb], table=str(labels[table]))
    return value
