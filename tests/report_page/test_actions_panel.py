"""The corrective-action panel of the report page: the actions with their people, dates and
buttons to the closeout board's pages, and the form that adds one through corrective.add."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Blueprint
from sqlalchemy import text

from portal.domain import corrective
from portal.extensions import db
from portal.lib import sla
from portal.lib.timeutil import utcnow
from portal.models import ReportStatus
from tests import factories
from tests.factories import HX, act, add_action, change, fetch, make_report, post

CLOSEOUT_PAGES = ("complete", "verify", "reassign", "due", "cancel", "photo")


def _today(timezone: str = "Europe/Madrid") -> date:
    return sla.site_today(utcnow(), timezone)


def _form(world, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "description": "Fit a fixed guard over the conveyor's nip point.",
        "control_level": "engineering",
        "owner": str(world.supervisor_a.id),
        "due_on": (_today() + timedelta(days=10)).isoformat(),
        "work_order_ref": "WO-4711",
        "work_order_url": "https://cmms.example/wo/4711",
        "visible_to_reporter": "y",
    }
    data.update(extra)
    return data


@pytest.fixture
def closeout_pages(app):
    """The closeout board's per-action pages (another surface): a stub when it is absent."""
    if "closeout.complete" not in app.view_functions:
        stub = Blueprint("closeout", __name__, url_prefix="/closeout")
        for name in CLOSEOUT_PAGES:
            stub.add_url_rule(f"/actions/<int:action_id>/{name}", name, lambda action_id: "")
        app.register_blueprint(stub)


@pytest.fixture
def opened(app, world, signed_in):
    """A new report at site A and a supervisor of A who has its page open."""
    made = make_report(app, world)
    return made, signed_in("supervisor_a")


# --- adding an action ------------------------------------------------------------------


def test_adding_an_action_stores_it_and_moves_the_report_on(app, world, opened):
    made, client = opened
    response = post(client, f"/reports/{made.id}/actions", _form(world))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/reports/{made.id}"
    with app.app_context():
        from portal.models import Report

        report = db.session.get(Report, made.id)
        [action] = report.actions
        assert action.description == "Fit a fixed guard over the conveyor's nip point."
        assert action.control_level == "engineering"
        assert action.owner_id == world.supervisor_a.id
        assert action.due_on == _today() + timedelta(days=10)
        assert (action.work_order_ref, action.work_order_url) == (
            "WO-4711",
            "https://cmms.example/wo/4711",
        )
        assert action.visible_to_reporter is True
        assert report.status == ReportStatus.IN_PROGRESS
        assert report.acknowledged_at is not None  # acknowledged on the way
        kinds = [event.kind for event in report.events]
        assert kinds[-3:] == ["acknowledged", "action_added", "in_progress"]
    html = client.get(f"/reports/{made.id}").get_data(as_text=True)
    assert "Corrective action added." in html
    assert "Corrective action added</strong>" in html  # the timeline's label
    assert '<a href="https://cmms.example/wo/4711" rel="noopener noreferrer">WO-4711</a>' in html
    assert "Shown to the reporter" in html and "Engineering control" in html


def test_the_work_order_and_the_reporter_tick_are_optional(app, world, opened):
    made, client = opened
    data = _form(world, work_order_ref="", work_order_url="")
    del data["visible_to_reporter"]
    assert post(client, f"/reports/{made.id}/actions", data).status_code == 303
    with app.app_context():
        from portal.models import Report

        [action] = db.session.get(Report, made.id).actions
        assert action.work_order_ref is None and action.work_order_url is None
        assert action.visible_to_reporter is False
        assert not db.session.get(Report, made.id).events[-2].public  # action_added


