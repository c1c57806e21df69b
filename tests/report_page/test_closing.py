"""Closing the loop on the report page: the "what we fixed" summary (loop.write_summary), what
still blocks closing, and the reply to a reporter who said it is not really fixed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from portal.domain import loop
from portal.extensions import db
from portal.models import Report, ReportStatus
from tests.factories import HX, act, add_action, change, fetch, make_report, post

SUMMARY = "A fixed guard now covers the nip point; nobody can reach in."


def _version(html: str) -> str:
    match = re.search(r'id="summary-version" name="version" type="hidden" value="(\d+)"', html)
    assert match, "no summary form on the page"
    return match.group(1)


def _fixed(app, world, verified: bool = False) -> tuple[int, int]:
    """A report at site A with one action done by sup.a (and verified by safety)."""
    made = make_report(app, world)
    action = add_action(app, made.id, world.safety, owner=world.supervisor_a, visible=True)
    change(app, action, world.supervisor_a, "complete", note="Guard bolted on.")
    if verified:
        change(app, action, world.safety, "verify", note="Tried to reach in: cannot.")
    return made.id, action


def _doubted(app, report_id: int, words: str = "The guard is loose again.") -> None:
    with app.app_context():
        loop.reporter_verdict(db.session.get(Report, report_id), "not_really", words)
        db.session.commit()


@pytest.fixture
def safety(signed_in):
    return signed_in("safety")


# --- the summary ---------------------------------------------------------------------------


def test_a_summary_is_saved_and_the_page_says_what_still_blocks(app, world, safety):
    report_id, _action = _fixed(app, world)
    page = safety.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "Not every action is verified" in page and "No “what we fixed” summary yet" in page
    data = {"version": _version(page), "summary": SUMMARY}
    response = post(safety, f"/reports/{report_id}/summary", data)
    assert response.status_code == 303
    report = fetch(app, report_id)
    assert report.public_summary == SUMMARY and report.summary_not_public is False
    assert report.status == ReportStatus.FIXED  # not verified yet
    assert report.events[-1].kind == "summary"
    html = safety.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "Summary saved." in html and f"{SUMMARY}</textarea>" in html
    assert "No “what we fixed” summary yet" not in html and "Not every action is verified" in html


def test_the_summary_closes_a_verified_report(app, world, safety):
    report_id, _action = _fixed(app, world, verified=True)
    page = safety.get(f"/reports/{report_id}").get_data(as_text=True)
    response = post(
        safety, f"/reports/{report_id}/summary", {"version": _version(page), "summary": SUMMARY}
    )
    assert response.status_code == 303
    report = fetch(app, report_id)
    assert report.status == ReportStatus.CLOSED and report.closed_at is not None
    html = safety.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "Summary saved — the report is closed." in html
    assert "Closed on " in html and "Before this report can close" not in html


def test_not_for_public_display_is_a_decision_too(app, world, safety):
    report_id, _action = _fixed(app, world, verified=True)
    page = safety.get(f"/reports/{report_id}").get_data(as_text=True)
    data = {"version": _version(page), "summary": "", "not_public": "y"}
    response = post(safety, f"/reports/{report_id}/summary", data, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "the report is closed" in html
    report = fetch(app, report_id)
    assert report.summary_not_public is True and report.public_summary is None
    assert report.status == ReportStatus.CLOSED


@pytest.mark.parametrize(
    ("summary", "not_public", "message"),
    [
        ("", "", "Write what was fixed for the crew, or tick “Not for public display”."),
        ("   ", "", "Write what was fixed for the crew, or tick “Not for public display”."),
        (SUMMARY, "y", "not both"),
        ("s" * 2001, "", "Please keep this under 2000 characters."),
    ],
    ids=["empty", "blank", "both", "too-long"],
)
def test_a_bad_summary_is_422_with_the_text_kept(app, world, safety, summary, not_public, message):
    report_id, _action = _fixed(app, world, verified=True)
    page = safety.get(f"/reports/{report_id}").get_data(as_text=True)
    data = {"version": _version(page), "summary": summary, "not_public": not_public}
    response = post(safety, f"/reports/{report_id}/summary", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    if summary.strip():
        assert f"{summary}</textarea>" in html
    report = fetch(app, report_id)
    assert report.public_summary is None and report.summary_not_public is False
    assert report.status == ReportStatus.FIXED


@pytest.mark.parametrize("version", ["", "three"])
def test_a_summary_without_a_version_is_out_of_date(app, world, safety, version):
    report_id, _action = _fixed(app, world)
    data = {"version": version, "summary": SUMMARY}
    response = post(safety, f"/reports/{report_id}/summary", data)
    assert response.status_code == 422
    assert "This form is out of date." in response.get_data(as_text=True)
    assert fetch(app, report_id).public_summary is None


def test_a_stale_summary_is_a_conflict_with_the_text_kept(app, world, safety):
    report_id, action = _fixed(app, world)
    shown = _version(safety.get(f"/reports/{report_id}").get_data(as_text=True))
    change(app, action, world.safety, "verify", note="Checked.")  # the report moves meanwhile
    response = post(safety, f"/reports/{report_id}/summary", {"version": shown, "summary": SUMMARY})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "a moment ago — here is the latest." in html
    assert f"{SUMMARY}</textarea>" in html
    assert fetch(app, report_id).public_summary is None
    fresh = _version(html)
    assert fresh != shown
    data = {"version": fresh, "summary": SUMMARY}
    assert post(safety, f"/reports/{report_id}/summary", data).status_code == 303
    assert fetch(app, report_id).status == ReportStatus.CLOSED


def test_no_summary_before_any_work_started(app, world, safety):
    made = make_report(app, world)
    act(app, made.id, world.safety, "acknowledge")
    page = safety.get(f"/reports/{made.id}").get_data(as_text=True)
    assert f'action="/reports/{made.id}/summary"' not in page
    assert "No corrective action yet: add one below." in page
    version = str(fetch(app, made.id).version)
    response = post(safety, f"/reports/{made.id}/summary", {"version": version, "summary": "x"})
    assert response.status_code == 409
    assert "This report is acknowledged: that is not possible now." in response.get_data(
        as_text=True
    )


# --- the reporter's doubt -----------------------------------------------------------------


def test_a_doubt_shows_a_flag_with_the_reply_form_and_the_hint(app, world, safety):
    report_id, _action = _fixed(app, world)
    _doubted(app, report_id)
    html = safety.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "The reporter says it is not really fixed." in html
    assert f'action="/reports/{report_id}/doubt"' in html
    assert "add a corrective action instead: that reopens the work" in html
    assert "The guard is loose again." in html  # their words, on the timeline
    assert "the reporter said it is not really fixed" not in html  # blockers in staff words
    assert "look again and reply to them" in html


def test_replying_clears_the_doubt_and_reaches_the_reporter(app, world, safety, client):
    report_id, _action = _fixed(app, world, verified=True)
    act(app, report_id, world.safety, "write_summary", summary=SUMMARY, not_public=False)
    _doubted(app, report_id)
    assert fetch(app, report_id).status == ReportStatus.FIXED  # reopened from Closed
    reply = "We checked with a feeler gauge: the guard is tight. A second bolt was added."
    response = post(safety, f"/reports/{report_id}/doubt", {"reply": reply})
    assert response.status_code == 303
    report = fetch(app, report_id)
    assert report.fix_disputed is False and report.awaiting_staff is False
    assert report.status == ReportStatus.CLOSED  # nothing else blocked closing
    assert report.messages[-1].body == reply and not report.messages[-1].internal
    assert [e.kind for e in report.events][-2:] == ["doubt_answered", "closed"]
    html = safety.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "Your reply was sent to the reporter." in html
    assert "Reply to the reporter's doubt" in html and reply in html
    assert "The reporter says it is not really fixed." not in html


@pytest.mark.parametrize(
    ("reply", "message"),
    [("", "Write what you found"), ("  ", "Write what you found"), ("r" * 2001, "under 2000")],
    ids=["empty", "blank", "too-long"],
)
def test_a_bad_reply_is_422_with_the_text_kept(app, world, safety, reply, message):
    report_id, _action = _fixed(app, world)
    _doubted(app, report_id)
    response = post(safety, f"/reports/{report_id}/doubt", {"reply": reply})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    if reply.strip():
        assert f"{reply}</textarea>" in html
    assert fetch(app, report_id).fix_disputed is True


def test_a_reply_without_a_doubt_is_refused(app, world, safety):
    report_id, _action = _fixed(app, world)
    page = safety.get(f"/reports/{report_id}").get_data(as_text=True)
    assert f'action="/reports/{report_id}/doubt"' not in page
    response = post(safety, f"/reports/{report_id}/doubt", {"reply": "All good."})
    assert response.status_code == 409
    assert not [m for m in fetch(app, report_id).messages if m.body == "All good."]


def test_a_reply_lost_at_commit_is_a_conflict_with_the_text_kept(app, world, safety, monkeypatch):
    report_id, _action = _fixed(app, world)
    _doubted(app, report_id)
    real = loop.answer_doubt

    def racing(report, actor, reply):
        db.session.execute(
            text("UPDATE reports SET version = version + 1 WHERE id = :id"), {"id": report.id}
        )
        return real(report, actor, reply)

    monkeypatch.setattr(loop, "answer_doubt", racing)
    response = post(safety, f"/reports/{report_id}/doubt", {"reply": "Checked: it is tight."})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Checked: it is tight.</textarea>" in html
    assert fetch(app, report_id).fix_disputed is True


def test_a_new_action_reopens_the_work_after_a_doubt(app, world, safety):
    report_id, _action = _fixed(app, world)
    _doubted(app, report_id)
    add_action(app, report_id, world.safety, owner=world.safety, description="Weld the guard")
    report = fetch(app, report_id)
    assert report.status == ReportStatus.IN_PROGRESS
    html = safety.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "Weld the guard" in html and "In progress: work on a fix started" in html


def test_each_timeline_entry_carries_its_own_message(app, world, safety):
    """The reporter's words with "not really", the staff reply, a later question and answer:
    every entry shows its own text, however the kinds interleave."""
    report_id, _action = _fixed(app, world)
    _doubted(app, report_id, "Loose again.")
    act(app, report_id, world.safety, "answer_doubt", reply="Tightened it.")
    act(app, report_id, world.safety, "ask_reporter", body="Is it still loose today?")
    with app.app_context():
        loop.reporter_answers(db.session.get(Report, report_id), "No, it holds now.")
        db.session.commit()
    html = safety.get(f"/reports/{report_id}").get_data(as_text=True)
    pairs = re.findall(
        r'<li class="entry entry-(\w+)">.*?(?:<p class="entry-body">([^<]*)</p>|</li>)',
        html,
        re.S,
    )
    bodies = {kind: body for kind, body in pairs if body}
    assert bodies == {
        "reporter_doubted": "Loose again.",
        "doubt_answered": "Tightened it.",
        "question": "Is it still loose today?",
        "reporter_answered": "No, it holds now.",
    }
