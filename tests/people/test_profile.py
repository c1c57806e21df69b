"""The profile page: name, the staff pages' language, the morning digest, a new password —
each change on the staff change trail, every bad input answered with the typed text kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.domain import profile
from portal.domain.loop import InvalidInput
from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models import StaffChange, User
from portal.notify import reminders
from tests.factories import PASSWORD, LoginActions, add_action, make_report, post, text


def _me(app, world) -> User:
    with app.app_context():
        return db.session.get(User, world.supervisor_a.id)


def test_the_profile_saves_name_language_and_digest_on_the_trail(app, world):
    with app.app_context():
        user = db.session.get(User, world.supervisor_a.id)
        changed = profile.update(user, name="  Ana   Ruiz ", language="es", wants_digest=False)
        db.session.commit()
        assert changed == ["name", "language", "digest"]
        assert (user.name, user.language, user.wants_digest) == ("Ana Ruiz", "es", False)
        trail = db.session.scalars(select(StaffChange).order_by(StaffChange.id)).all()
        assert [(c.what, c.before, c.after) for c in trail][-3:] == [
            ("name", "sup.a", "Ana Ruiz"),
            ("language", None, "es"),
            ("digest", "on", "off"),
        ]
        assert profile.update(user, name="Ana Ruiz", language="es", wants_digest=False) == []


@pytest.mark.parametrize(
    ("name", "language", "message"),
    [("   ", None, "Please write your name."), ("Ana", "fr", "Choose one of the languages")],
)
def test_the_profile_refuses_a_blank_name_or_an_unknown_language(
    app, world, name, language, message
):
    with app.app_context():
        user = db.session.get(User, world.supervisor_a.id)
        with pytest.raises(InvalidInput, match=message):
            profile.update(user, name=name, language=language, wants_digest=True)


def test_a_saved_language_sets_the_staff_pages_language_over_the_browsers(app, world, signed_in):
    client = signed_in("supervisor_a")
    english = {"Accept-Language": "en"}
    assert '<html lang="en"' in text(client.get("/triage", headers=english))
    response = post(client, "/account/profile", {"name": "sup.a", "language": "es"})
    assert response.status_code == 303
    assert '<html lang="es"' in text(client.get("/triage", headers=english))
    assert '<html lang="en"' in text(client.get("/triage?lang=en", headers=english))  # explicit
    post(client, "/account/profile", {"name": "sup.a", "language": ""})
    assert '<html lang="en"' in text(client.get("/triage", headers=english))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "language": "es"}, "Please write your name."),
        ({"name": "n" * 121, "language": "es"}, "Please keep this under 120 characters."),
        ({"name": "Ana", "language": "fr"}, "Not a valid choice"),
    ],
    ids=["blank-name", "long-name", "unknown-language"],
)
def test_bad_profile_input_is_422_with_what_was_typed(app, world, signed_in, data, message):
    client = signed_in("supervisor_a")
    response = post(client, "/account/profile", data)
    html = text(response)
    assert response.status_code == 422 and message in html
    assert f'value="{data["name"]}"' in html
    assert _me(app, world).name == "sup.a"


def test_a_new_password_needs_the_current_one_and_signs_out_everywhere_else(app, world, signed_in):
    client = signed_in("supervisor_a")
    elsewhere = app.test_client()
    assert LoginActions(elsewhere).as_(world.supervisor_a).status_code == 303
    new = "a much longer secret phrase"
    wrong = post(
        client,
        "/account/profile/password",
        {"current": "not it", "password": new, "again": new},
    )
    assert wrong.status_code == 422 and "That is not your current password." in text(wrong)
    short = post(
        client, "/account/profile/password", {"current": PASSWORD, "password": "x", "again": "x"}
    )
    assert short.status_code == 422 and "Use between 10 and 200 characters." in text(short)
    done = post(
        client, "/account/profile/password", {"current": PASSWORD, "password": new, "again": new}
    )
    assert done.status_code == 303
    assert client.get("/triage").status_code == 200  # this browser stays signed in
    assert elsewhere.get("/triage").status_code in (302, 303)  # the other one is signed out
    with app.app_context():
        assert db.session.get(User, world.supervisor_a.id).check_password(new)


def test_an_owner_who_turned_the_digest_off_gets_none(app, world):
    made = make_report(app, world)
    add_action(app, made.id, world.safety, world.supervisor_a, days=1)
    with app.app_context():
        user = db.session.get(User, world.supervisor_a.id)
        today = {user.sites[0].id: (utcnow() + timedelta(hours=0)).date()}
        assert [d.kind for d in reminders.digests(today)] == ["digest"]
        user.wants_digest = False
        db.session.commit()
        assert reminders.digests(today) == []
