"""单位注册 (A1): 单位编号 + 业务范围 + captcha; the page then shows what the registry holds
(name, credit code, masked 专管员 phone) and, once confirmed, the initial password, once."""
from flask import flash, g, redirect, session, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import gettext as _
from sqlalchemy import select

from app import accounts, captcha
from app.errors import DomainError
from app.extensions import db
from app.verification import mask_phone
from models.reference import Insurance
from views.account_forms import RegistrationForm

PENDING = "registration_pending"


class RegistrationView(BaseView):
    route_base = "/register"
    default_view = "start"

    @expose("/", methods=["GET", "POST"])
    def start(self):
        if g.user is not None and g.user.is_authenticated:
            flash(_("已登录的账号不能再注册单位账号"), "warning")
            return redirect(self.appbuilder.get_url_for_index)
        form = _form()
        if form.validate_on_submit():
            if not captcha.check(form.captcha.data):
                flash(_("验证码错误，请重新输入（不区分大小写）"), "danger")
            else:
                try:
                    unit, _registration = accounts.find_registration(
                        form.unit_no.data, form.insurance.data)
                except DomainError as refused:
                    flash(refused.message, "danger")
                else:
                    session[PENDING] = {"unit_no": unit.unit_no,
                                        "insurance": form.insurance.data}
                    return redirect(url_for("RegistrationView.confirm"))
        return self.render_template("account/register.html", form=form,
                                    captcha_enabled=captcha.enabled())

    @expose("/confirm/")
    def confirm(self):
        pending = session.get(PENDING)
        if not pending:
            return redirect(url_for("RegistrationView.start"))
        try:
            unit, registration = accounts.find_registration(pending["unit_no"],
                                                            pending["insurance"])
        except DomainError as refused:
            session.pop(PENDING, None)
            flash(refused.message, "danger")
            return redirect(url_for("RegistrationView.start"))
        return self.render_template(
            "account/register_confirm.html", unit=unit, registration=registration,
            phone=mask_phone(unit.contact_phone))

    @expose("/save/", methods=["POST"])
    def save(self):
        # CSRFProtect has already checked the token of this POST.
        pending = session.pop(PENDING, None)
        if not pending:
            flash(_("页面已过期，请重新填写"), "danger")
            return redirect(url_for("RegistrationView.start"))
        try:
            user, initial = accounts.register(pending["unit_no"], pending["insurance"])
        except DomainError as refused:
            db.session.rollback()
            flash(refused.message, "danger")
            return redirect(url_for("RegistrationView.start"))
        return self.render_template("account/register_done.html", user=user, initial=initial)


def _form() -> RegistrationForm:
    form = RegistrationForm()
    form.insurance.choices = [
        (i.code, i.name) for i in db.session.scalars(
            select(Insurance).where(Insurance.active.is_(True)).order_by(Insurance.code))]
    return form

