"""A new account can do nothing but activate (A3), then nothing but change its password (A2),
until both are done. Runs before every request, the API included."""
from flask import Flask, g, jsonify, redirect, request, url_for
from werkzeug.local import LocalProxy

OPEN = {"static", "appbuilder.static", "LoginView.logout", "CaptchaView.image",
        "LocaleView.index"}
WHILE_INACTIVE = OPEN | {"AccountView.activate", "AccountView.send_activation"}
WHILE_PASSWORD_DUE = OPEN | {"AccountView.password"}


def init_app(app: Flask) -> None:
    @app.before_request
    def _gate():
        user = getattr(g, "user", None)
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        if isinstance(user, LocalProxy):  # FAB sets Flask-Login's proxy: every read of it
            g.user = user = user._get_current_object()  # went through two lookups
        if not getattr(user, "activated", True):
            return _hold(WHILE_INACTIVE, "AccountView.activate", "账号尚未激活")
        if getattr(user, "must_change_password", False):
            return _hold(WHILE_PASSWORD_DUE, "AccountView.password", "请先修改初始密码")
        return None


def _hold(allowed: set, target: str, reason: str):
    if request.endpoint in allowed or request.endpoint is None:
        return None
    if request.path.startswith("/api/"):
        from views.message_i18n import json_message

        return jsonify(message=json_message(reason)), 403
    return redirect(url_for(target))
