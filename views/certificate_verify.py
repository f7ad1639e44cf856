"""/verify/<code> (H4): anyone — a school, a bank, the printed QR code — checks a 参保缴费证明.

No login and no permission: FAB's ``has_access`` is not used, so the page answers the public.
It shows what the server stored when the certificate was printed (Certificate.facts), with the
social security number masked (first 6, last 4), or "not found". An unknown code, a malformed
one and one of another shape all answer alike — the same page, the same status (404), one
indexed query — and each is an audit row. Every address may try VERIFY_RATE_LIMIT times
(Flask-Limiter, FAB's own limiter on this blueprint; memory or RATELIMIT_STORAGE_URI); past it
the answer is 429 with Retry-After, and an audit row.
"""
import time

from flask import current_app, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import gettext as __

from app import audit
from app.certificate.issue import find
from reports.certificate import shown
from rules.certificate import normalize_code

DEFAULT_LIMIT = "20 per minute;200 per day"


class VerifyView(BaseView):
    route_base = "/verify"
    default_view = "index"

    @expose("/")
    def index(self):
        typed = (request.args.get("code") or "").strip()
        if typed:
            code = normalize_code(typed)
            return redirect(url_for("VerifyView.show", code=code or typed[:40]))
        return self.render_template("certificate/verify.html", certificate=None, asked=False,
                                    typed="")

    @expose("/<string:code>")
    def show(self, code):
        certificate = find(code)
        if certificate is None:
            audit.record_now("certificate_not_found", success=False,
                             detail={"code": str(code)[:40]})
            response = self.render_template("certificate/verify.html", certificate=None,
                                            asked=True, typed=str(code)[:40])
            return response, 404
        facts = shown(certificate.facts, certificate.code, mask=True)
        return self.render_template("certificate/verify.html", certificate=facts, asked=True,
                                    typed=certificate.code, issued_at=certificate.issued_at)


def limit(appbuilder, view) -> None:
    """Hold every address to VERIFY_RATE_LIMIT on the whole blueprint, answering 429 with
    Retry-After (FAB_NOTES: RATELIMIT_ENABLED must be True, as config.py sets it)."""
    limiter = appbuilder.sm.limiter
    limiter.limit(lambda: current_app.config.get("VERIFY_RATE_LIMIT", DEFAULT_LIMIT),
                  on_breach=_breached)(view.blueprint)
    # The blueprint is registered already: the 429 page is the app's, for this blueprint only.
    current_app.register_error_handler(
        429, lambda error: _too_many(view, limiter)
        if request.blueprint == view.blueprint.name else error)


def _breached(request_limit) -> None:
    audit.record_now("certificate_rate_limited", success=False,
                     detail={"limit": str(request_limit.limit), "path": request.path[:100]})


def _too_many(view, limiter):
    current = limiter.current_limit
    wait = max(1, int((current.reset_at if current else time.time() + 60) - time.time()))
    body = view.render_template("certificate/verify.html", certificate=None, asked=False,
                                typed="", too_many=__("查询过于频繁，请%(seconds)s秒后再试",
                                                      seconds=wait))
    return body, 429, {"Retry-After": str(wait)}
