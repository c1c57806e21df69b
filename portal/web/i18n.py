"""Language choice: an explicit ?lang= (or the form's hidden lang), else the browser's language."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from portal.config import PROJECT_ROOT
from portal.extensions import babel

LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def select_locale() -> str:
    """The page language: an explicit choice carried in the URL or form, else the signed-in
    staff member's saved language, else Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # words rendered by a command or a job
        return languages[0]
    try:
        chosen = request.form.get("switch_lang") or request.values.get("lang", "")
    except HTTPException:  # e.g. a body over the size limit: fall back to the browser's language
        chosen = request.args.get("lang", "")
    if chosen in languages:
        return chosen
    saved = getattr(current_user, "language", None)
    if saved in languages:
        return saved
    return request.accept_languages.best_match(languages) or languages[0]


def current_language() -> str:
    return str(get_locale() or "en")


def switch_language_url(lang: str) -> str:
    """The current URL with ?lang= set: how the language links on a page switch language."""
    args = request.args.to_dict()
    args["lang"] = lang
    return f"{request.path}?{urlencode(args)}"


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(PROJECT_ROOT / "portal" / "translations"),
    )
    app.jinja_env.globals.update(
        current_language=current_language,
        switch_language_url=switch_language_url,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
    )
