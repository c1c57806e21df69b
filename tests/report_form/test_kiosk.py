"""Kiosk mode: the same form on a shared tablet that remembers nothing between people."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import Report
from tests.factories import form_token, receipt_in, report_answers


def test_kiosk_form_shows_its_location_and_remembers_nothing(client, world):
    response = client.get(f"/kiosk/{world.location_a}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dock 1" in html and "Shared tablet" in html
    assert 'autocomplete="off"' in html
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_kiosk_receipt_clears_itself_and_the_site_data(app, client, world):
    token = form_token(client.get(f"/kiosk/{world.location_a}").get_data(as_text=True))
    response = client.post(
        f"/kiosk/{world.location_a}", data=report_answers(token, reporter_name="Ana")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    receipt_in(html)
    # cleared by app.js after 60 s (with "More time"), or by a refresh without JavaScript
    assert f'data-kiosk-clear="60" data-kiosk-url="/kiosk/{world.location_a}' in html
    assert f'<noscript><meta http-equiv="refresh" content="60;url=/kiosk/{world.location_a}' in html
    assert "More time" in html
    assert ">Done<" in html
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert "Set-Cookie" not in response.headers
    with app.app_context():
        assert db.session.scalars(select(Report)).one().channel == "kiosk"
    blank = client.get(f"/kiosk/{world.location_a}").get_data(as_text=True)
    assert "Ana" not in blank and "A forklift reversed" not in blank


def test_qr_receipt_does_not_refresh_away(client, world):
    token = form_token(client.get(f"/r/{world.location_a}").get_data(as_text=True))
    response = client.post(f"/r/{world.location_a}", data=report_answers(token))
    assert 'http-equiv="refresh"' not in response.get_data(as_text=True)
    assert "Clear-Site-Data" not in response.headers
