"""Friendly error pages, in the visitor's language, with the security headers intact."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

PUBLIC_PREFIXES = ("/r/", "/kiosk/", "/followup")


def _is_public_path() -> bool:
    return request.path.startswith(PUBLIC_PREFIXES)


def _page(error: HTTPException, template: str = "errors/error.html") -> tuple[str, int]:
    if _is_public_path():
        from portal.web.security import mark_public

        mark_public()
    return render_template(template, error=error, code=error.code), error.code or 500


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> tuple[str, int] | Response:
        if error.response is not None:  # e.g. a rate limit that answers with its own page
            return error.response
        if error.code == 404 and error.description == "unknown_location":
            return _page(error, "errors/unknown_location.html")
        return _page(error)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> tuple[str, int]:
        return _page(error, "errors/csrf.html")

    @app.errorhandler(500)
    def _server_error(error: Exception) -> tuple[str, int]:
        return render_template("errors/error.html", error=error, code=500), 500
