"""Security headers on every response (the rest of the hardening lives in config.py)."""
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    if app.config.get("PROXY_FIX"):
        # Behind the reverse proxy: the client address (audit, rate limits) and scheme come
        # from its X-Forwarded-* headers, trusted for one hop only.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
