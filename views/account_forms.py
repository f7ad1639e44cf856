"""The forms of the account pages (A1–A8). Labels are Chinese msgids, translated by Babel."""
from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

REQUIRED = _("必填")


class CaptchaMixin:
    captcha = StringField(_("验证码"), validators=[Length(max=8)])


class LoginForm(CaptchaMixin, FlaskForm):
    username = StringField(_("单位编号或用户名"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_("密码"), validators=[DataRequired(REQUIRED)])


class RegistrationForm(CaptchaMixin, FlaskForm):
    unit_no = StringField(_("单位编号"), validators=[
        DataRequired(REQUIRED), Regexp(r"^\s*\d{6,20}\s*$", message=_("单位编号应为数字"))])
    insurance = SelectField(_("业务范围（参保险种）"), validators=[DataRequired(REQUIRED)])


class CodeForm(FlaskForm):
    code = StringField(_("短信验证码"), validators=[
        DataRequired(REQUIRED), Regexp(r"^\s*\d{6}\s*$", message=_("验证码为6位数字"))])


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_("当前密码"), validators=[DataRequired(REQUIRED)])
    new = PasswordField(_("新密码"), validators=[DataRequired(REQUIRED)])
    repeat = PasswordField(_("确认新密码"), validators=[DataRequired(REQUIRED)])


class LinkForm(FlaskForm):
    business_no = StringField(_("业务单位编号"), validators=[DataRequired(REQUIRED)])
    code = StringField(_("短信验证码"))


class ResetForm(CaptchaMixin, FlaskForm):
    login = StringField(_("单位编号"), validators=[DataRequired(REQUIRED)])
    code = StringField(_("短信验证码"))
    new = PasswordField(_("新密码"))
    repeat = PasswordField(_("确认新密码"))
