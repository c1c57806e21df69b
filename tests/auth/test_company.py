"""Company sign-in against a real OpenID Connect provider on 127.0.0.1 (tests/oidc_provider.py):
the redirect flow with its state and nonce, a tampered ID token, a wrong issuer, unknown and
foreign addresses refused calmly, accounts bound to their subject, made only when allowed,
password sign-in turned off for a domain, and sign-out ending the portal session.

The browser goes from the portal to the provider and back; here the test client plays the
portal's side and `requests` the provider's sign-in page (the Chromium journey:
tests/browser/test_company_journey.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from portal.extensions import db
from portal.models import StaffChange, User
from tests.factories import PASSWORD, LoginActions, csrf_token, post, text, turn_on_two_factor
from tests.oidc_provider import Provider, running_provider

SUB_A = "employee-0042"


@pytest.fixture
def provider() -> Iterator[Provider]:
    users = [
        (SUB_A, {"email": "sup.a@test.example", "email_verified": True, "name": "Sup A"}),
        ("unverified-1", {"email": "sup.b@test.example", "email_verified": False}),
    ]
    with running_provider(users) as running:
        yield running


@pytest.fixture
def app_env(app_env, provider, monkeypatch):
    extra = provider.env()
    for key, value in extra.items():
        monkeypatch.setenv(key, value)
    return {**app_env, **extra}


def _start(client, next_: str | None = None) -> str:
    """The portal sends the browser to the provider: the provider's address."""
    response = client.get("/login/company" + (f"?next={next_}" if next_ else ""))
    assert response.status_code == 302, text(response)
    return response.headers["Location"]


def _provider_signs_in(authorize_url: str, sub: str) -> str:
    """The person signs in at the provider: the address it sends the browser back to."""
    answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def _back(client, callback: str):
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}")


def _flow(client, sub: str, next_: str | None = None):
    return _back(client, _provider_signs_in(_start(client, next_), sub))


def test_the_redirect_carries_state_nonce_and_the_registered_callback(client, provider):
    location = _start(client)
    assert location.startswith(provider.url + "/oauth2/authorize?")
    query = parse_qs(urlsplit(location).query)
    assert query["client_id"] == ["closecall-test"]
    assert query["response_type"] == ["code"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}
    assert query["redirect_uri"] == ["http://closecall.test/login/company/callback"]
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    second = parse_qs(urlsplit(_start(client)).query)
    assert second["state"] != query["state"] and second["nonce"] != query["nonce"]


def test_an_invited_or_existing_person_signs_in_and_lands_where_they_were_going(
    app, client, world, provider
):
    response = _flow(client, SUB_A, next_="/closeout")
    assert response.status_code == 303 and response.headers["Location"] == "/closeout"
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        user = db.session.get(User, world.supervisor_a.id)
        assert user.oidc_subject == SUB_A and user.last_login_at is not None
        assert db.session.scalars(select(StaffChange.what)).all()[-1] == "company_linked"
    # the second time, the same subject signs in again
    again = app.test_client()
    assert _flow(again, SUB_A).headers["Location"] == "/staff/"


def test_sign_out_ends_the_portal_session(app, client, world, provider):
    _flow(client, SUB_A)
    stolen = client.get_cookie("closecall_session").value
    LoginActions(client).logout()
    assert client.get("/staff/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("closecall_session", stolen)
    assert replay.get("/staff/").status_code == 302


def test_an_unknown_address_is_refused_calmly(app, client, world, provider):
    response = _flow(client, "nobody@test.example")
    html = text(response)
    assert response.status_code == 403
    assert "There is no Closecall account for nobody@test.example yet." in html
    assert "invite you" in html
    assert client.get("/staff/").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "nobody@test.example")) is None


def test_an_address_outside_the_allowed_domains_is_refused(app, client, world, provider):
    with app.app_context():
        db.session.add(User(email="guest@elsewhere.example", name="Guest", password_hash="!x"))
        db.session.commit()
    response = _flow(client, "guest@elsewhere.example")
    assert response.status_code == 403
    assert "Company sign-in is for addresses at test.example" in text(response)
    assert client.get("/staff/").status_code == 302


def test_an_unverified_address_is_refused(client, world, provider):
    response = _flow(client, "unverified-1")
    assert response.status_code == 403
    assert "not verified" in text(response)


def test_a_deactivated_account_stays_out(app, client, world, provider):
    with app.app_context():
        db.session.get(User, world.supervisor_a.id).deactivate()
        db.session.commit()
    response = _flow(client, SUB_A)
    assert response.status_code == 403 and "deactivated" in text(response)


def test_another_subject_with_the_same_address_is_refused(app, client, world, provider):
    assert _flow(client, SUB_A).status_code == 303
    # the address now comes from someone else at the provider
    stranger = app.test_client()
    response = _flow(stranger, "sup.a@test.example")
    assert response.status_code == 403
    assert "belongs to another company account" in text(response)
    assert stranger.get("/staff/").status_code == 302


@pytest.mark.parametrize("mode", ["tampered token", "token issuer", "nonce"])
def test_a_tampered_token_a_wrong_issuer_or_nonce_is_refused(client, world, provider, mode):
    authorize = _start(client)
    provider.mode = mode
    response = _back(client, _provider_signs_in(authorize, SUB_A))
    assert response.status_code == 401
    assert "We could not confirm your company account" in text(response)
    assert client.get("/staff/").status_code == 302
    assert "/oauth2/token" in provider.seen  # the provider was asked: the refusal is ours


