"""The no-blame investigation on the report page: five Why/Because pairs, a root cause and
contributing factors, saved through loop.investigate; stale forms are conflicts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from portal.domain import loop
from portal.extensions import db
from tests.factories import HX, act, fetch, make_report, post, version_in


def _form(shown: str, **extra: str) -> dict[str, str]:
    data = {
        "version": shown,
        "whys-0-why": "Why did the forklift not sound its horn?",
        "whys-0-because": "The horn button was worn out.",
        "whys-1-why": "Why was it worn out?",
        "whys-1-because": "No check of the horn in the daily inspection.",
        "root_cause": "procedure",
        "contributing_factors": "Night shift, short-staffed.",
    }
    data.update(extra)
    return data


@pytest.fixture
def opened(app, world, signed_in):
    """A report at site A and a supervisor of A who has its page open."""
    made = make_report(app, world)
    client = signed_in("supervisor_a")
    html = client.get(f"/reports/{made.id}").get_data(as_text=True)
    return made, client, version_in(html)


def test_the_form_has_exactly_five_step_pairs_and_the_no_blame_hint(opened):
    made, client, _version = opened
    html = client.get(f"/reports/{made.id}").get_data(as_text=True)
    assert re.findall(r'name="whys-(\d)-why"', html) == ["0", "1", "2", "3", "4"]
    assert re.findall(r'name="whys-(\d)-because"', html) == ["0", "1", "2", "3", "4"]
    assert "never who" in html
    for label in ("Equipment", "Procedure", "Training", "Environment", "Staffing and scheduling"):
        assert f">{label}</option>" in html


def test_saving_stores_the_steps_and_appends_to_the_timeline(app, opened):
    made, client, version = opened
    response = post(client, f"/reports/{made.id}/investigation", _form(version))
    assert response.status_code == 303
    report = fetch(app, made.id)
    assert report.whys == [
        {
            "why": "Why did the forklift not sound its horn?",
            "because": "The horn button was worn out.",
        },
        {"why": "Why was it worn out?", "because": "No check of the horn in the daily inspection."},
    ]
    assert report.root_cause == "procedure"
    assert report.contributing_factors == "Night shift, short-staffed."
    assert report.events[-1].kind == "investigated"
    html = client.get(f"/reports/{made.id}").get_data(as_text=True)
    assert "Investigation saved." in html and "Investigation updated" in html
    assert 'value="The horn button was worn out."' in html
    assert '<option selected value="procedure">' in html


def test_every_save_appends_another_event(app, opened):
    made, client, version = opened
    post(client, f"/reports/{made.id}/investigation", _form(version))
    page = client.get(f"/reports/{made.id}").get_data(as_text=True)
    post(client, f"/reports/{made.id}/investigation", _form(version_in(page), root_cause=""))
    report = fetch(app, made.id)
    assert [e.kind for e in report.events].count("investigated") == 2
    assert report.root_cause is None


def test_a_sixth_pair_cannot_be_smuggled_in(app, opened):
    made, client, version = opened
    extra = {f"whys-{n}-why": f"why {n}" for n in range(6)}
    response = post(client, f"/reports/{made.id}/investigation", _form(version, **extra))
    assert response.status_code == 303
    whys = fetch(app, made.id).whys
    assert len(whys) == loop.MAX_WHYS and whys[-1]["why"] == "why 4"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("whys-2-why", "w" * 501, "Please keep this under 500 characters."),
        ("whys-4-because", "b" * 501, "Please keep this under 500 characters."),
        ("contributing_factors", "c" * 2001, "Please keep this under 2000 characters."),
        ("root_cause", "bad-luck", "Choose one of the listed root causes."),
        ("root_cause", "operator", "Choose one of the listed root causes."),
        ("version", "", "This form is out of date."),
        ("version", "three", "This form is out of date."),
    ],
)
def test_bad_input_comes_back_with_everything_typed(app, opened, field, value, message):
    made, client, version = opened
    response = post(client, f"/reports/{made.id}/investigation", _form(version, **{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'value="Why did the forklift not sound its horn?"' in html
    assert "Night shift, short-staffed.</textarea>" in html or field == "contributing_factors"
    assert fetch(app, made.id).whys is None


def test_a_stale_form_is_a_conflict_with_the_latest_page_and_the_text_kept(app, world, opened):
    made, client, version = opened
    act(app, made.id, world.safety, "acknowledge")  # someone else acts meanwhile
    response = post(client, f"/reports/{made.id}/investigation", _form(version))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Changed by safety a moment ago — here is the latest." in html
    assert "Acknowledged" in html  # the fresh page
    assert 'value="The horn button was worn out."' in html
    assert fetch(app, made.id).whys is None
    fresh = version_in(html)
    assert fresh != version
    assert post(client, f"/reports/{made.id}/investigation", _form(fresh)).status_code == 303


def test_a_conflict_with_htmx_returns_the_fresh_workspace(app, world, opened):
    made, client, version = opened
    act(app, made.id, world.safety, "acknowledge")
    response = post(client, f"/reports/{made.id}/investigation", _form(version), headers=HX)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Changed by safety" in html


def test_a_write_lost_at_commit_is_a_conflict_too(app, world, opened, monkeypatch):
    made, client, version = opened
    real = loop.investigate

    def racing(report, actor, **kwargs):
        # the row changes between our read and our write (here in our own transaction, which
        # the conflict rolls back; a real concurrent writer's change would stay)
        db.session.execute(
            text("UPDATE reports SET version = version + 1 WHERE id = :id"), {"id": report.id}
        )
        return real(report, actor, **kwargs)

    monkeypatch.setattr(loop, "investigate", racing)
    response = post(client, f"/reports/{made.id}/investigation", _form(version))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "a moment ago — here is the latest." in html
    assert 'value="The horn button was worn out."' in html
    assert fetch(app, made.id).whys is None


def test_a_dismissed_report_is_not_investigated(app, world, opened):
    made, client, _version = opened
    act(app, made.id, world.safety, "dismiss", reason="spam")
    page = client.get(f"/reports/{made.id}").get_data(as_text=True)
    assert 'name="whys-0-why"' not in page
    current = str(fetch(app, made.id).version)
    response = post(client, f"/reports/{made.id}/investigation", _form(current))
    assert response.status_code == 409
    assert "This report is dismissed: that is not possible now." in response.get_data(as_text=True)
    assert fetch(app, made.id).whys is None
