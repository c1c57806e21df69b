"""Security headers on every response, and no cookie at all on the public pages."""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def mark_public() -> None:
    """Mark this request as a public (worker-facing) page: it will never set a cookie."""
    g.public_page = True


def is_public() -> bool:
    return bool(g.get("public_page"))


class PublicAwareSessionInterface(SecureCookieSessionInterface):
    """The staff session cookie, never sent from a public page."""

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if is_public():
            return False
        return super().should_set_cookie(app, session)


def _set_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # same-origin keeps the Referer that Flask-WTF checks over HTTPS, and leaks nothing outside
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "geolocation=(), microphone=(), interest-cohort=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if is_public():
        headers["Cache-Control"] = "no-store"
        headers.add("Vary", "Accept-Language")
    return response


def init_app(app: Flask) -> None:
    app.session_interface = PublicAwareSessionInterface()
    app.after_request(_set_headers)
