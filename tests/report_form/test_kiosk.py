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
    assert 'data-kiosk-clear="60"' in html and "<span data-countdown>60</span> seconds" in html
    assert f'data-kiosk-fresh="/kiosk/{world.location_a}"' in html
    refresh = f'<meta http-equiv="refresh" content="60;url=/kiosk/{world.location_a}"'
    assert f"<noscript>{refresh}" in html
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


def _kiosk_report(client, world, **overrides):
    token = form_token(client.get(f"/kiosk/{world.location_a}").get_data(as_text=True))
    answers = report_answers(token, **overrides)
    first = client.post(f"/kiosk/{world.location_a}", data=answers)
    assert first.status_code == 200
    return answers, receipt_in(first.get_data(as_text=True))


def _count(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Report)).all())


def test_a_kiosk_form_sent_again_gets_a_blank_form_never_the_receipt(app, client, world):
    answers, code = _kiosk_report(client, world, reporter_name="Ana")
    again = client.post(f"/kiosk/{world.location_a}", data=answers)
    assert again.status_code == 303
    assert again.headers["Location"] == f"/kiosk/{world.location_a}?sent=1"
    blank = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "That report was sent and is safe with the safety team." in blank
    for trace in (code, "Ana", answers["what_happened"], answers["where"]):
        assert trace not in blank
    assert _count(app) == 1


def test_an_earlier_page_of_the_same_kiosk_form_sent_again_shows_none_of_its_words(
    app, client, world
):
    """A's form came back once with an error, then was sent: resending the error page's
    POST (Back to it, Reload) must not show A's words again."""
    answers, _code = _kiosk_report(client, world, reporter_name="Ana")
    error_page = {**answers, "potential_outcome": "", "what_happened": "A words-6160"}
    again = client.post(f"/kiosk/{world.location_a}", data=error_page)
    assert again.status_code == 303
    assert "words-6160" not in again.get_data(as_text=True)
    assert _count(app) == 1


def test_a_phone_form_sent_again_still_gets_its_receipt(client, world):
    token = form_token(client.get(f"/r/{world.location_a}").get_data(as_text=True))
    first = client.post(f"/r/{world.location_a}", data=report_answers(token))
    again = client.post(f"/r/{world.location_a}", data=report_answers(token))
    assert receipt_in(again.get_data(as_text=True)) == receipt_in(first.get_data(as_text=True))


def test_the_kiosk_form_carries_its_idle_settings(app, client, world):
    app.config.update(KIOSK_IDLE_SECONDS=45, KIOSK_IDLE_WARNING_SECONDS=15)
    html = client.get(f"/kiosk/{world.location_a}").get_data(as_text=True)
    assert 'data-kiosk-idle="45" data-kiosk-warning="15"' in html
    assert "Still there?" in html and "<span data-countdown>15</span> seconds" in html
    assert "data-kiosk-idle" not in client.get(f"/r/{world.location_a}").get_data(as_text=True)


def test_the_kiosk_asks_and_counts_down_in_spanish(client, world):
    spanish = {"Accept-Language": "es"}
    form = client.get(f"/kiosk/{world.location_a}", headers=spanish).get_data(as_text=True)
    assert "¿Sigues ahí?" in form and "Sí, sigo aquí" in form and "Empezar de nuevo" in form
    assert "se borra solo en <span data-countdown>30</span> segundos" in form
    token = form_token(form)
    receipt = client.post(
        f"/kiosk/{world.location_a}", data=report_answers(token), headers=spanish
    ).get_data(as_text=True)
    assert "se borra sola en <span data-countdown>60</span> segundos" in receipt
    sent = client.get(f"/kiosk/{world.location_a}?sent=1", headers=spanish)
    assert "Ese reporte ya se envió" in sent.get_data(as_text=True)


def test_a_language_switch_of_a_sent_kiosk_form_shows_none_of_its_words(app, client, world):
    """Without JavaScript, Back to the page A switched to Spanish and Reload sends the switch
    again: the form was sent since, so it comes back blank."""
    answers, _code = _kiosk_report(client, world, reporter_name="Ana")
    again = client.post(f"/kiosk/{world.location_a}", data={**answers, "switch_lang": "es"})
    assert again.status_code == 303
    assert _count(app) == 1
