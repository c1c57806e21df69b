"""Signed, expiring one-time submission tokens for the cookie-less public forms.

A rendered form carries a token holding a random nonce. It proves the form came from us
(standing in for CSRF protection, which would need a cookie) and makes a resubmission of the
same form idempotent: the nonce's hash is unique on the report, and the receipt code is
derived from the nonce, so a repeat can show the first receipt again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


@dataclass(frozen=True)
class FormToken:
    nonce: str
    expired: bool


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"form-token|{purpose}")


def issue(purpose: str) -> str:
    """A fresh token for a form serving `purpose` (e.g. a location code)."""
    return _serializer(purpose).dumps({"n": secrets.token_urlsafe(16)})


def read(token: str, purpose: str) -> FormToken | None:
    """The token's nonce and whether it expired; None when it is forged or belongs elsewhere."""
    serializer = _serializer(purpose)
    max_age = current_app.config["FORM_TOKEN_MAX_AGE"]
    try:
        data = serializer.loads(token, max_age=max_age)
        expired = False
    except SignatureExpired:
        try:
            data = serializer.loads(token)
        except BadSignature:
            return None
        expired = True
    except BadSignature:
        return None
    nonce = data.get("n") if isinstance(data, dict) else None
    if not isinstance(nonce, str) or len(nonce) < 16:
        return None
    return FormToken(nonce=nonce, expired=expired)
