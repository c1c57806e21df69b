"""The three-question report form at /r/<code>: answers, receipt, idempotency, bad input."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.domain import intake
from portal.extensions import db
from portal.lib.hours import HOUR
from portal.models import Location, Report, ReportEvent
from tests.factories import form_token, receipt_in, report_answers


def _open(client, code, **headers):
    page = client.get(f"/r/{code}", headers=headers)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _count_reports(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Report.id)))


def test_form_asks_exactly_the_three_questions(client, world):
    html = _open(client, world.location_a)
    labels = re.findall(r"<(?:label|legend)[^>]*>([^<]+)<", html)
    assert "What happened?" in labels
    assert "Where?" in labels
    assert "What could have happened?" in labels
    for choice in (
        "Minor injury",
        "Serious injury or worse",
        "Damage or spill only",
        "Something else",
    ):
        assert choice in html
    assert "Add more (optional)" in html
    assert "Your name (leave empty to stay anonymous)" in html
    assert 'accept="image/*"' in html and 'capture="environment"' in html


def test_where_is_prefilled_with_the_location_name(client, world):
    html = _open(client, world.location_a)
    assert re.search(r'name="where"[^>]*value="Dock 1"', html)


def test_public_form_sets_no_cookie_and_is_not_cached(client, world):
    response = client.get(f"/r/{world.location_a}")
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_a_report_starts_new_with_a_submitted_event(app, client, world):
    token = form_token(_open(client, world.location_a))
    response = client.post(
        f"/r/{world.location_a}", data=report_answers(token, potential_text="crushed foot")
    )
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    with app.app_context():
        report = db.session.scalars(select(Report)).one()
        location = db.session.scalar(select(Location).where(Location.code == world.location_a))
        assert report.status == "new"
        assert report.location_id == location.id
        assert report.site_id == world.site_a
        assert report.channel == "qr"
        assert report.language == "en"
        assert report.where_text == "Dock 1, door 4"
        assert report.potential_outcome == "serious_injury"
        assert report.potential_text == "crushed foot"
        assert report.is_anonymous
        events = db.session.scalars(select(ReportEvent)).all()
        assert [(event.kind, event.public) for event in events] == [("submitted", True)]


def test_receipt_is_grouped_and_only_its_keyed_hash_is_stored(app, client, world):
    token = form_token(_open(client, world.location_a))
    html = client.post(f"/r/{world.location_a}", data=report_answers(token)).get_data(as_text=True)
    code = receipt_in(html)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    assert "within one working day" in html
    assert 'src="data:image/svg+xml;base64,' in html  # QR of the follow-up URL, no extra request
    with app.app_context():
        report = db.session.scalars(select(Report)).one()
        row = " ".join(str(value) for value in report.__dict__.values())
        assert code.replace("-", "") not in row and code not in row
        assert len(report.receipt_hash) == 64


def test_a_named_report_keeps_name_and_role(app, client, world):
    token = form_token(_open(client, world.location_a))
    data = report_answers(token, reporter_name="  Ana  ", reporter_role="contractor")
    assert client.post(f"/r/{world.location_a}", data=data).status_code == 200
    with app.app_context():
        report = db.session.scalars(select(Report)).one()
        assert (report.reporter_name, report.reporter_role) == ("Ana", "contractor")
        assert not report.is_anonymous


def test_an_anonymous_report_stores_no_address_agent_or_cookie(app, client, world):
    marker_ip, marker_agent = "203.0.113.77", "MarkerAgent/9.9 (closecall-leak-check)"
    token = form_token(_open(client, world.location_a))
    response = client.post(
        f"/r/{world.location_a}",
        data=report_answers(token),
        headers={"User-Agent": marker_agent, "Cookie": "tracker=marker-cookie-42"},
        environ_base={"REMOTE_ADDR": marker_ip},
    )
    assert response.status_code == 200
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)).all():
                text = " ".join(str(value) for value in row)
                assert marker_ip not in text, table.name
                assert "MarkerAgent" not in text, table.name
                assert "marker-cookie" not in text, table.name


def test_a_double_submit_returns_the_first_receipt_and_one_report(app, client, world):
    token = form_token(_open(client, world.location_a))
    first = client.post(f"/r/{world.location_a}", data=report_answers(token))
    second = client.post(f"/r/{world.location_a}", data=report_answers(token))
    assert receipt_in(first.get_data(as_text=True)) == receipt_in(second.get_data(as_text=True))
    assert _count_reports(app) == 1


def test_a_used_token_with_other_words_gets_no_receipt(app, client, world):
    """A captured form token is no key to its report (issue 18, finding 6): sent again with
    other words it answers calmly, without the code, and keeps the words under a new token."""
    token = form_token(_open(client, world.location_a))
    first = client.post(f"/r/{world.location_a}", data=report_answers(token))
    code = receipt_in(first.get_data(as_text=True))
    replay = client.post(
        f"/r/{world.location_a}", data=report_answers(token, what_happened="Someone else's words")
    )
    html = replay.get_data(as_text=True)
    assert replay.status_code == 409 and "This form was already sent" in html
    assert code not in html and "Someone else&#39;s words" in html
    assert form_token(html) != token
    assert _count_reports(app) == 1


def test_the_same_words_long_after_get_no_receipt(app, client, world, monkeypatch):
    token = form_token(_open(client, world.location_a))
    code = receipt_in(
        client.post(f"/r/{world.location_a}", data=report_answers(token)).get_data(as_text=True)
    )
    # anonymous: only its hour is kept, so the window runs from the end of that hour
    later = intake.utcnow() + HOUR + intake.REPLAY_WINDOW + timedelta(minutes=1)
    monkeypatch.setattr(intake, "utcnow", lambda: later)
    replay = client.post(f"/r/{world.location_a}", data=report_answers(token))
    assert replay.status_code == 409 and code not in replay.get_data(as_text=True)
    assert _count_reports(app) == 1


def test_two_forms_make_two_reports_with_different_receipts(app, client, world):
    first = client.post(
        f"/r/{world.location_a}", data=report_answers(form_token(_open(client, world.location_a)))
    )
    second = client.post(
        f"/r/{world.location_a}", data=report_answers(form_token(_open(client, world.location_a)))
    )
    assert receipt_in(first.get_data(as_text=True)) != receipt_in(second.get_data(as_text=True))
    assert _count_reports(app) == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("what_happened", "", "Please tell us what happened."),
        ("what_happened", "   ", "Please tell us what happened."),
        ("what_happened", "x" * 4001, "Please keep this under 4000 characters."),
        ("where", "", "Please tell us where it happened."),
        ("where", "y" * 201, "Please keep this under 200 characters."),
        ("potential_outcome", "", "Please choose what could have happened."),
        ("potential_outcome", "catastrophe", "Please choose one of these."),
        ("potential_text", "z" * 501, "Please keep this under 500 characters."),
        ("reporter_name", "n" * 121, "Please keep this under 120 characters."),
        ("reporter_role", "ceo", "Please choose one of these."),
    ],
)
def test_bad_answers_get_a_clear_message_and_keep_the_text(
    app, client, world, field, value, message
):
    token = form_token(_open(client, world.location_a))
    data = report_answers(token, potential_text="kept words", reporter_name="Kept Name")
    data[field] = value
    response = client.post(f"/r/{world.location_a}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    if field != "what_happened":
        assert "A forklift reversed without horn and nearly hit a picker." in html
    if field != "where":
        assert "Dock 1, door 4" in html
    if field not in ("potential_text", "reporter_name"):
        assert "kept words" in html and "Kept Name" in html
    assert _count_reports(app) == 0
    # the same form can then be sent, corrected, with its token
    assert client.post(f"/r/{world.location_a}", data=report_answers(token)).status_code == 200
    assert _count_reports(app) == 1


def test_missing_potential_outcome_radio_keeps_choice_when_other_field_fails(client, world):
    token = form_token(_open(client, world.location_a))
    html = client.post(
        f"/r/{world.location_a}",
        data=report_answers(token, what_happened="", potential_outcome="damage_only"),
    ).get_data(as_text=True)
    assert re.search(r'checked[^>]*value="damage_only"|value="damage_only"[^>]*checked', html)


def test_an_expired_form_comes_back_with_everything_typed(app, client, world, monkeypatch):
    token = form_token(_open(client, world.location_a))
    app.config["FORM_TOKEN_MAX_AGE"] = -1
    response = client.post(
        f"/r/{world.location_a}", data=report_answers(token, reporter_name="Ana")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This form was open for a long time" in html
    assert "A forklift reversed without horn" in html and "Ana" in html
    assert form_token(html) != token
    assert _count_reports(app) == 0


def test_a_forged_token_is_refused_without_losing_the_text(app, client, world):
    _open(client, world.location_a)
    response = client.post(f"/r/{world.location_a}", data=report_answers("forged.token.value"))
    assert response.status_code == 422
    assert "A forklift reversed without horn" in response.get_data(as_text=True)
    assert _count_reports(app) == 0


def test_a_token_of_another_location_is_refused(app, client, world):
    token = form_token(_open(client, world.location_b))
    response = client.post(f"/r/{world.location_a}", data=report_answers(token))
    assert response.status_code == 422
    assert _count_reports(app) == 0


def test_unknown_location_code_gets_a_friendly_page(client, world):
    response = client.get("/r/NOSUCHCODE")
    assert response.status_code == 404
    assert "This QR code is not active" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers


def test_disabled_location_gets_the_same_friendly_page(app, client, world):
    with app.app_context():
        location = db.session.scalar(select(Location).where(Location.code == world.location_a))
        location.active = False
        db.session.commit()
    assert client.get(f"/r/{world.location_a}").status_code == 404
    response = client.post(f"/r/{world.location_a}", data=report_answers("x"))
    assert response.status_code == 404
    assert "This QR code is not active" in response.get_data(as_text=True)


def test_location_codes_are_case_insensitive(client, world):
    assert client.get(f"/r/{world.location_a.lower()}").status_code == 200


def test_spanish_from_the_browser_language(client, world):
    html = _open(client, world.location_a, **{"Accept-Language": "es-MX,es;q=0.9"})
    assert '<html lang="es">' in html
    assert "¿Qué pasó?" in html
    assert "¿Dónde?" in html
    assert "¿Qué pudo haber pasado?" in html


def test_switching_language_keeps_the_answers(client, world):
    token = form_token(_open(client, world.location_a))
    data = report_answers(token, switch_lang="es", reporter_name="Ana")
    response = client.post(f"/r/{world.location_a}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "¿Qué pasó?" in html and "A forklift reversed without horn" in html and "Ana" in html


def test_a_spanish_report_records_its_language_and_answers_errors_in_spanish(app, client, world):
    token = form_token(_open(client, world.location_a))
    bad = client.post(
        f"/r/{world.location_a}", data=report_answers(token, what_happened="", lang="es")
    )
    assert "Por favor, cuéntanos qué pasó." in bad.get_data(as_text=True)
    good = client.post(f"/r/{world.location_a}", data=report_answers(token, lang="es"))
    assert "Gracias" in good.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Report)).one().language == "es"


def test_reports_are_rate_limited_per_client_without_losing_text(app, client, world):
    app.config["REPORT_RATE_LIMIT"] = "2 per minute"
    for _ in range(2):
        token = form_token(_open(client, world.location_a))
        assert client.post(f"/r/{world.location_a}", data=report_answers(token)).status_code == 200
    token = form_token(_open(client, world.location_a))
    response = client.post(
        f"/r/{world.location_a}", data=report_answers(token, what_happened="third one")
    )
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Please wait a minute" in html and "third one" in html
    assert "Set-Cookie" not in response.headers
    # another client is not affected
    other = app.test_client()
    token = form_token(other.get(f"/r/{world.location_a}").get_data(as_text=True))
    response = other.post(
        f"/r/{world.location_a}",
        data=report_answers(token),
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert response.status_code == 200


def test_a_location_disabled_elsewhere_stops_taking_reports_within_seconds(
    app, client, world, monkeypatch
):
    from portal.web import cache

    assert client.get(f"/r/{world.location_a}").status_code == 200
    with app.app_context():  # as another server's admin would: straight in the database
        location = db.session.scalar(select(Location).where(Location.code == world.location_a))
        location.active = False
        db.session.commit()
    assert client.get(f"/r/{world.location_a}").status_code == 200  # remembered briefly
    later = cache.time.monotonic() + app.config["PLACE_CACHE_SECONDS"] + 1
    monkeypatch.setattr(cache.time, "monotonic", lambda: later)
    assert client.get(f"/r/{world.location_a}").status_code == 404


def test_a_retry_after_the_form_expired_still_gets_the_first_receipt(app, client, world):
    token = form_token(_open(client, world.location_a))
    first = client.post(f"/r/{world.location_a}", data=report_answers(token))
    app.config["FORM_TOKEN_MAX_AGE"] = -1
    again = client.post(f"/r/{world.location_a}", data=report_answers(token))
    assert again.status_code == 200
    assert receipt_in(again.get_data(as_text=True)) == receipt_in(first.get_data(as_text=True))
    assert _count_reports(app) == 1


def test_the_start_page_opens_a_spot_by_the_code_under_its_qr(client, world):
    start = client.get("/").get_data(as_text=True)
    assert (
        'action="/r"' in start and "See what was fixed" in start and world.location_a not in start
    )
    typed = world.location_a.lower()[:5] + "-" + world.location_a.lower()[5:]
    response = client.get(f"/r?poster={typed}&lang=es")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/r/{world.location_a}?lang=es"
    assert "Set-Cookie" not in response.headers
    pasted = client.get(f"/r?poster=https://closecall.test/r/{world.location_a}")
    assert pasted.headers["Location"] == f"/r/{world.location_a}?lang=en"


def test_a_code_that_is_no_poster_gets_a_message_or_the_not_active_page(client, world):
    refused = client.get("/r?poster=%3Cb%3E")
    assert refused.status_code == 422
    assert "Type the letters and digits after /r/" in refused.get_data(as_text=True)
    assert "&lt;b&gt;" in refused.get_data(as_text=True)
    assert client.get("/r?poster=ZZZZZZZZZZ").status_code == 404
