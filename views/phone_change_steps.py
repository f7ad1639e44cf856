"""The extra step of a declaration that changes the 专管员 phone on record (C6): a code sent to
the OLD phone, typed back on the 核对 page, before the declaration may be submitted
(app/declarations/phone_change.py). Mixed into DeclarationWizard; 404 for a business without
the phone field."""
from flask import abort, flash, g, redirect, request
from flask_appbuilder import expose, has_access
from flask_babel import gettext as __

from app.declarations import phone_change
from app.errors import DomainError
from app.extensions import db

PHONE_PERMISSIONS = {"phone_send": "check", "phone_confirm": "check"}


class PhoneChangeSteps:
    @expose("/<int:pk>/phone/send/", methods=["POST"])
    @has_access
    def phone_send(self, pk):
        declaration = self._phone_change(pk)
        try:
            masked = phone_change.send_code(declaration, g.user)
            flash(__("验证码已发送至原专管员手机%(phone)s", phone=masked), "info")
        except DomainError as refused:
            db.session.rollback()
            flash(refused.message, "danger")
        return redirect(self._url("check", declaration))

    @expose("/<int:pk>/phone/confirm/", methods=["POST"])
    @has_access
    def phone_confirm(self, pk):
        declaration = self._phone_change(pk)
        try:
            phone_change.confirm(declaration, g.user, request.form.get("code", ""))
            flash(__("手机变更已由原手机验证"), "success")
        except DomainError as refused:
            db.session.rollback()
            flash(refused.message, "danger")
        return redirect(self._url("check", declaration))

    def _phone_change(self, pk):
        if phone_change.FIELD not in {f.name for f in self.business.fields}:
            abort(404)
        return self._load(pk)
