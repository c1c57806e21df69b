"""/followup: the reporter sees the public status by receipt code; guessing is throttled."""

from __future__ import annotations

from sqlalchemy import select

from portal.domain import loop
from portal.extensions import db
from portal.models import Report, User
from tests.factories import form_token, receipt_in, report_answers


def _report(client, code: str, **overrides) -> str:
    token = form_token(client.get(f"/r/{code}").get_data(as_text=True))
    response = client.post(f"/r/{code}", data=report_answers(token, **overrides))
    return receipt_in(response.get_data(as_text=True))


def test_the_lookup_page_sets_no_cookie(client, world):
    response = client.get("/followup")
    assert response.status_code == 200
    assert "Your receipt code" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers


def test_a_receipt_code_shows_status_and_public_timeline(client, world):
    code = _report(client, world.location_a, reporter_name="Ana")
    response = client.post("/followup", data={"code": code})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Received — waiting to be looked at" in html
    assert "Report received" in html
    assert "Dock 1" in html and "Alpha Plant" in html
    assert "Ana" not in html  # the page shows no identity, even for a named report
    assert "Set-Cookie" not in response.headers


def test_codes_are_read_forgivingly(client, world):
    code = _report(client, world.location_a)
    sloppy = code.replace("-", " ").lower().replace("0", "o").replace("1", "l")
    html = client.post("/followup", data={"code": sloppy}).get_data(as_text=True)
    assert "Received — waiting to be looked at" in html


def test_the_qr_link_with_the_code_works_too(client, world):
    code = _report(client, world.location_a)
    html = client.get(f"/followup?code={code}").get_data(as_text=True)
    assert "Received — waiting to be looked at" in html


def test_acknowledgement_shows_on_the_timeline_without_the_name_of_staff(app, client, world):
    code = _report(client, world.location_a)
    with app.app_context():
        report = db.session.scalars(select(Report)).one()
        loop.acknowledge(report, db.session.get(User, world.supervisor_a.id))
        db.session.commit()
    html = client.post("/followup", data={"code": code}).get_data(as_text=True)
    assert "Acknowledged — a supervisor has seen it" in html
    assert "Acknowledged — thank you for reporting" in html
    assert "sup.a" not in html


def test_a_wrong_code_gets_one_calm_message(client, world):
    _report(client, world.location_a)
    for wrong in ("AAAA-BBBB-CCCC-DDDD", "short", "!!!!"):
        response = client.post("/followup", data={"code": wrong})
        assert response.status_code == 404
        assert "We could not find a report with this code" in response.get_data(as_text=True)


def test_an_empty_or_overlong_code_is_explained(client, world):
    assert "Please type the code" in client.post("/followup", data={"code": " "}).get_data(
        as_text=True
    )
    response = client.post("/followup", data={"code": "A" * 41})
    assert response.status_code == 422
    assert "longer than a receipt code" in response.get_data(as_text=True)


def test_guessing_is_rate_limited_per_client(app, client, world):
    app.config["FOLLOWUP_RATE_LIMIT"] = "3 per minute"
    code = _report(client, world.location_a)
    for _ in range(3):
        assert client.post("/followup", data={"code": "AAAA-BBBB-CCCC-DDDD"}).status_code == 404
    blocked = client.post("/followup", data={"code": code})
    assert blocked.status_code == 429
    assert "Too many tries from this device" in blocked.get_data(as_text=True)
    # visiting the empty page does not count, and another client still gets through
    assert client.get("/followup").status_code == 200
    other = client.post("/followup", data={"code": code}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 200


def test_followup_in_spanish(client, world):
    code = _report(client, world.location_a)
    html = client.post("/followup", data={"code": code, "lang": "es"}).get_data(as_text=True)
    assert "Recibido — pendiente de revisión" in html


def test_the_receipt_links_to_the_follow_up_with_the_code_in_the_fragment_only(client, world):
    token = form_token(client.get(f"/r/{world.location_a}").get_data(as_text=True))
    html = client.post(f"/r/{world.location_a}", data=report_answers(token)).get_data(as_text=True)
    code = receipt_in(html)
    assert f'href="/followup?lang=en#code={code}">Follow this report<' in html
    assert "?code=" not in html and "Take a screenshot of this screen" in html


def test_the_kiosk_receipt_has_no_follow_link(client, world):
    token = form_token(client.get(f"/kiosk/{world.location_a}").get_data(as_text=True))
    html = client.post(f"/kiosk/{world.location_a}", data=report_answers(token))
    assert "Follow this report" not in html.get_data(as_text=True)
    assert "snap the QR code with your phone" in html.get_data(as_text=True)
