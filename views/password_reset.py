"""找回密码 (A7): a code to the 专管员 phone on record, then a new password. Center staff ask
an admin instead (系统管理 → 用户)."""
from flask import flash, redirect, request
from flask_appbuilder import BaseView, expose
from flask_babel import gettext as _

from app import accounts, captcha
from app.errors import DomainError
from app.extensions import db
from views.account_forms import ResetForm


class PasswordResetView(BaseView):
    route_base = "/reset"
    default_view = "reset"

    @expose("/", methods=["GET", "POST"])
    def reset(self):
        form = ResetForm()
        if form.validate_on_submit():
            try:
                if request.form.get("action") == "send":
                    self._send(form)
                else:
                    accounts.reset_password(form.login.data, form.code.data or "",
                                            form.new.data or "", form.repeat.data or "")
                    flash(_("密码已重置，请使用新密码登录"), "success")
                    return redirect(self.appbuilder.get_url_for_login)
            except DomainError as refused:
                db.session.rollback()
                flash(_(refused.message), "danger")
        return self.render_template("account/reset.html", form=form,
                                    captcha_enabled=captcha.enabled())

    def _send(self, form) -> None:
        if not captcha.check(form.captcha.data):
            raise DomainError(_("验证码错误，请重新输入（不区分大小写）"))
        accounts.send_reset_code(form.login.data)
        # The same answer whether or not the number has an account (and whether or not its
        # phone may be sent another code now): the page must not tell which numbers exist.
        flash(_("如该单位编号已注册网上服务账号，验证码已发送至单位登记的专管员手机，10分钟内有效"),
              "info")
