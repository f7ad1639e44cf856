"""登录 (A5): unit number or user name + password + image captcha, with lockout, and the
captcha image itself (public, "看不清楚？换一张" fetches a new one)."""
from flask import flash, g, make_response, redirect, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.views import AuthDBView
from flask_appbuilder.utils.base import get_safe_redirect
from flask_babel import gettext as _
from flask_login import login_user

from app import captcha
from app.login import LoginRefused, authenticate
from views.account_forms import LoginForm


class LoginView(AuthDBView):
    login_template = "account/login.html"

    @expose("/login/", methods=["GET", "POST"])
    def login(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(self.appbuilder.get_url_for_index)
        form = LoginForm()
        if form.validate_on_submit():
            if not captcha.check(form.captcha.data):
                flash(_("验证码错误，请重新输入（不区分大小写）"), "danger")
            else:
                try:
                    user = authenticate(form.username.data, form.password.data)
                except LoginRefused as refused:
                    flash(refused.message, "danger")
                else:
                    login_user(user, remember=False)
                    return redirect(get_safe_redirect(request.args.get("next", "")))
        form.password.data = ""
        return self.render_template(self.login_template, title=_("用户登录"), form=form,
                                    captcha_enabled=captcha.enabled(),
                                    appbuilder=self.appbuilder)


class CaptchaView(BaseView):
    route_base = "/captcha"
    default_view = "image"

    @expose("/image.png")
    def image(self):
        response = make_response(captcha.new_image())
        response.headers["Content-Type"] = "image/png"
        response.headers["Cache-Control"] = "no-store"
        return response
