"""The admin page of a site's extra recipients: adding, bad input, retiring (who may keep it
is the route matrix's: tests/security/test_access_matrix.py)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import SiteRecipient
from tests.factories import post

EMPTY = {"label": "", "channel": "email", "target": ""}


@pytest.fixture
def recipients(app, world) -> dict[str, int]:
    """An HR address at each site, by site letter."""
    with app.app_context():
        rows = {
            "a": SiteRecipient(site_id=world.site_a, label="HR", target="hr-a@test.example"),
            "b": SiteRecipient(site_id=world.site_b, label="HR", target="hr-b@test.example"),
        }
        db.session.add_all(rows.values())
        db.session.commit()
        return {letter: row.id for letter, row in rows.items()}


def _rows(app, site_id: int) -> list[tuple]:
    with app.app_context():
        query = select(
            SiteRecipient.label,
            SiteRecipient.channel,
            SiteRecipient.target,
            SiteRecipient.high_potential_only,
            SiteRecipient.active,
        ).where(SiteRecipient.site_id == site_id)
        return list(db.session.execute(query.order_by(SiteRecipient.id)).tuples())


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/admin/sites/999999/recipients"),
        ("POST", "/admin/sites/999999/recipients"),
        ("POST", "/admin/recipients/999999/retire"),
    ],
)
def test_missing_objects_are_404(login, world, method, url):
    login.as_(world.admin)
    client = login.client
    response = client.get(url) if method == "GET" else post(client, url, EMPTY)
    assert response.status_code == 404


def test_the_sites_page_links_to_each_sites_recipients(login, world, ids):
    login.as_(world.admin)
    html = login.client.get("/admin/sites").get_data(as_text=True)
    assert f'href="/admin/sites/{ids.site["a"]}/recipients"' in html
    assert f'href="/admin/sites/{ids.site["b"]}/recipients"' in html


def test_the_list_shows_this_sites_recipients_only(login, world, ids, recipients):
    login.as_(world.safety)
    html = login.client.get(f"/admin/sites/{ids.site['a']}/recipients").get_data(as_text=True)
    assert "hr-a@test.example" in html and "hr-b@test.example" not in html
    assert f'action="/admin/recipients/{recipients["a"]}/retire"' in html
    assert "Every new report" in html


@pytest.mark.parametrize("persona", ["admin", "safety"])
def test_a_keeper_adds_a_webhook_for_high_potential_reports(app, login, world, ids, persona):
    login.as_(getattr(world, persona))
    url = f"/admin/sites/{ids.site['a']}/recipients"
    data = {
        "label": "  Ops chat ",
        "channel": "webhook",
        "target": " https://chat.example.com/hooks/AbC123 ",
        "high_potential_only": "y",
    }
    response = post(login.client, url, data)
    assert response.status_code == 303
    assert _rows(app, ids.site["a"]) == [
        ("Ops chat", "webhook", "https://chat.example.com/hooks/AbC123", True, True)
    ]
    assert response.headers["Location"].startswith(f"{url}#recipient-")
    page = login.client.get(url).get_data(as_text=True)
    assert "Recipient added." in page and "High-potential only" in page


def test_an_email_recipient_is_added_for_every_report(app, login, world, ids):
    login.as_(world.admin)
    url = f"/admin/sites/{ids.site['b']}/recipients"
    data = {"label": "HR", "channel": "email", "target": "hr@bravo.example"}
    assert post(login.client, url, data).status_code == 303
    assert _rows(app, ids.site["b"]) == [("HR", "email", "hr@bravo.example", False, True)]


BAD = [
    pytest.param(
        {"label": "", "channel": "email", "target": "hr@test.example"},
        "Please name the recipient",
        id="empty-label",
    ),
    pytest.param(
        {"label": "HR", "channel": "email", "target": "hr.example.com"},
        "Enter an email address",
        id="bad-email",
    ),
    pytest.param(
        {"label": "HR", "channel": "email", "target": "hr@test example.com"},
        "Enter an email address",
        id="email-with-space",
    ),
    pytest.param(
        {"label": "Chat", "channel": "webhook", "target": "chat.example.com/hook"},
        "starting with https://",
        id="url-without-scheme",
    ),
    pytest.param(
        {"label": "Chat", "channel": "webhook", "target": "ftp://chat.example.com/hook"},
        "starting with https://",
        id="not-a-web-url",
    ),
    pytest.param(
        {"label": "Chat", "channel": "webhook", "target": "javascript:alert(1)"},
        "starting with https://",
        id="script-url",
    ),
    pytest.param(
        {"label": "Chat", "channel": "sms", "target": "hr@test.example"},
        "Choose email or webhook",
        id="unknown-channel",
    ),
    pytest.param(
        {"label": "HR", "channel": "email", "target": ""},
        "Please enter an email address or a webhook URL",
        id="empty-target",
    ),
    pytest.param(
        {"label": "x" * 121, "channel": "email", "target": "hr@test.example"},
        "at most 120",
        id="long-label",
    ),
    pytest.param(
        {"label": "HR again", "channel": "email", "target": "HR-A@test.example"},
        "already sends to this address",
        id="duplicate",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_input_comes_back_with_the_text_kept_and_nothing_stored(
    app, login, world, ids, recipients, data, message
):
    login.as_(world.safety)
    url = f"/admin/sites/{ids.site['a']}/recipients"
    response = post(login.client, url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "has-error" in html  # the field is marked, its message beside it
    for name in ("label", "target"):
        if data[name]:
            assert re.search(rf'name="{name}"[^>]*value="{re.escape(data[name])}"', html)
    assert _rows(app, ids.site["a"]) == [("HR", "email", "hr-a@test.example", False, True)]


def test_a_retired_recipient_can_be_restored(app, login, world, ids, recipients):
    login.as_(world.safety)
    response = post(login.client, f"/admin/recipients/{recipients['a']}/retire")
    assert response.status_code == 303
    assert response.headers["Location"] == (
        f"/admin/sites/{ids.site['a']}/recipients#recipient-{recipients['a']}"
    )
    assert _rows(app, ids.site["a"])[0][-1] is False
    page = login.client.get(f"/admin/sites/{ids.site['a']}/recipients").get_data(as_text=True)
    assert "gets no more messages" in page
    assert re.search(rf'id="recipient-{recipients["a"]}" class="inactive"', page)
    assert post(login.client, f"/admin/recipients/{recipients['a']}/restore").status_code == 303
    assert _rows(app, ids.site["a"])[0][-1] is True


def test_adding_the_address_of_a_retired_recipient_says_restore_it(app, login, world, ids):
    with app.app_context():
        db.session.add(
            SiteRecipient(
                site_id=ids.site["a"], label="Old", target="ops@test.example", active=False
            )
        )
        db.session.commit()
    login.as_(world.admin)
    data = {"label": "Ops", "channel": "email", "target": "ops@test.example"}
    response = post(login.client, f"/admin/sites/{ids.site['a']}/recipients", data)
    assert response.status_code == 422
    assert "restore it" in response.get_data(as_text=True)


@pytest.mark.parametrize("action", ["retire", "restore"])
def test_retiring_needs_a_post_with_a_csrf_token(app, login, world, ids, recipients, action):
    login.as_(world.admin)
    url = f"/admin/recipients/{recipients['a']}/{action}"
    assert login.client.get(url).status_code == 405
    assert login.client.post(url).status_code == 400
    assert _rows(app, ids.site["a"])[0][-1] is True


def test_a_safety_manager_reaches_the_page_from_the_posters_list(login, world, ids):
    login.as_(world.safety)
    html = login.client.get("/admin/posters").get_data(as_text=True)
    assert f'href="/admin/sites/{ids.site["a"]}/recipients"' in html
    assert f'href="/admin/sites/{ids.site["b"]}/recipients"' not in html
    login.logout()
    login.as_(world.supervisor_a)
    assert "/recipients" not in login.client.get("/admin/posters").get_data(as_text=True)
