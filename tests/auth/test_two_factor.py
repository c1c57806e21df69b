"""Two-step sign-in through the pages: setting it up on the profile, signing in with a code
after the password (and nothing reachable in between), bad codes answered clearly in the
user's language with what was typed kept, throttling shared with passwords, turning it off,
and admins sent to set it up first when it is required."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from portal.auth import views as auth_views
from portal.extensions import db
from portal.models import StaffChange, User
from tests.factories import (
    HX,
    PASSWORD,
    LoginActions,
    csrf_token,
    post,
    text,
    turn_on_two_factor,
)


def _password_step(client, email: str, next_: str | None = None, **kwargs):
    url = "/login" if next_ is None else f"/login?next={next_}"
    token = csrf_token(text(client.get("/login")))
    data = {"email": email, "password": PASSWORD, "csrf_token": token}
    return client.post(url, data=data, **kwargs)


def _code_step(client, code: str, recovery: bool = False, **kwargs):
    url = "/login/code?recovery=1" if recovery else "/login/code"
    page = client.get(url, **{k: v for k, v in kwargs.items() if k == "headers"})
    if page.status_code != 200:  # sent back to sign in: a token of that page
        page = client.get("/login")
    return client.post(url, data={"code": code, "csrf_token": csrf_token(text(page))}, **kwargs)


@pytest.fixture
def supervisor_2fa(app, world):
    return turn_on_two_factor(app, world.supervisor_a)


def test_a_right_password_asks_for_the_code_and_opens_nothing_before_it(
    client, world, supervisor_2fa
):
    response = _password_step(client, world.supervisor_a.email)
    assert response.status_code == 303 and response.headers["Location"] == "/login/code"
    for path in ("/staff/", "/triage", "/account/profile", "/account/two-factor"):
        refused = client.get(path)
        assert refused.status_code == 302 and refused.headers["Location"].startswith("/login")
    page = client.get("/login/code")
    assert page.status_code == 200
    assert "6-digit code" in text(page)
    done = _code_step(client, supervisor_2fa.code())
    assert done.status_code == 303 and done.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_the_way_back_survives_the_second_step(client, world, supervisor_2fa):
    _password_step(client, world.supervisor_a.email, next_="/closeout")
    assert _code_step(client, supervisor_2fa.code()).headers["Location"] == "/closeout"


def test_an_account_without_it_signs_in_with_the_password_alone(client, world, supervisor_2fa):
    response = _password_step(client, world.supervisor_b.email)
    assert response.headers["Location"] == "/staff/"


def test_the_code_page_without_a_right_password_sends_to_sign_in(client, world):
    response = client.get("/login/code")
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    token = csrf_token(text(client.get("/login")))
    response = client.post("/login/code", data={"code": "123456", "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/login"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("000000", "That code is not right."),
        ("old", "That code has expired."),
        ("ABCDE-12345", "That recovery code is not right, or it was used already."),
        ("", "Please type the code from your authenticator app."),
    ],
)
def test_a_bad_code_is_explained_and_kept(client, world, supervisor_2fa, typed, message):
    if typed == "old":
        typed = supervisor_2fa.code(-180)
    elif typed == "000000" and supervisor_2fa.code() == "000000":
        typed = "000001"
    _password_step(client, world.supervisor_a.email)
    response = _code_step(client, typed)
    html = text(response)
    assert response.status_code == (422 if typed == "" else 401)
    assert message in html
    if typed:
        assert f'value="{typed}"' in html
    # still halfway: the right code afterwards signs in
    assert _code_step(client, supervisor_2fa.code()).status_code == 303


def test_bad_codes_are_explained_in_spanish(client, world, supervisor_2fa):
    spanish = {"Accept-Language": "es"}
    _password_step(client, world.supervisor_a.email, headers=spanish)
    page = client.get("/login/code", headers=spanish)
    assert '<html lang="es"' in text(page)
    response = _code_step(client, "ZZZZZ-ZZZZZ", headers=spanish)
    html = text(response)
    assert response.status_code == 401
    assert "That recovery code is not right" not in html
    assert re.search(r"c[oó]digo de recuperaci[oó]n", html)


def test_a_code_used_once_is_refused_the_second_time(app, world, supervisor_2fa):
    code = supervisor_2fa.code()
    first = app.test_client()
    _password_step(first, world.supervisor_a.email)
    assert _code_step(first, code).status_code == 303
    second = app.test_client()
    _password_step(second, world.supervisor_a.email)
    response = _code_step(second, code)
    assert response.status_code == 401
    assert "That code was used already." in text(response)


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(app, world, supervisor_2fa):
    code = supervisor_2fa.recovery_codes[3]
    client = app.test_client()
    _password_step(client, world.supervisor_a.email)
    response = _code_step(client, code, recovery=True)
    assert response.status_code == 303
    assert "9 left" in text(client.get("/staff/"))
    again = app.test_client()
    _password_step(again, world.supervisor_a.email)
    refused = _code_step(again, code, recovery=True)
    assert refused.status_code == 401
    assert "used already" in text(refused)


def test_the_half_sign_in_expires(client, world, supervisor_2fa, monkeypatch):
    _password_step(client, world.supervisor_a.email)
    later = time.time() + auth_views.PENDING_SECONDS + 1
    token = csrf_token(text(client.get("/login/code")))
    monkeypatch.setattr(auth_views.time, "time", lambda: later)
    response = client.post("/login/code", data={"code": supervisor_2fa.code(), "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "Your sign-in took too long" in text(client.get("/login"))
    assert client.get("/staff/").status_code == 302


def test_a_new_password_meanwhile_ends_the_half_sign_in(app, client, world, supervisor_2fa):
    _password_step(client, world.supervisor_a.email)
    with app.app_context():
        db.session.get(User, world.supervisor_a.id).set_password("another-long-password")
        db.session.commit()
    response = _code_step(client, supervisor_2fa.code())
    assert response.headers["Location"] == "/login"


def test_wrong_codes_count_with_wrong_passwords_per_account(app, world, supervisor_2fa):
    app.config["LOGIN_RATE_LIMIT"] = "3 per 15 minutes"
    statuses = []
    for index in range(3):
        guesser = app.test_client()
        where = {"REMOTE_ADDR": f"10.0.5.{index}"}
        if index == 0:
            bad = guesser.post(
                "/login",
                data={
                    "email": world.supervisor_a.email,
                    "password": "wrong",
                    "csrf_token": csrf_token(text(guesser.get("/login"))),
                },
                environ_base=where,
            )
            statuses.append(bad.status_code)
            continue
        _password_step(guesser, world.supervisor_a.email, environ_base=where)
        statuses.append(_code_step(guesser, "000000", environ_base=where).status_code)
    assert statuses == [401, 401, 401]
    late = app.test_client()
    where = {"REMOTE_ADDR": "10.0.5.9"}
    assert _password_step(late, world.supervisor_a.email, environ_base=where).status_code == 429


def test_the_burst_cap_counts_every_code_tried_on_an_account(app, client, world, supervisor_2fa):
    app.config["LOGIN_RATE_LIMIT"] = "100 per 15 minutes"
    app.config["LOGIN_BURST_LIMIT"] = "4 per 15 minutes"
    assert _password_step(client, world.supervisor_a.email).status_code == 303
    token = csrf_token(text(client.get("/login/code")))
    statuses = [
        client.post("/login/code", data={"code": "000000", "csrf_token": token}).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]


def _signed_in(app, persona):
    client = app.test_client()
    assert LoginActions(client).as_(persona).status_code == 303
    return client


def _secret_on(html: str) -> str:
    match = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html)
    assert match, "no secret on the page"
    return match.group(1).replace(" ", "")


def test_setting_it_up_from_the_profile(app, world):
    client = _signed_in(app, world.supervisor_a)
    other = _signed_in(app, world.supervisor_a)
    profile = text(client.get("/account/profile"))
    assert "Set up two-step sign-in" in profile
    page = client.get("/account/two-factor")
    html = text(page)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "<svg" in html and "otpauth://totp/Closecall:sup.a%40test.example" in html
    secret = _secret_on(html)
    # a wrong code: explained, and the same key stays (the app already holds it)
    wrong = post(client, "/account/two-factor", {"password": PASSWORD, "code": "12"})
    assert wrong.status_code == 422
    assert "That code is not right." in text(wrong)
    assert _secret_on(text(wrong)) == secret
    assert _secret_on(text(client.get("/account/two-factor"))) == secret
    bad_password = post(
        client,
        "/account/two-factor",
        {"password": "not it", "code": pyotp.TOTP(secret).now()},
    )
    assert "That is not your current password." in text(bad_password)
    done = post(
        client, "/account/two-factor", {"password": PASSWORD, "code": pyotp.TOTP(secret).now()}
    )
    html = text(done)
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    assert len(re.findall(r"<li><code>[0-9A-Z]{5}-[0-9A-Z]{5}</code></li>", html)) == 10
    assert "This is the only time they are shown." in html
    # this browser stays signed in; another one signed in as the same person is signed out
    assert "On since" in text(client.get("/account/profile"))
    assert "10 recovery codes left." in text(client.get("/account/profile"))
    assert other.get("/staff/").status_code == 302
    with app.app_context():
        user = db.session.get(User, world.supervisor_a.id)
        assert user.has_two_factor and secret not in user.totp_secret
        whats = db.session.scalars(
            select(StaffChange.what).where(StaffChange.subject_id == user.id)
        ).all()
        assert "2fa_on" in whats
    # set up already: the page sends back to the profile
    assert client.get("/account/two-factor").status_code == 303


def test_turning_it_off_needs_the_password(app, world, supervisor_2fa):
    client = app.test_client()
    _password_step(client, world.supervisor_a.email)
    _code_step(client, supervisor_2fa.code())
    refused = post(client, "/account/two-factor/off", {"off_password": "wrong password"})
    assert refused.status_code == 422
    assert "That is not your current password." in text(refused)
    empty = post(client, "/account/two-factor/off", {})
    assert "Please type your current password." in text(empty)
    done = post(client, "/account/two-factor/off", {"off_password": PASSWORD})
    assert done.status_code == 303
    assert "Two-step sign-in is off" in text(client.get("/account/profile"))
    with app.app_context():
        assert not db.session.get(User, world.supervisor_a.id).has_two_factor
        whats = db.session.scalars(select(StaffChange.what)).all()
        assert "2fa_off" in whats
    again = app.test_client()
    assert _password_step(again, world.supervisor_a.email).headers["Location"] == "/staff/"


def test_new_recovery_codes_from_the_profile(app, world, supervisor_2fa):
    client = app.test_client()
    _password_step(client, world.supervisor_a.email)
    _code_step(client, supervisor_2fa.code())
    refused = post(client, "/account/two-factor/recovery-codes", {"codes_password": "nope"})
    assert refused.status_code == 422 and "not your current password" in text(refused)
    done = post(client, "/account/two-factor/recovery-codes", {"codes_password": PASSWORD})
    fresh = re.findall(r"<li><code>([0-9A-Z]{5}-[0-9A-Z]{5})</code></li>", text(done))
    assert len(fresh) == 10 and not set(fresh) & set(supervisor_2fa.recovery_codes)


def test_admins_are_sent_to_set_it_up_first_when_it_is_required(app, world):
    app.config["REQUIRE_ADMIN_2FA"] = True
    admin = _signed_in(app, world.admin)
    for path in ("/staff/", "/triage", "/people/", "/account/profile", "/admin/sites"):
        response = admin.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"] == "/account/two-factor"
    htmx = admin.get("/triage/updates", headers=HX)
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"] == "/account/two-factor"
    page = text(admin.get("/account/two-factor"))
    assert "Admins must use two-step sign-in here" in page
    # the public pages and other roles are not held up
    assert admin.get("/").status_code == 200
    assert _signed_in(app, world.supervisor_a).get("/triage").status_code == 200
    secret = _secret_on(page)
    done = post(
        admin, "/account/two-factor", {"password": PASSWORD, "code": pyotp.TOTP(secret).now()}
    )
    assert done.status_code == 200
    assert admin.get("/triage").status_code == 200
    profile = text(admin.get("/account/profile"))
    assert "Admins must keep two-step sign-in on here." in profile
    refused = post(admin, "/account/two-factor/off", {"off_password": PASSWORD})
    assert "Admins must keep two-step sign-in on here." in text(refused)


def test_a_manager_turns_it_off_for_someone_who_lost_their_phone(app, world, supervisor_2fa):
    manager = _signed_in(app, world.safety)
    person = text(manager.get(f"/people/{world.supervisor_a.id}"))
    assert "Two-step sign-in on" in person
    response = post(manager, f"/people/{world.supervisor_a.id}/two-factor")
    assert response.status_code == 303
    assert "Two-step sign-in is off for sup.a." in text(manager.get(response.headers["Location"]))
    client = app.test_client()
    assert _password_step(client, world.supervisor_a.email).headers["Location"] == "/staff/"


def test_a_set_up_left_unfinished_is_not_handed_to_the_next_person(app, world):
    client = _signed_in(app, world.supervisor_a)
    first = _secret_on(text(client.get("/account/two-factor")))
    LoginActions(client).logout()
    LoginActions(client).as_(world.supervisor_b)
    assert _secret_on(text(client.get("/account/two-factor"))) != first