def test_adding_with_htmx_returns_the_workspace_alone(app, world, opened):
    made, client = opened
    response = post(client, f"/reports/{made.id}/actions", _form(world), headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and 'id="workspace"' in html
    assert "Corrective action added." in html and "WO-4711" in html


def test_the_form_offers_the_levels_strongest_first_with_the_hint(opened):
    made, client = opened
    html = client.get(f"/reports/{made.id}").get_data(as_text=True)
    values = re.findall(r'name="control_level" type="radio" value="(\w+)"', html)
    assert values == ["elimination", "substitution", "engineering", "administrative", "ppe"]
    for label in ("Elimination", "Substitution", "Engineering control", "PPE"):
        assert f"<span>{label}</span>" in html
    assert "prefer the strongest control that is practical" in html


def test_the_owner_choices_are_active_triage_staff_of_the_site(app, world, opened):
    made, client = opened
    act(app, made.id, world.safety, "assign", owner=world.safety)
    html = client.get(f"/reports/{made.id}").get_data(as_text=True)
    select = html[
        html.index('<select id="owner"') : html.index("</select>", html.index('id="owner"'))
    ]
    names = re.findall(r">([^<]+)</option>", select)
    assert names == ["Choose an owner", "admin", "safety", "sup.a"]  # not sup.b, not the viewer
    assert f'<option selected value="{world.safety.id}">safety</option>' in select


@pytest.mark.parametrize(
    ("high_potential", "days"), [(True, 7), (False, 30)], ids=["high-potential", "other"]
)
def test_the_due_date_is_pre_filled_by_risk(app, world, opened, high_potential, days):
    made, client = opened
    severity = 5 if high_potential else 2
    act(
        app,
        made.id,
        world.safety,
        "classify",
        category="Mechanical",
        domain="safety",
        severity=severity,
        likelihood=2,
    )
    html = client.get(f"/reports/{made.id}").get_data(as_text=True)
    expected = (_today() + timedelta(days=days)).isoformat()
    assert f'id="due_on" name="due_on" type="date" value="{expected}"' in html


def test_the_due_days_come_from_the_settings(app, world, opened):
    made, client = opened
    app.config["ACTION_DUE_DAYS"] = 14
    html = client.get(f"/reports/{made.id}").get_data(as_text=True)
    assert f'value="{(_today() + timedelta(days=14)).isoformat()}"' in html


BAD_INPUTS = [
    ("description", "", "Describe the action."),
    ("description", "   ", "Describe the action."),
    ("description", "d" * 2001, "Please keep this under 2000 characters."),
    ("control_level", "", "Choose a level of the hierarchy of controls."),
    ("control_level", "luck", "Choose a level of the hierarchy of controls."),
    ("owner", "", "Choose an owner among the staff of the report's site."),
    ("owner", "999999", "Choose an owner among the staff of the report's site."),
    ("owner", "four", "Choose an owner among the staff of the report's site."),
    ("due_on", "", "Give the due date as a date"),
    ("due_on", "next friday", "Give the due date as a date"),
    ("due_on", "2026-02-30", "Give the due date as a date"),
    ("work_order_ref", "W" * 61, "Please keep this under 60 characters."),
    ("work_order_url", "ftp://cmms.example/wo/1", "starting with https://"),
    ("work_order_url", "javascript:alert(1)", "starting with https://"),
    ("work_order_url", "cmms.example/wo/1", "starting with https://"),
    ("work_order_url", "https://" + "x" * 500, "Please keep this under 500 characters."),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUTS)
def test_bad_input_is_422_with_the_text_kept_and_nothing_stored(
    app, world, opened, field, value, message
):
    made, client = opened
    response = post(client, f"/reports/{made.id}/actions", _form(world, **{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    if field != "description":
        assert "Fit a fixed guard over the conveyor&#39;s nip point.</textarea>" in html
    if field != "work_order_ref":
        assert 'value="WO-4711"' in html
    report = fetch(app, made.id)
    assert report.status == ReportStatus.NEW
    assert [event.kind for event in report.events] == ["submitted"]
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM corrective_actions")).scalar() == 0


def test_a_due_date_in_the_past_is_refused(app, world, opened):
    made, client = opened
    yesterday = (_today() - timedelta(days=1)).isoformat()
    response = post(client, f"/reports/{made.id}/actions", _form(world, due_on=yesterday))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The due date is in the past" in html
    assert f'value="{yesterday}"' in html
    assert fetch(app, made.id).status == ReportStatus.NEW


def test_today_at_the_site_is_a_valid_due_date(app, world, opened):
    made, client = opened
    today = _today().isoformat()
    assert (
        post(client, f"/reports/{made.id}/actions", _form(world, due_on=today)).status_code == 303
    )


@pytest.mark.parametrize("persona", ["supervisor_b", "viewer_a"])
def test_an_owner_who_may_not_own_the_report_is_refused(app, world, opened, persona):
    made, client = opened
    owner = str(getattr(world, persona).id)
    response = post(client, f"/reports/{made.id}/actions", _form(world, owner=owner))
    assert response.status_code == 422
    assert "Choose an owner among the staff" in response.get_data(as_text=True)
    assert fetch(app, made.id).status == ReportStatus.NEW


def test_no_form_and_409_on_a_dismissed_report(app, world, opened):
    made, client = opened
    act(app, made.id, world.safety, "dismiss", reason="spam")
    page = client.get(f"/reports/{made.id}").get_data(as_text=True)
    assert f'action="/reports/{made.id}/actions"' not in page
    response = post(client, f"/reports/{made.id}/actions", _form(world))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This report is dismissed: that is not possible now." in html
    assert "Fit a fixed guard over the conveyor&#39;s nip point." not in html  # no form to keep


def test_a_write_lost_at_commit_is_a_conflict_with_the_text_kept(app, world, opened, monkeypatch):
    made, client = opened
    real = corrective.add

    def racing(report, actor, new):
        db.session.execute(
            text("UPDATE reports SET version = version + 1 WHERE id = :id"), {"id": report.id}
        )
        return real(report, actor, new)

    monkeypatch.setattr(corrective, "add", racing)
    response = post(client, f"/reports/{made.id}/actions", _form(world))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "a moment ago — here is the latest." in html
    assert "Fit a fixed guard over the conveyor&#39;s nip point.</textarea>" in html
    assert fetch(app, made.id).status == ReportStatus.NEW


# --- what the panel shows ------------------------------------------------------------------


def test_each_action_shows_its_owner_due_date_status_and_steps(app, world, signed_in):
    made = make_report(app, world)
    done = add_action(app, made.id, world.safety, owner=world.supervisor_a, description="Guard")
    late = add_action(
        app,
        made.id,
        world.safety,
        owner=world.safety,
        description="Retrain drivers",
        level="administrative",
        due_on=_today() - timedelta(days=2),
    )
    dropped = add_action(app, made.id, world.safety, owner=world.safety, description="Mirror")
    change(app, done, world.supervisor_a, "complete", note="Guard bolted on.")
    change(app, done, world.safety, "verify", note="Tried to reach in: cannot.")
    change(app, dropped, world.safety, "cancel", reason="The guard makes it unnecessary.")
    html = signed_in("viewer_a").get(f"/reports/{made.id}").get_data(as_text=True)
    guard = html[html.index(f'id="action-{done}"') : html.index(f'id="action-{late}"')]
    assert "Verified" in guard and "Guard bolted on." in guard and "Tried to reach in" in guard
    assert "sup.a" in guard and "safety" in guard
    overdue = html[html.index(f'id="action-{late}"') : html.index(f'id="action-{dropped}"')]
    assert "is-overdue" in overdue and ">overdue</strong>" in overdue
    assert "Administrative control" in overdue
    assert "The guard makes it unnecessary." in html
    assert "Corrective action cancelled" in html and "Corrective action verified" in html


def test_buttons_lead_to_the_closeout_pages_by_who_may_and_the_state(app, world, closeout_pages):
    made = make_report(app, world)
    open_id = add_action(app, made.id, world.safety, owner=world.supervisor_a)
    done_id = add_action(app, made.id, world.safety, owner=world.supervisor_a)
    change(app, done_id, world.supervisor_a, "complete", note="Done.")
    back = f"next=/reports/{made.id}"

    def buttons(persona: str, action_id: int) -> list[str]:
        actions = factories.LoginActions(app.test_client())  # a browser per persona
        actions.as_(getattr(world, persona))
        html = actions.client.get(f"/reports/{made.id}").get_data(as_text=True)
        start = html.index(f'id="action-{action_id}"')
        item = html[start : html.index("</li>", start)]
        found = re.findall(r'href="/closeout/actions/(\d+)/(\w+)\?([^"]+)"', item)
        assert all(int(a) == action_id and query == back for a, _n, query in found)
        return [name for _a, name, _q in found]

    assert buttons("supervisor_a", open_id) == ["complete", "reassign", "due", "cancel"]
    assert buttons("supervisor_a", done_id) == ["reassign", "cancel"]  # completed it: no verify
    assert buttons("safety", done_id) == ["verify", "reassign", "cancel"]
    assert buttons("viewer_a", open_id) == []


def test_a_viewer_reads_the_panel_without_any_form(app, world, signed_in):
    made = make_report(app, world)
    add_action(app, made.id, world.safety, owner=world.supervisor_a, description="Guard it")
    html = signed_in("viewer_a").get(f"/reports/{made.id}").get_data(as_text=True)
    assert "Guard it" in html
    for form in ("actions", "summary", "doubt"):
        assert f'action="/reports/{made.id}/{form}"' not in html


def test_a_closed_report_offers_no_buttons_and_no_new_action(app, world, signed_in, closeout_pages):
    made = make_report(app, world)
    action = add_action(app, made.id, world.safety, owner=world.supervisor_a)
    change(app, action, world.supervisor_a, "complete", note="Done.")
    change(app, action, world.safety, "verify", note="Checked.")
    act(app, made.id, world.safety, "write_summary", summary="A guard.", not_public=False)
    html = signed_in("safety").get(f"/reports/{made.id}").get_data(as_text=True)
    assert "Closed on " in html
    assert "/closeout/actions/" not in html
    assert f'action="/reports/{made.id}/actions"' not in html


def test_a_work_order_link_that_is_not_a_web_address_is_not_a_link(app, world, signed_in):
    made = make_report(app, world)
    action = add_action(app, made.id, world.safety, owner=world.supervisor_a)
    with app.app_context():
        from portal.models import CorrectiveAction

        stored = db.session.get(CorrectiveAction, action)
        stored.work_order_ref, stored.work_order_url = "WO-1", "javascript:alert(1)"
        db.session.commit()
    html = signed_in("safety").get(f"/reports/{made.id}").get_data(as_text=True)
    assert "WO-1" in html and 'href="javascript:' not in html


def test_the_timeline_tags_the_steps_the_reporter_sees(app, world, signed_in):
    made = make_report(app, world)
    add_action(app, made.id, world.safety, owner=world.safety, description="Seen", visible=True)
    add_action(app, made.id, world.safety, owner=world.safety, description="Unseen")
    html = signed_in("safety").get(f"/reports/{made.id}").get_data(as_text=True)
    timeline = html[html.index('id="timeline-title"') :]
    added = re.findall(r'<li class="entry entry-action_added">(.*?)</li>', timeline, re.S)
    assert len(added) == 2
    assert "Shown to the reporter" in added[0] and "Seen" in added[0]
    assert "Shown to the reporter" not in added[1] and "Unseen" in added[1]
