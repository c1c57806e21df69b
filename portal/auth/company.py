"""Company sign-in: the OpenID Connect authorization code flow with Authlib.

`/login/company` sends the browser to the provider with a fresh state and nonce (kept in the
session); `/login/company/callback` takes the code back, checks the state, trades the code for
tokens at the provider, and checks the ID token: its signature against the provider's keys,
its issuer (the configured one, which the discovery document must name too), audience, nonce
and expiry. The claims then go through the rules of portal/domain/company.py. Any failure
gets one calm page; the log says why, without the address.
"""

from __future__ import annotations

import logging

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Flask, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from joserfc.errors import JoseError as JoseRfcError
from requests import RequestException
from werkzeug.wrappers import Response

from portal.auth import bp
from portal.auth.views import begin_second_step, finish_sign_in
from portal.domain import company
from portal.extensions import db
from portal.web.redirects import safe_next

log = logging.getLogger(__name__)
EXTENSION = "closecall_oidc"
NEXT = "company_next"  # the page to land on after company sign-in, in the session
SCOPE = "openid email profile"


class WrongIssuer(Exception):
    """The provider's discovery document names another issuer than the configured one."""


def init_app(app: Flask) -> None:
    """Register the provider when PORTAL_OIDC_ISSUER is set (each app its own client: the
    tests build many apps, each with its own provider)."""
    if not app.config.get("OIDC_ISSUER"):
        return
    oauth = OAuth(app)
    issuer = app.config["OIDC_ISSUER"]
    oauth.register(
        "company",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPE, "default_timeout": app.config["OIDC_TIMEOUT"]},
    )
    app.extensions[EXTENSION] = oauth


def _client():
    oauth = current_app.extensions.get(EXTENSION)
    if oauth is None:
        abort(404)
    return oauth.company


def _metadata(client) -> dict[str, object]:
    """The provider's discovery document, which must name the configured issuer."""
    metadata = client.load_server_metadata()
    if metadata.get("issuer") != current_app.config["OIDC_ISSUER"]:
        client.server_metadata.clear()  # asked again next time
        raise WrongIssuer(str(metadata.get("issuer")))
    return metadata


def _callback_url() -> str:
    """The address the provider sends the browser back to (register it at the provider):
    PORTAL_BASE_URL's, not the request's Host header."""
    return current_app.config["BASE_URL"] + url_for("auth.company_callback")


def _refused(message: object, status: int) -> tuple[str, int]:
    return render_template("auth/company_refused.html", message=message), status


@bp.get("/login/company")
def company_start() -> Response | tuple[str, int]:
    """Off to the company's sign-in page."""
    client = _client()
    if current_user.is_authenticated:
        return redirect(url_for("staff.home"), 303)
    try:
        _metadata(client)
        session[NEXT] = safe_next(request.args.get("next"), url_for("staff.home"))
        return client.authorize_redirect(_callback_url())
    except (WrongIssuer, RequestException, ValueError) as problem:
        log.warning("company sign-in could not start: %s", problem.__class__.__name__)
        return _refused(None, 502)


@bp.get("/login/company/callback")
def company_callback() -> Response | tuple[str, int]:
    """Back from the company's sign-in page: check everything, then sign in (or ask for the
    two-step code first)."""
    client = _client()
    if request.args.get("error"):
        log.info("company sign-in: the provider answered %s", request.args.get("error")[:40])
        return _refused(None, 401)
    try:
        _metadata(client)
        token = client.authorize_access_token(
            claims_options={
                "iss": {"essential": True, "value": current_app.config["OIDC_ISSUER"]},
                "sub": {"essential": True},
            },
            leeway=60,
        )
    except (
        AuthlibBaseError,  # OAuth errors (state), and the claims' checks (issuer, nonce, ...)
        JoseRfcError,  # the signature
        WrongIssuer,
        RequestException,
        ValueError,
        KeyError,
    ) as problem:
        # a forged or replayed state, a nonce, signature, issuer, audience or expiry that does
        # not match, a provider that cannot be reached: all the same to the visitor
        log.warning("company sign-in refused: %s", problem.__class__.__name__)
        return _refused(None, 401)
    claims = token.get("userinfo")
    if not claims:  # no ID token: not OpenID Connect
        log.warning("company sign-in refused: no ID token")
        return _refused(None, 401)
    try:
        user = company.account_for(claims)
    except company.Refused as refused:
        db.session.rollback()
        log.info("company sign-in refused: %s", refused.reason)
        return _refused(refused.message, 403)
    next_url = session.pop(NEXT, None) or url_for("staff.home")
    if user.has_two_factor:
        db.session.commit()
        return begin_second_step(user, next_url)
    return finish_sign_in(user, next_url)
