"""The People page and its forms, through the test client."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage, StaffChange, User
from tests.factories import HX, LoginActions, post, text

INVITE = {"name": "Nadia Flores", "email": "Nadia@Test.example", "role": "supervisor"}
LINK_RE = re.compile(r'value="(http[^"]+/welcome/[^"]+)"')


def _user(app, email):
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def _invite(client, ids, **fields):
    data = {**INVITE, "sites": str(ids.site["a"]), **fields}
    return post(client, "/people/invite", data)


def test_an_admin_sees_everyone_with_role_sites_status_and_last_sign_in(signed_in):
    page = text(signed_in("admin").get("/people/"))
    for email in ("admin@test.example", "sup.b@test.example", "viewer.a@test.example"):
        assert email in page
    assert "Bravo Warehouse" in page and "Supervisor" in page and "Never" in page
    assert "Last sign-in" in page


def test_a_safety_manager_sees_only_the_people_of_their_sites(signed_in):
    page = text(signed_in("safety").get("/people/"))
    assert "sup.a@test.example" in page and "viewer.a@test.example" in page
    assert "sup.b@test.example" not in page and "admin@test.example" not in page


def test_search_finds_by_name_or_email_and_htmx_gets_the_rows_alone(signed_in):
    client = signed_in("admin")
    page = text(client.get("/people/?q=SUP.B"))
    assert "sup.b@test.example" in page and "viewer.a@test.example" not in page
    rows = text(client.get("/people/?q=viewer", headers=HX))
    assert "<html" not in rows and "viewer.a@test.example" in rows
    assert "Nobody matches" in text(client.get("/people/?q=%25_nobody"))


def test_supervisors_and_viewers_get_403(signed_in, client):
    assert signed_in("supervisor_a").get("/people/").status_code == 403


def test_the_nav_shows_people_to_managers_only(signed_in, login):
    assert "/people/" in text(signed_in("safety").get("/staff/"))
    login.logout()
    assert "/people/" not in text(signed_in("viewer_a").get("/staff/"))


def test_inviting_queues_the_email_and_shows_the_link_without_a_mail_server(app, signed_in, ids):
    client = signed_in("safety")
    response = _invite(client, ids)
    assert response.status_code == 200
    link = LINK_RE.search(text(response)).group(1)
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.kind == "invitation" and message.recipient == "nadia@test.example"
        assert link in message.body
        user = db.session.scalar(select(User).where(User.email == "nadia@test.example"))
        assert [site.slug for site in user.sites] == ["alpha"]


def test_a_bad_invitation_keeps_what_was_typed(signed_in, ids):
    client = signed_in("admin")
    response = _invite(client, ids, email="not-an-email", name="Kept Name")
    assert response.status_code == 422
    page = text(response)
    assert "Enter an email address like" in page and 'value="Kept Name"' in page
    assert "not-an-email" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Please enter the person"),
        ({"role": "wizard"}, "Choose one of the roles"),
        ({"sites": ""}, "Choose at least one site"),
        ({"sites": "9999"}, "Choose sites from the list"),
        ({"email": "sup.a@test.example"}, "Someone has this email address already"),
        ({"name": "x" * 121}, "under 120 characters"),
    ],
)
def test_each_bad_invitation_gets_a_clear_message(signed_in, ids, fields, message):
    response = _invite(signed_in("admin"), ids, **fields)
    assert response.status_code == 422
    assert message in text(response)


def test_a_safety_manager_is_not_offered_admin_nor_another_site(signed_in, ids):
    client = signed_in("safety")
    page = text(client.get("/people/invite"))
    assert 'value="admin"' not in page and "Bravo Warehouse" not in page
    assert _invite(client, ids, role="admin").status_code == 422
    assert _invite(client, ids, sites=str(ids.site["b"])).status_code == 422


def test_changing_role_and_sites_then_deactivating_ends_the_persons_session(
    app, signed_in, world, ids
):
    victim = app.test_client()
    assert LoginActions(victim).as_(world.viewer_a).status_code == 303
    assert victim.get("/staff/").status_code == 200
    admin = signed_in("admin")
    url = f"/people/{world.viewer_a.id}"
    data = {"name": "Viewer Renamed", "role": "supervisor", "sites": [ids.site["a"], ids.site["b"]]}
    assert post(admin, url, data).status_code == 303
    assert "Saved." in text(admin.get(url))
    assert post(admin, url + "/deactivate").status_code == 303
    assert victim.get("/staff/").status_code == 302  # the session ended at once
    assert LoginActions(app.test_client()).as_(world.viewer_a).status_code == 401
    assert post(admin, url + "/reactivate").status_code == 303
    assert victim.get("/staff/").status_code == 302  # the old cookie stays dead
    with app.app_context():
        whats = db.session.scalars(select(StaffChange.what).order_by(StaffChange.id)).all()
    assert whats == ["role", "sites", "name", "deactivated", "reactivated"]


def test_an_admin_cannot_deactivate_or_demote_themselves(app, signed_in, world, ids):
    admin = signed_in("admin")
    url = f"/people/{world.admin.id}"
    assert "Deactivate" not in text(admin.get(url))
    response = post(admin, url + "/deactivate", follow_redirects=True)
    assert "your own access" in text(response)
    response = post(admin, url, {"name": "Admin", "role": "viewer", "sites": ids.site["a"]})
    assert response.status_code == 422 and "your own role" in text(response)
    assert _user(app, "admin@test.example").active


def test_a_safety_manager_gets_404_for_another_sites_person_and_403_for_a_peer(signed_in, world):
    client = signed_in("safety")
    assert client.get(f"/people/{world.supervisor_b.id}").status_code == 404
    assert client.get(f"/people/{world.safety.id}").status_code == 403
    assert client.get(f"/people/{world.admin.id}").status_code == 404


def test_a_new_invitation_link_replaces_the_old_one(app, signed_in, ids, client):
    admin = signed_in("admin")
    first = LINK_RE.search(text(_invite(admin, ids))).group(1)
    user_id = _user(app, "nadia@test.example").id
    second = LINK_RE.search(text(post(admin, f"/people/{user_id}/invitation"))).group(1)
    assert first != second
    other = app.test_client()
    assert other.get(first.removeprefix(app.config["BASE_URL"])).status_code == 404
    assert other.get(second.removeprefix(app.config["BASE_URL"])).status_code == 200


def test_the_change_trail_is_for_admins_and_exports_formula_safe_csv(app, signed_in, ids, login):
    admin = signed_in("admin")
    _invite(admin, ids, name='=HYPERLINK("http://x")')
    page = admin.get("/people/changes")
    assert page.status_code == 200 and "Invited" in text(page)
    export = admin.get("/people/changes.csv")
    assert export.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(text(export).lstrip("\ufeff"))))
    assert rows[0][0] == "When (UTC)"
    assert rows[1][3].startswith("'=HYPERLINK") and rows[1][5] == "Invited"
    login.logout()
    assert signed_in("safety").get("/people/changes").status_code == 403


def test_signing_in_sets_last_sign_in(app, signed_in):
    signed_in("viewer_a")
    assert _user(app, "viewer.a@test.example").last_login_at is not None


def test_an_account_made_on_the_command_line_is_on_the_trail(app, runner, world):
    args = ["portal", "create-user", "--email", "cli@test.example", "--name", "Cli"]
    args += ["--role", "viewer", "--site", "alpha", "--password", "a-long-cli-password"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    with app.app_context():
        change = db.session.scalar(select(StaffChange))
    assert (change.what, change.actor_id, change.after) == ("created", None, "viewer; Alpha Plant")
