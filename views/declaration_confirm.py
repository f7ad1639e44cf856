"""What the wizard says around its irreversible steps: the question 提交, 废弃 and 退单 ask
first (in a dialog on the page; this module's page when the browser runs no script), and the
flash after 提交 saying what actually happened."""
from flask import redirect
from flask_babel import gettext as __
from flask_babel import lazy_gettext

from rules import workflow

QUESTIONS = {
    "submit": lazy_gettext(
        "确定提交本申报吗？提交后不能再修改；经办机构审核（VIP单位由系统即时自动审核）。"),
    "void": lazy_gettext("确定废弃本申报吗？废弃后不能恢复，须重新录入。"),
    "withdraw": lazy_gettext("确定退单吗？退单后本申报作废，如需办理须重新申报。"),
}


def confirmation_page(wizard, declaration, action):
    """The question of ``action`` on a page of its own, its button posting the action."""
    draft = declaration.status == workflow.DRAFT
    if action == "submit":
        question, label = QUESTIONS["submit"], __("提交")
    elif action == "void":
        question, label = (QUESTIONS["void"], __("废弃")) if draft else (
            QUESTIONS["withdraw"], __("退单"))
    else:  # 修改后重新提交, 设为已读: nothing is lost, the button acts at once
        return redirect(wizard._url("status", declaration))
    return wizard.render_template(
        "declaration/confirm.html", d=declaration, business=wizard.business, wizard=wizard,
        action=action, question=question, label=label,
        back=wizard._url("check" if draft else "status", declaration),
        cls="btn-primary" if action == "submit" else "btn-danger")


def submitted_message(declaration) -> tuple[str, str]:
    """The flash after 提交: what actually happened (a VIP unit's is decided at once)."""
    if declaration.status == workflow.APPROVED:
        return __("已提交，经系统自动审核通过（处理成功）"), "success"
    if declaration.status in (workflow.REJECTED, workflow.PARTIAL):
        return __("已提交，系统自动审核未通过，请查看回退原因，修改后重新提交"), "warning"
    return __("已提交，等待经办机构审核"), "success"
