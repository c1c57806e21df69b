"""Joining through an invitation, and a forgotten password: the pages a new person sees."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.domain import people as rules
from portal.extensions import db
from portal.models import AccountLink, OutboxMessage, Site, User
from tests.factories import LoginActions, Persona, csrf_token, text

NEW = "a-fresh-long-password"


@pytest.fixture
def invitation(app, world) -> str:
    """The path of a fresh invitation for a supervisor of site A."""
    with app.test_request_context():
        admin = db.session.get(User, world.admin.id)
        invited = rules.invite(
            admin,
            name="Nadia Flores",
            email="nadia@test.example",
            role="supervisor",
            sites=[db.session.get(Site, world.site_a)],
        )
        db.session.commit()
        return invited.link.removeprefix(app.config["BASE_URL"])


def _choose(client, path, password=NEW, again=None):
    token = csrf_token(text(client.get(path)))
    data = {"password": password, "again": again or password, "csrf_token": token}
    return client.post(path, data=data)


def test_the_invitee_chooses_a_password_and_lands_on_the_board_signed_in(client, invitation):
    page = client.get(invitation)
    assert page.status_code == 200 and "Welcome, Nadia Flores" in text(page)
    assert page.headers["Cache-Control"] == "no-store"
    response = _choose(client, invitation)
    assert response.status_code == 303 and response.headers["Location"] == "/triage"
    assert client.get("/triage").status_code == 200


def test_the_link_works_once(app, client, invitation):
    _choose(client, invitation)
    again = app.test_client().get(invitation)
    assert again.status_code == 404 and "does not work any more" in text(again)


def test_an_expired_link_gets_the_calm_page(app, client, invitation):
    with app.app_context():
        link = db.session.scalar(select(AccountLink))
        link.expires_at -= timedelta(hours=73)
        db.session.commit()
    assert client.get(invitation).status_code == 404


def test_a_forged_link_gets_the_calm_page(client, invitation):
    assert client.get(invitation[:-2] + "xx").status_code == 404
    assert client.get("/welcome/" + "A" * 500).status_code == 404


def test_a_bad_password_keeps_the_page_and_says_why(client, invitation):
    response = _choose(client, invitation, password="short")
    assert response.status_code == 422 and "between 10 and 200" in text(response)
    response = _choose(client, invitation, password=NEW, again=NEW + "x")
    assert response.status_code == 422 and "not the same" in text(response)
    assert client.get(invitation).status_code == 200  # not spent


def test_the_invitee_cannot_sign_in_before_choosing_a_password(client, invitation):
    persona = Persona(id=0, email="nadia@test.example", role="supervisor")
    assert LoginActions(client).as_(persona).status_code == 401


def _forgot(client, email, address="127.0.0.1"):
    token = csrf_token(text(client.get("/forgot-password")))
    data = {"email": email, "csrf_token": token}
    return client.post("/forgot-password", data=data, environ_base={"REMOTE_ADDR": address})


def _without_tokens(html: str) -> str:
    return re.sub(r'(name="csrf-token" content|name="csrf_token"[^>]*value)="[^"]+"', r"\1=", html)


def test_forgot_password_answers_the_same_for_any_address(app, client, world):
    known = _forgot(client, world.supervisor_a.email)
    unknown = _forgot(client, "nobody@test.example")
    assert known.status_code == unknown.status_code == 200
    # the same page, the session's form token aside (it carries the second it was signed)
    assert _without_tokens(text(known)) == _without_tokens(text(unknown))
    with app.app_context():
        (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.kind == "password_reset" and message.recipient == world.supervisor_a.email


def _reset_path(app) -> str:
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.body).order_by(OutboxMessage.id.desc()))
    base = app.config["BASE_URL"]
    return next(line for line in body.splitlines() if line.startswith(base)).removeprefix(base)


def test_a_reset_ends_every_session_and_the_new_password_works(app, client, world):
    signed = app.test_client()
    assert LoginActions(signed).as_(world.supervisor_a).status_code == 303
    _forgot(client, world.supervisor_a.email)
    path = _reset_path(app)
    response = _choose(client, path)
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert signed.get("/staff/").status_code == 302  # signed out everywhere
    token = csrf_token(text(client.get("/login")))
    login = {"email": world.supervisor_a.email, "password": NEW, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 303
    assert app.test_client().get(path).status_code == 404  # once
    with app.app_context():
        assert path not in db.session.scalar(select(OutboxMessage.body))


def test_a_new_reset_link_replaces_the_old(app, client, world):
    _forgot(client, world.supervisor_a.email)
    first = _reset_path(app)
    _forgot(client, world.supervisor_a.email)
    assert client.get(first).status_code == 404
    assert client.get(_reset_path(app)).status_code == 200


def test_a_deactivated_account_gets_no_reset_link(app, client, world):
    with app.app_context():
        db.session.get(User, world.viewer_a.id).deactivate()
        db.session.commit()
    _forgot(client, world.viewer_a.email)
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.id)) is None


def test_a_bad_address_keeps_what_was_typed(client):
    token = csrf_token(text(client.get("/forgot-password")))
    response = client.post("/forgot-password", data={"email": "", "csrf_token": token})
    assert response.status_code == 422 and "Please enter your email" in text(response)


def test_reset_requests_are_limited_per_account_and_per_client(app, world):
    """Five per hour by default: per account across clients, per client across accounts."""
    email = world.supervisor_a.email
    for number in range(5):
        assert _forgot(app.test_client(), email, f"10.0.0.{number}").status_code == 200
    assert _forgot(app.test_client(), email, "10.0.0.99").status_code == 429
    client = app.test_client()
    for number in range(5):
        assert _forgot(client, f"someone{number}@test.example", "10.0.1.1").status_code == 200
    assert _forgot(client, "someone-else@test.example", "10.0.1.1").status_code == 429


def test_the_sign_in_page_offers_forgot_password(client):
    assert "/forgot-password" in text(client.get("/login"))
