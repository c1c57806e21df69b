"""Staff sign-in: hashed passwords, throttled failures, local-only redirects, real sign-out."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.lib import passwords
from portal.models import User
from tests.factories import PASSWORD, LoginActions, csrf_token


def _token(client) -> str:
    return csrf_token(client.get("/login").get_data(as_text=True))


def _login(client, email, password, next_=None, **kwargs):
    url = "/login" if next_ is None else f"/login?next={next_}"
    return client.post(
        url, data={"email": email, "password": password, "csrf_token": _token(client)}, **kwargs
    )


def test_staff_sign_in_and_land_on_reports(client, world):
    response = _login(client, "SUP.A@test.example ", PASSWORD)
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_session_cookie_is_httponly_and_samesite(client, world):
    response = _login(client, world.admin.email, PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_passwords_are_stored_as_argon2id(app, world):
    with app.app_context():
        stored = db.session.get(User, world.admin.id).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_a_wrong_password_keeps_the_email_and_says_so(client, world):
    response = _login(client, world.admin.email, "wrong-password")
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "The email or password is not right." in html
    assert world.admin.email in html
    assert "wrong-password" not in html


def test_unknown_email_and_inactive_user_get_the_same_answer(app, client, world):
    with app.app_context():
        db.session.get(User, world.viewer_a.id).active = False
        db.session.commit()
    for email in ("nobody@test.example", world.viewer_a.email):
        response = _login(client, email, PASSWORD)
        assert response.status_code == 401
        assert "The email or password is not right." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [("", PASSWORD, "Please enter your email."), (None, "", "Please enter your password.")],
)
def test_missing_fields_are_explained(client, world, email, password, message):
    response = _login(client, world.admin.email if email is None else email, password)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, world):
    response = client.post("/login", data={"email": world.admin.email, "password": PASSWORD})
    assert response.status_code == 400


def test_failures_are_throttled_per_client(app, client, world):
    app.config["LOGIN_RATE_LIMIT"] = "3 per 15 minutes"
    for _ in range(3):
        assert _login(client, world.admin.email, "bad-guess-123").status_code == 401
    blocked = _login(client, world.admin.email, PASSWORD)
    assert blocked.status_code == 429
    assert "Too many tries" in blocked.get_data(as_text=True)


def test_failures_are_throttled_per_account_across_addresses(app, client, world):
    app.config["LOGIN_RATE_LIMIT"] = "3 per 15 minutes"
    for index in range(3):
        response = _login(
            client, world.admin.email, "bad", environ_base={"REMOTE_ADDR": f"10.0.0.{index}"}
        )
        assert response.status_code == 401
    blocked = _login(client, world.admin.email, PASSWORD, environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert blocked.status_code == 429
    # another account from a fresh address is not affected
    ok = _login(client, world.safety.email, PASSWORD, environ_base={"REMOTE_ADDR": "10.0.0.98"})
    assert ok.status_code == 303


def test_successful_logins_do_not_count_against_the_limit(app, client, world):
    app.config["LOGIN_RATE_LIMIT"] = "2 per 15 minutes"
    for _ in range(4):
        assert _login(client, world.admin.email, PASSWORD).status_code == 303
        client.post(
            "/logout", data={"csrf_token": csrf_token(client.get("/staff/").get_data(as_text=True))}
        )


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/staff/",
        "\\\\evil.example",
        "/\\evil.example",
        "/%5Cevil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\t/evil.example",
        "/%09/evil.example",
        " //evil.example",
        "evil.example",
        "http:/evil.example",
        "///evil.example",
    ],
)
def test_next_never_leaves_the_site(client, world, target):
    from urllib.parse import quote

    response = _login(client, world.admin.email, PASSWORD, next_=quote(target, safe=""))
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location == "/staff/" or (
        location.startswith("/") and not location.startswith(("//", "/\\"))
    )
    assert "evil.example" not in location


def test_next_to_a_local_page_is_followed(client, world):
    response = _login(client, world.admin.email, PASSWORD, next_="/admin/sites")
    assert response.headers["Location"] == "/admin/sites"


def test_logout_revokes_the_session_server_side(client, app, world):
    _login(client, world.admin.email, PASSWORD)
    cookie = client.get_cookie("closecall_session")
    assert cookie is not None
    stolen = cookie.value
    token = csrf_token(client.get("/staff/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    replay = app.test_client()
    replay.set_cookie("closecall_session", stolen)
    response = replay.get("/staff/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_password_change_revokes_existing_sessions(client, app, world):
    _login(client, world.admin.email, PASSWORD)
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        db.session.get(User, world.admin.id).set_password("a-brand-new-password")
        db.session.commit()
    assert client.get("/staff/").status_code == 302


def test_password_hashing_helpers():
    stored = passwords.hash_password("correct horse battery")
    assert passwords.verify_password(stored, "correct horse battery")
    assert not passwords.verify_password(stored, "wrong")
    assert not passwords.verify_password("not-a-hash", "wrong")


def test_every_attempt_on_an_account_counts_against_the_burst_cap(app, client, world):
    """Failures are counted after the password check, so simultaneous guesses could all pass
    it; the burst cap counts every attempt up front and stops them."""
    from tests.factories import csrf_token

    app.config["LOGIN_RATE_LIMIT"] = "100 per 15 minutes"
    app.config["LOGIN_BURST_LIMIT"] = "3 per 15 minutes"
    token = csrf_token(client.get("/login").get_data(as_text=True))
    statuses = [
        client.post(
            "/login",
            data={"email": world.viewer_a.email, "password": "wrong", "csrf_token": token},
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]


def test_guesses_from_many_addresses_never_lock_the_owner_out_of_their_browser(app, world):
    """Issue 18, finding 3: ten wrong passwords from ten addresses made the owner's right one
    answer 429. A browser that signed in to the account before is not held by the
    account-wide limits (its own address's limit still holds); a new one still is."""
    app.config["LOGIN_RATE_LIMIT"] = "3 per 15 minutes"
    owner = app.test_client()
    assert _login(owner, world.admin.email, PASSWORD).status_code == 303
    LoginActions(owner).logout()
    attacker = app.test_client()
    for index in range(12):
        address = {"REMOTE_ADDR": f"10.0.1.{index}"}
        _login(attacker, world.admin.email, "guess", environ_base=address)
    stranger = app.test_client()
    fresh = {"REMOTE_ADDR": "10.0.2.1"}
    assert _login(stranger, world.admin.email, PASSWORD, environ_base=fresh).status_code == 429
    again = _login(owner, world.admin.email, PASSWORD, environ_base={"REMOTE_ADDR": "10.0.2.2"})
    assert again.status_code == 303


def test_a_device_cookie_of_one_account_does_not_help_another(app, world):
    app.config["LOGIN_RATE_LIMIT"] = "3 per 15 minutes"
    client = app.test_client()
    assert _login(client, world.safety.email, PASSWORD).status_code == 303
    LoginActions(client).logout()
    for index in range(3):
        _login(
            app.test_client(),
            world.admin.email,
            "guess",
            environ_base={"REMOTE_ADDR": f"10.0.3.{index}"},
        )
    blocked = _login(client, world.admin.email, PASSWORD, environ_base={"REMOTE_ADDR": "10.0.3.9"})
    assert blocked.status_code == 429
