"""找回密码 (A7): a code to the 专管员 phone on record, then a new password. Center staff ask
an admin instead (系统管理 → 用户)."""
from flask import flash, redirect, request
from flask_appbuilder import BaseView, expose
from flask_babel import gettext as _

from app import accounts, captcha
from app.errors import DomainError
from app.extensions import db
from app.verification import mask_phone
from views.account_forms import ResetForm


class PasswordResetView(BaseView):
    route_base = "/reset"
    default_view = "reset"

    @expose("/", methods=["GET", "POST"])
    def reset(self):
        form = ResetForm()
        phone = None
        if form.validate_on_submit():
            try:
                if request.form.get("action") == "send":
                    phone = self._send(form)
                else:
                    accounts.reset_password(form.login.data, form.code.data or "",
                                            form.new.data or "", form.repeat.data or "")
                    flash(_("密码已重置，请使用新密码登录"), "success")
                    return redirect(self.appbuilder.get_url_for_login)
            except DomainError as refused:
                db.session.rollback()
                flash(refused.message, "danger")
        return self.render_template("account/reset.html", form=form, phone=phone,
                                    captcha_enabled=captcha.enabled())

    def _send(self, form) -> str:
        if not captcha.check(form.captcha.data):
            raise DomainError(_("验证码错误，请重新输入（不区分大小写）"))
        user = accounts.account_for_reset(form.login.data)
        accounts.send_reset_code(user.username)
        phone = mask_phone(user.unit.contact_phone)
        flash(_("验证码已发送至专管员手机 %(phone)s，10分钟内有效", phone=phone), "info")
        return phone
