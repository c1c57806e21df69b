"""Staff enter a report on someone's behalf (channel "staff") and hand over the receipt code."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Location, Report
from tests.factories import fetch, post, session_csrf

RECEIPT = re.compile(r"Receipt code for the reporter: ([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})")


def _answers(token: str, **overrides: str) -> dict[str, str]:
    data = {
        "what_happened": "Told me at break: a load slipped off the forks at the dock edge.",
        "where": "Dock 1, edge by door 2",
        "potential_outcome": "serious_injury",
        "potential_text": "",
        "reporter_name": "",
        "reporter_role": "worker",
        "language": "es",
        "token": token,
    }
    data.update(overrides)
    return data


def _token(html: str) -> str:
    match = re.search(r'id="token" name="token" type="hidden" value="([^"]+)"', html)
    assert match, "no one-time token in the form"
    return match.group(1)


def _reports(app) -> list[Report]:
    with app.app_context():
        reports = list(db.session.scalars(select(Report)))
        db.session.expunge_all()
        return reports


@pytest.fixture
def entering(signed_in, ids):
    """A supervisor of site A with the entry form of Dock 1 open: (client, url, token)."""
    client = signed_in("supervisor_a")
    url = f"/reports/new?location={ids.location['a']}"
    page = client.get(url)
    assert page.status_code == 200
    return client, url, _token(page.get_data(as_text=True))


def test_the_place_list_shows_only_the_users_sites(signed_in, ids):
    html = signed_in("safety").get("/reports/new").get_data(as_text=True)
    assert f'href="/reports/new?location={ids.location["a"]}"' in html and "Dock 1" in html
    assert "Aisle 9" not in html and "Bravo Warehouse" not in html


def test_inactive_locations_are_not_offered(app, signed_in, ids):
    with app.app_context():
        db.session.get(Location, ids.location["a"]).active = False
        db.session.commit()
    client = signed_in("admin")
    assert "Dock 1" not in client.get("/reports/new").get_data(as_text=True)
    assert client.get(f"/reports/new?location={ids.location['a']}").status_code == 404


def test_the_form_asks_the_three_questions_with_the_place_filled_in(entering):
    client, url, _token_value = entering
    html = client.get(url).get_data(as_text=True)
    for label in ("What happened?", "Where?", "What could have happened?"):
        assert label in html
    assert 'value="Dock 1"' in html
    assert "Reporter&#39;s name" in html or "Reporter's name" in html


def test_a_staff_entry_is_stored_and_the_receipt_shown_once(app, world, entering):
    client, url, token = entering
    response = post(client, url, _answers(token))
    assert response.status_code == 303
    (report,) = _reports(app)
    assert response.headers["Location"] == f"/reports/{report.id}"
    assert report.channel == "staff" and report.language == "es" and report.is_anonymous
    assert report.status == "new" and report.reporter_role == "worker"
    first = client.get(response.headers["Location"]).get_data(as_text=True)
    code = RECEIPT.search(first).group(1)
    assert "Entered by staff" in first
    assert "sup.a" in first.split('id="timeline-title"', 1)[1]  # who took it down
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Receipt code for the reporter" not in again
    # the reporter follows it with that code
    status = app.test_client().post("/followup", data={"code": code})
    assert "Received — waiting to be looked at" in status.get_data(as_text=True)


def test_the_same_form_sent_twice_stores_one_report_with_one_code(app, entering):
    client, url, token = entering
    first = client.get(post(client, url, _answers(token)).headers["Location"])
    second = client.get(post(client, url, _answers(token)).headers["Location"])
    assert len(_reports(app)) == 1
    code = RECEIPT.search(first.get_data(as_text=True)).group(1)
    assert RECEIPT.search(second.get_data(as_text=True)).group(1) == code


def test_a_named_entry_keeps_the_name(app, entering):
    client, url, token = entering
    post(client, url, _answers(token, reporter_name="Luis Gómez", reporter_role="contractor"))
    (report,) = _reports(app)
    assert report.reporter_name == "Luis Gómez" and report.reporter_role == "contractor"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("what_happened", "", "Please tell us what happened."),
        ("what_happened", "x" * 4001, "Please keep this under 4000 characters."),
        ("where", " ", "Please tell us where it happened."),
        ("where", "w" * 201, "Please keep this under 200 characters."),
        ("potential_outcome", "", "Please choose what could have happened."),
        ("potential_outcome", "armageddon", "Please choose one of these."),
        ("potential_text", "p" * 501, "Please keep this under 500 characters."),
        ("reporter_name", "n" * 121, "Please keep this under 120 characters."),
        ("reporter_role", "boss", "Please choose one of these."),
        ("language", "fr", "Please choose one of these."),
    ],
)
def test_bad_input_comes_back_with_the_text_kept(app, entering, field, value, message):
    client, url, token = entering
    response = post(client, url, _answers(token, **{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    if field != "what_happened":
        assert "a load slipped off the forks at the dock edge.</textarea>" in html
    assert _reports(app) == []


def test_a_forged_token_asks_to_send_again_and_keeps_the_text(app, entering):
    client, url, _token_value = entering
    response = post(client, url, _answers("forged.token.value"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This form was open too long. Please send it again." in html
    assert "a load slipped off the forks at the dock edge.</textarea>" in html
    assert _reports(app) == []
    assert post(client, url, _answers(_token(html))).status_code == 303


def test_a_token_of_another_location_does_not_work(app, signed_in, ids):
    client = signed_in("admin")
    token_b = _token(
        client.get(f"/reports/new?location={ids.location['b']}").get_data(as_text=True)
    )
    response = post(client, f"/reports/new?location={ids.location['a']}", _answers(token_b))
    assert response.status_code == 422
    assert _reports(app) == []


def test_an_entry_without_the_csrf_token_is_refused(app, entering):
    client, url, token = entering
    session_csrf(client)
    assert client.post(url, data=_answers(token)).status_code == 400
    assert _reports(app) == []


def test_the_entered_report_is_a_normal_report_on_the_page(app, entering):
    client, url, token = entering
    location = post(client, url, _answers(token)).headers["Location"]
    report_id = int(location.rsplit("/", 1)[1])
    assert fetch(app, report_id).events[0].kind == "submitted"
