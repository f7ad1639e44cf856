"""Security headers on every response, and a per-request CSP nonce.

A response to a signed-in user (page, export, PDF, JSON) is never stored by the browser or a
proxy (``Cache-Control: no-store``): after logout, the back button or a shared machine's cache
must not show it again. Static files keep their caching.

FAB's templates mark every inline script with ``baselib.get_nonce()``, which calls a
``csp_nonce()`` template global when one exists: giving it one lets the policy forbid every
inline script that was not rendered by us in this response."""
import secrets

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    if app.config.get("PROXY_FIX"):
        # Behind the reverse proxy: the client address (audit, rate limits) and scheme come
        # from its X-Forwarded-* headers, trusted for one hop only.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", _policy(csp_nonce()))
        if _signed_in() and not _static():
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response


def _signed_in() -> bool:
    user = getattr(g, "user", None)
    return bool(getattr(user, "is_authenticated", False)) or "Authorization" in request.headers


def _static() -> bool:
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _policy(nonce: str) -> str:
    # Styles stay 'unsafe-inline': FAB's templates use style attributes throughout.
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ])
