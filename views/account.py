"""账号设置 (A8) and the steps a new account must take first: 激活 (A3) by an SMS code to the
专管员 phone on record, then 修改密码 (A2). 关联业务单位 (A4) links the unit's other 险种."""
from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy import select

from app import accounts, captcha, sessions
from app.errors import DomainError
from app.extensions import db
from app.roles import EMPLOYER, REVIEWER
from app.verification import mask_phone
from models.unit import UnitInsurance
from views.account_forms import CodeForm, LinkForm, PasswordChangeForm


class AccountView(BaseView):
    route_base = "/account"
    default_view = "settings"
    class_permission_name = "Account"
    method_permission_name = {
        "settings": "read", "activate": "read", "send_activation": "read",
        "password": "read", "link": "read",
    }
    role_access = {EMPLOYER: {"can_read"}, REVIEWER: {"can_read"}}

    @expose("/activate/", methods=["GET", "POST"])
    @has_access
    def activate(self):
        user = g.user
        if user.activated or user.unit_id is None:
            return redirect(url_for("AccountView.settings"))
        form = CodeForm()
        if form.validate_on_submit():
            try:
                accounts.activate(user, form.code.data.strip())
            except DomainError as refused:
                db.session.rollback()
                flash(_(refused.message), "danger")
            else:
                flash(_("账号激活成功，请修改初始密码"), "success")
                return redirect(url_for("AccountView.password"))
        return self._code_page("account/activate.html", form, "AccountView.send_activation")

    @expose("/activate/send/", methods=["POST"])
    @has_access
    def send_activation(self):
        if g.user.activated or g.user.unit_id is None:  # nothing to activate: no code is sent
            flash(_("账号已激活，无需再获取激活码"), "warning")
            return redirect(url_for("AccountView.settings"))
        if captcha.check(request.form.get("captcha")):
            _send(lambda: accounts.send_activation_code(g.user))
        else:
            flash(_("验证码错误，请重新输入（不区分大小写）"), "danger")
        return redirect(url_for("AccountView.activate"))

    @expose("/password/", methods=["GET", "POST"])
    @has_access
    def password(self):
        form = PasswordChangeForm()
        if form.validate_on_submit():
            try:
                accounts.change_password(g.user, form.current.data, form.new.data,
                                         form.repeat.data)
            except DomainError as refused:
                db.session.rollback()
                flash(_(refused.message), "danger")
            else:
                sessions.remember(g.user)  # this session stays; every other one has ended
                flash(_("密码修改成功"), "success")
                return redirect(self.appbuilder.get_url_for_index)
        return self.render_template("account/password.html", form=form,
                                    forced=g.user.must_change_password)

    @expose("/")
    @has_access
    def settings(self):
        user = g.user
        registrations = []
        if user.unit_id:
            registrations = db.session.scalars(
                select(UnitInsurance).where(UnitInsurance.unit_id == user.unit_id)
                .order_by(UnitInsurance.insurance_id)).all()
        return self.render_template("account/settings.html", user=user, unit=user.unit,
                                    registrations=registrations,
                                    phone=mask_phone(getattr(user.unit, "contact_phone", None)))

    @expose("/link/", methods=["GET", "POST"])
    @has_access
    def link(self):
        """Enter a 业务单位编号, see it, get a code, confirm with the code."""
        user = g.user
        form = LinkForm()
        registration = None
        if user.unit_id is None:
            flash(_("经办机构账号无需关联业务单位"), "warning")
            return redirect(url_for("AccountView.settings"))
        if form.validate_on_submit():
            action = request.form.get("action")
            try:
                registration = accounts.linkable(user, form.business_no.data)
                if action == "send":
                    accounts.send_link_code(user, registration.business_no)
                    flash(_("验证码已发送至专管员手机 %(phone)s",
                            phone=mask_phone(user.unit.contact_phone)), "info")
                elif action == "confirm":
                    accounts.link(user, registration.business_no, form.code.data or "")
                    flash(_("已关联业务单位编号 %(no)s", no=registration.business_no), "success")
                    return redirect(url_for("AccountView.settings"))
            except DomainError as refused:
                db.session.rollback()
                flash(_(refused.message), "danger")
        return self.render_template("account/link.html", form=form, registration=registration,
                                    phone=mask_phone(user.unit.contact_phone))

    def _code_page(self, template, form, send_endpoint):
        return self.render_template(template, form=form, send_endpoint=send_endpoint,
                                    captcha_enabled=captcha.enabled(),
                                    phone=mask_phone(g.user.unit.contact_phone))


def _send(issue) -> None:
    try:
        issue()
    except DomainError as refused:
        db.session.rollback()
        flash(_(refused.message), "danger")
    else:
        flash(_("激活码已发送至专管员手机，10分钟内有效"), "info")
