"""Sessions end on the server: a copied session cookie is worthless after sign-out, a password
change or the account's deactivation.

tests/auth/test_login.py already replays a cookie after sign-out on a plain page and checks that
a password change signs the same browser out; here the cookie is replayed from another browser
(a stolen copy), on htmx requests and on a post with the CSRF token it came with.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.extensions import db
from portal.models import User
from tests.factories import PASSWORD, csrf_token, fetch, new_report

COOKIE = "closecall_session"


def _stolen(client: FlaskClient) -> tuple[str, str]:
    """The signed-in browser's session cookie and its CSRF token, as a thief would copy them."""
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return cookie.value, csrf_token(client.get("/staff/").get_data(as_text=True))


def _replay(app: Flask, cookie: str) -> FlaskClient:
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie)
    return thief


def _sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def _change_password(app: Flask, user_id: int) -> None:
    with app.app_context():
        db.session.get(User, user_id).set_password("a-brand-new-password")
        db.session.commit()


def _deactivate(app: Flask, user_id: int) -> None:
    with app.app_context():
        db.session.get(User, user_id).deactivate()
        db.session.commit()


def _sign_out(client: FlaskClient, token: str) -> None:
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303


@pytest.fixture
def signed_in(client, login, world) -> FlaskClient:
    """The test client signed in as the supervisor of site A."""
    assert login.as_(world.supervisor_a).status_code == 303
    return client


@pytest.mark.parametrize("ended_by", ["sign-out", "password change", "deactivation"])
def test_a_copied_cookie_gets_the_sign_in_page(app, signed_in, world, ended_by):
    cookie, token = _stolen(signed_in)
    thief = _replay(app, cookie)
    assert thief.get("/triage").status_code == 200  # the copy works while the session lives
    if ended_by == "sign-out":
        _sign_out(signed_in, token)
    elif ended_by == "password change":
        _change_password(app, world.supervisor_a.id)
    else:
        _deactivate(app, world.supervisor_a.id)
    for path in ("/staff/", "/triage", "/closeout", "/insights"):
        assert _sent_to_sign_in(thief.get(path)), path
    htmx = thief.get("/triage/updates", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/login")
    # and the browser the session belonged to is signed out too
    assert _sent_to_sign_in(signed_in.get("/staff/"))


@pytest.mark.parametrize("ended_by", ["sign-out", "password change", "deactivation"])
def test_a_copied_cookie_and_its_token_change_nothing(app, signed_in, world, ended_by):
    rid = new_report(app, world.location_a)
    cookie, token = _stolen(signed_in)
    if ended_by == "sign-out":
        _sign_out(signed_in, token)
    elif ended_by == "password change":
        _change_password(app, world.supervisor_a.id)
    else:
        _deactivate(app, world.supervisor_a.id)
    thief = _replay(app, cookie)
    response = thief.post(
        f"/triage/reports/{rid}/acknowledge", data={"version": 1, "csrf_token": token}
    )
    assert response.status_code in (302, 400)
    assert fetch(app, rid).status == "new"


def test_reactivating_an_account_does_not_revive_an_old_cookie(app, signed_in, world):
    cookie, _token = _stolen(signed_in)
    _deactivate(app, world.supervisor_a.id)
    with app.app_context():
        db.session.get(User, world.supervisor_a.id).active = True
        db.session.commit()
    assert _sent_to_sign_in(_replay(app, cookie).get("/triage"))


def test_a_deactivated_user_cannot_sign_in_again(app, client, login, world):
    _deactivate(app, world.supervisor_a.id)
    assert login.as_(world.supervisor_a).status_code == 401
    assert _sent_to_sign_in(client.get("/staff/"))


def test_other_users_sessions_survive_one_users_sign_out(app, signed_in, world):
    """Revocation is per user: signing one person out leaves the others signed in."""
    other = app.test_client()
    page = other.get("/login")
    other.post(
        "/login",
        data={
            "email": world.safety.email,
            "password": PASSWORD,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    _cookie, token = _stolen(signed_in)
    _sign_out(signed_in, token)
    assert other.get("/staff/").status_code == 200