def test_a_provider_naming_another_issuer_is_not_followed(client, world, provider):
    provider.mode = "discovery issuer"
    response = client.get("/login/company")
    assert response.status_code == 502
    assert "We could not confirm your company account" in text(response)


def test_a_forged_or_replayed_state_is_refused(app, client, world, provider):
    callback = _provider_signs_in(_start(client), SUB_A)
    forged = callback.replace("state=", "state=x")
    assert _back(client, forged).status_code == 401
    # the real answer, in another browser (no state in its session): refused
    other = app.test_client()
    assert _back(other, callback).status_code == 401
    assert other.get("/staff/").status_code == 302
    # in the right browser it works once; the same answer again is refused
    fresh = _provider_signs_in(_start(client), SUB_A)
    assert _back(client, fresh).status_code == 303
    LoginActions(client).logout()
    assert _back(client, fresh).status_code == 401


def test_the_provider_saying_no_is_a_calm_page(client, world, provider):
    response = client.get("/login/company/callback?error=access_denied&state=x")
    assert response.status_code == 401
    assert "Company sign-in did not work" in text(response)


def test_with_two_step_sign_in_the_code_is_still_asked(app, client, world, provider):
    two = turn_on_two_factor(app, world.supervisor_a)
    response = _flow(client, SUB_A, next_="/closeout")
    assert response.headers["Location"] == "/login/code"
    assert client.get("/staff/").status_code == 302
    token = csrf_token(text(client.get("/login/code")))
    done = client.post("/login/code", data={"code": two.code(), "csrf_token": token})
    assert done.headers["Location"] == "/closeout"


def test_an_invitee_joins_by_company_sign_in_and_their_link_dies(app, client, world, provider):
    from portal.domain import people as rules

    with app.test_request_context():
        admin = db.session.get(User, world.admin.id)
        invited = rules.invite(
            admin,
            name="Nadia",
            email="nadia@test.example",
            role="viewer",
            sites=[rules.sites_by_id([world.site_a])[0]],
        )
        db.session.commit()
        link = invited.link
    assert _flow(client, "nadia@test.example").status_code == 303
    assert app.test_client().get(urlsplit(link).path).status_code == 404
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "nadia@test.example"))
        assert not rules.is_invited(user)


class TestFirstSignInMakesAnAccount:
    @pytest.fixture
    def app_env(self, app_env, monkeypatch):
        extra = {"PORTAL_OIDC_CREATE_ACCOUNTS": "1", "PORTAL_OIDC_NEW_ACCOUNT_ROLE": "supervisor"}
        for key, value in extra.items():
            monkeypatch.setenv(key, value)
        return {**app_env, **extra}

    def test_an_allowed_address_gets_an_account_with_the_set_role(self, app, client, world):
        response = _flow(client, "new.person@test.example")
        assert response.status_code == 303
        assert client.get("/staff/").status_code == 200
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == "new.person@test.example"))
            assert user.role == "supervisor" and user.sites == []
            assert user.oidc_subject == "new.person@test.example"
            change = db.session.scalars(select(StaffChange)).all()[-1]
            assert (change.what, change.actor_id, change.after) == (
                "company_created",
                None,
                "supervisor",
            )

    def test_still_only_from_the_allowed_domains(self, app, client, world):
        assert _flow(client, "someone@elsewhere.example").status_code == 403
        with app.app_context():
            found = db.session.scalar(select(User).where(User.email == "someone@elsewhere.example"))
            assert found is None


class TestPasswordSignInTurnedOffForADomain:
    @pytest.fixture
    def app_env(self, app_env, monkeypatch):
        monkeypatch.setenv("PORTAL_OIDC_PASSWORD_OFF_DOMAINS", "test.example")
        return {**app_env, "PORTAL_OIDC_PASSWORD_OFF_DOMAINS": "test.example"}

    def test_the_password_is_refused_and_company_sign_in_offered(self, client, world):
        token = csrf_token(text(client.get("/login")))
        response = client.post(
            "/login",
            data={"email": world.supervisor_a.email, "password": PASSWORD, "csrf_token": token},
        )
        html = text(response)
        assert response.status_code == 403
        assert "People at test.example sign in with their company account" in html
        assert "/login/company" in html
        assert client.get("/staff/").status_code == 302
        assert _flow(client, SUB_A).status_code == 303

    def test_no_reset_link_is_sent(self, app, client, world):
        from portal.models import OutboxMessage

        response = post(client, "/forgot-password", {"email": world.supervisor_a.email})
        assert response.status_code == 200
        with app.app_context():
            assert db.session.scalar(select(OutboxMessage.id)) is None

    def test_an_invitee_is_sent_to_company_sign_in(self, app, world):
        from portal.domain import people as rules

        with app.test_request_context():
            admin = db.session.get(User, world.admin.id)
            invited = rules.invite(
                admin,
                name="Ola",
                email="ola@test.example",
                role="viewer",
                sites=[rules.sites_by_id([world.site_a])[0]],
            )
            db.session.commit()
        page = app.test_client().get(urlsplit(invited.link).path)
        assert page.status_code == 200
        assert "no password to choose here" in text(page)
        assert "/login/company" in text(page)
