"""The corrective action steps through the board's routes: without JavaScript (303 back to
`next`) and in place with htmx; the rules of the domain as the people using it meet them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage, Report, ReportEvent
from tests.closeout.helpers import cards, version
from tests.factories import HX, add_action, change, fetch, fetch_action, post, text, today


def _events(app, rid: int) -> list[tuple[str, str | None]]:
    with app.app_context():
        query = select(ReportEvent.kind, ReportEvent.note).where(ReportEvent.report_id == rid)
        return list(db.session.execute(query.order_by(ReportEvent.id)).tuples())


def _complete(client, app, aid: int, note: str = "Guard fitted and bolted"):
    data = {"version": version(app, aid), "next": "/closeout", "note": note}
    return post(client, f"/closeout/actions/{aid}/complete", data)


def _done(app, world, aid: int, by=None) -> None:
    change(app, aid, by or world.supervisor_a, "complete", note="Guard fitted")


# --- complete ---


def test_the_owner_marks_it_done_and_goes_back_to_next(app, sup, world, rid, aid):
    data = {"version": version(app, aid), "next": f"/reports/{rid}", "note": "Guard fitted"}
    response = post(sup, f"/closeout/actions/{aid}/complete", data)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/reports/{rid}"
    saved = fetch_action(app, aid)
    assert saved.status == "done" and saved.completion_note == "Guard fitted"
    assert saved.completed_by_id == world.supervisor_a.id
    assert ("action_done", "Guard fitted") in _events(app, rid)
    assert fetch(app, rid).status == "fixed"  # its only action is done


def test_the_flash_says_what_happened_on_the_page_it_returns_to(app, sup, aid):
    response = post(
        sup,
        f"/closeout/actions/{aid}/complete",
        {"version": version(app, aid), "next": "/closeout?mine=1", "note": "Done"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert f"Action #{aid} marked done." in text(response)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_an_outside_next_falls_back_to_the_board(app, sup, aid, target):
    data = {"version": version(app, aid), "next": target, "note": "Done"}
    response = post(sup, f"/closeout/actions/{aid}/complete", data)
    assert response.status_code == 303 and response.headers["Location"] == "/closeout"


def test_with_htmx_a_done_card_moves_to_the_done_column(app, sup, aid):
    data = {"version": version(app, aid), "next": "/closeout", "note": "Guard fitted"}
    response = post(sup, f"/closeout/actions/{aid}/complete", data, headers=HX)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    # the main swap (the old card) is emptied; the card goes last in Done, out of band
    assert html.lstrip().startswith('<div hx-swap-oob="beforeend:#cards-done">')
    assert cards(html) == [aid] and "Done by sup.a" in html
    assert 'id="title-done">Done — awaiting verification <span class="count">1</span>' in html
    assert 'id="title-later">Later <span class="count">0</span>' in html
    assert f"Action #{aid} marked done." in html  # told to screen readers


def test_site_staff_other_than_the_owner_may_complete_it(app, safety, world, aid):
    assert _complete(safety, app, aid).status_code == 303
    assert fetch_action(app, aid).completed_by_id == world.safety.id


# --- verify ---


def test_the_person_who_completed_it_is_refused_clearly(app, sup, world, aid):
    _done(app, world, aid)
    form = sup.get(f"/closeout/actions/{aid}/verify", headers=HX)
    assert form.status_code == 200
    assert "You completed this action, so someone else must verify it." in text(form)
    assert "Verified — the fix holds" not in text(form)
    data = {"version": version(app, aid), "next": "/closeout", "note": "Looks fine to me"}
    for headers in ({}, HX):
        response = post(sup, f"/closeout/actions/{aid}/verify", data, headers=headers)
        html = text(response)
        assert response.status_code == 422
        assert "someone other than the person who completed it must verify it" in html
        assert "Looks fine to me" in html
    assert fetch_action(app, aid).status == "done"


def test_the_board_does_not_offer_verify_to_the_person_who_completed_it(app, sup, world, aid):
    _done(app, world, aid)
    html = text(sup.get("/closeout"))
    assert "You completed this: someone else verifies it." in html
    assert f"/closeout/actions/{aid}/verify?next=/closeout" in html  # to send it back only
    assert ">Verify<" not in html


def test_the_verify_form_says_who_completed_it(app, safety, world, aid):
    _done(app, world, aid)
    html = text(safety.get(f"/closeout/actions/{aid}/verify", headers=HX))
    assert "Completed by sup.a." in html and "Verified — the fix holds" in html
    assert "Not fixed — send back" in html


def test_someone_else_verifies_it_and_the_report_is_fixed_without_a_summary(
    app, safety, world, rid, aid
):
    _done(app, world, aid)
    data = {"version": version(app, aid), "next": "/closeout", "note": "Checked the guard"}
    assert post(safety, f"/closeout/actions/{aid}/verify", data).status_code == 303
    saved = fetch_action(app, aid)
    assert saved.status == "verified" and saved.verified_by_id == world.safety.id
    assert saved.verification_note == "Checked the guard"
    assert fetch(app, rid).status == "fixed"  # no "what we fixed" summary yet


def test_the_report_closes_once_verified_when_the_summary_exists(app, safety, world, rid, aid):
    with app.app_context():
        db.session.get(Report, rid).public_summary = "A guard now covers the press."
        db.session.commit()
    _done(app, world, aid)
    data = {"version": version(app, aid), "next": "/closeout", "note": "Checked the guard"}
    response = post(safety, f"/closeout/actions/{aid}/verify", data, headers=HX)
    assert response.status_code == 200
    assert 'hx-swap-oob="afterbegin:#cards-verified"' in text(response)
    closed = fetch(app, rid)
    assert closed.status == "closed" and closed.closed_at is not None


def test_the_report_waits_for_every_action(app, safety, world, rid, aid):
    with app.app_context():
        db.session.get(Report, rid).public_summary = "Guards fitted."
        db.session.commit()
    other = add_action(app, rid, world.safety, world.supervisor_a)
    _done(app, world, aid)
    data = {"version": version(app, aid), "next": "/closeout", "note": "Checked"}
    post(safety, f"/closeout/actions/{aid}/verify", data)
    assert fetch(app, rid).status == "in_progress"
    assert fetch_action(app, other).status == "open"


def test_not_fixed_sends_it_back_open_with_the_reason(app, safety, world, rid, aid):
    _done(app, world, aid)
    data = {"version": version(app, aid), "next": "/closeout", "note": "The guard is loose"}
    response = post(safety, f"/closeout/actions/{aid}/reopen", data, headers=HX)
    html = text(response)
    assert response.status_code == 200
    assert 'hx-swap-oob="afterbegin:#cards-later"' in html
    saved = fetch_action(app, aid)
    assert saved.status == "open" and saved.completed_by_id is None
    assert ("action_reopened", "The guard is loose") in _events(app, rid)
    assert fetch(app, rid).status == "in_progress"


def test_reopen_answers_only_posts(app, safety, world, aid):
    _done(app, world, aid)
    assert safety.get(f"/closeout/actions/{aid}/reopen").status_code == 405


# --- reassign, due date, cancel ---


def test_reassign_gives_it_to_another_site_staff_member_who_is_told(app, sup, world, rid, aid):
    data = {"version": version(app, aid), "next": "/closeout", "owner": world.safety.id}
    response = post(sup, f"/closeout/actions/{aid}/reassign", data, headers=HX)
    html = text(response)
    assert response.status_code == 200 and cards(html) == [aid]
    assert "Owner: safety" in html and "hx-swap-oob" in html  # in place, fresh counts
    assert fetch_action(app, aid).owner_id == world.safety.id
    with app.app_context():
        mail = db.session.scalars(select(OutboxMessage.kind)).all()
    assert "action_assigned" in mail


def test_the_reassign_form_offers_the_active_triage_staff_of_the_site(app, sup, world, aid):
    html = text(sup.get(f"/closeout/actions/{aid}/reassign", headers=HX))
    for name in ("admin", "safety", "sup.a"):
        assert f">{name}</option>" in html
    assert ">sup.b</option>" not in html and ">viewer.a</option>" not in html


def test_a_new_due_date_needs_a_reason_and_keeps_the_old_one_on_record(app, sup, world, rid, aid):
    old = fetch_action(app, aid).due_on
    new = today(app, world.site_a) + timedelta(days=2)
    data = {
        "version": version(app, aid),
        "next": "/closeout",
        "due_on": new.isoformat(),
        "reason": "Parts arrive Monday",
    }
    response = post(sup, f"/closeout/actions/{aid}/due", data, headers=HX)
    assert response.status_code == 200
    assert 'hx-swap-oob="afterbegin:#cards-this_week"' in text(response)
    assert fetch_action(app, aid).due_on == new
    note = f"{old.isoformat()} → {new.isoformat()}: Parts arrive Monday"
    assert ("action_due_changed", note) in _events(app, rid)


def test_the_due_form_shows_the_current_date(app, sup, aid):
    html = text(sup.get(f"/closeout/actions/{aid}/due", headers=HX))
    due = fetch_action(app, aid).due_on
    assert "Currently due" in html and f'value="{due.isoformat()}"' in html
    assert 'type="date"' in html


def test_cancel_takes_the_card_off_the_board(app, sup, world, rid, aid):
    data = {"version": version(app, aid), "next": "/closeout", "reason": "Machine scrapped"}
    response = post(sup, f"/closeout/actions/{aid}/cancel", data, headers=HX)
    html = text(response)
    assert response.status_code == 200 and cards(html) == []
    assert 'id="title-later">Later <span class="count">0</span>' in html
    saved = fetch_action(app, aid)
    assert saved.status == "cancelled" and saved.cancel_reason == "Machine scrapped"
    assert fetch(app, rid).status == "acknowledged"  # no action counts any more


def test_a_card_that_leaves_the_filtered_board_is_removed(app, sup, world, aid):
    data = {"version": version(app, aid), "next": "/closeout?mine=1", "owner": world.safety.id}
    response = post(sup, f"/closeout/actions/{aid}/reassign", data, headers=HX)
    html = text(response)
    assert response.status_code == 200 and cards(html) == []
    assert 'id="title-later">Later <span class="count">0</span>' in html  # none of mine left


# --- forms open in place, and close again ---


@pytest.mark.parametrize("name", ["complete", "reassign", "due", "cancel"])
def test_a_form_opens_inside_its_card_and_cancel_brings_the_card_back(app, sup, aid, name):
    opened = sup.get(f"/closeout/actions/{aid}/{name}?next=/closeout%3Fhipo%3D1", headers=HX)
    html = text(opened)
    assert opened.status_code == 200 and "<html" not in html
    assert cards(html) == [aid] and "<form" in html and 'name="version"' in html
    assert f'hx-get="/closeout/actions/{aid}?next=/closeout?hipo%3D1"' in html
    closed = sup.get(f"/closeout/actions/{aid}?next=/closeout%3Fhipo%3D1", headers=HX)
    assert closed.status_code == 200 and "<form" not in text(closed).split("card-actions")[0]
    assert "<html" not in text(closed)


@pytest.mark.parametrize("name", ["complete", "reassign", "due", "cancel"])
def test_without_javascript_a_form_is_a_page_of_its_own(app, sup, rid, aid, name):
    page = sup.get(f"/closeout/actions/{aid}/{name}?next=/reports/{rid}")
    html = text(page)
    assert page.status_code == 200 and "<html" in html
    assert f'name="next" type="hidden" value="/reports/{rid}"' in html
    assert f'href="/reports/{rid}">← Back' in html


def test_the_complete_form_posts_files(app, sup, aid):
    html = text(sup.get(f"/closeout/actions/{aid}/complete", headers=HX))
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html


def test_a_form_that_no_longer_applies_says_so(app, sup, world, aid):
    _done(app, world, aid)
    response = sup.get(f"/closeout/actions/{aid}/due", headers=HX)
    assert response.status_code == 200
    assert "This action is “done” now: that no longer applies." in text(response)
    assert "<form" not in text(response)


def test_the_card_page_without_javascript(app, sup, aid):
    page = sup.get(f"/closeout/actions/{aid}")
    assert page.status_code == 200 and "<html" in text(page) and "← Back" in text(page)


def test_work_orders_and_high_potential_show_on_the_card(app, sup, world, rid):
    with app.app_context():
        db.session.get(Report, rid).high_potential = True
        db.session.commit()
    aid = add_action(
        app,
        rid,
        world.safety,
        world.supervisor_a,
        level="ppe",
        work_order_ref="WO-4411",
        work_order_url="https://cmms.example/wo/4411",
    )
    html = text(sup.get(f"/closeout/actions/{aid}", headers=HX))
    assert "⚠ High potential" in html and "is-hipo" in html
    assert '<a href="https://cmms.example/wo/4411" rel="noopener noreferrer">' in html
    assert "Work order WO-4411" in html and "Control 5/5: PPE" in html
    assert f'<a href="/reports/{rid}">Report #{rid}</a>' in html and "Alpha Plant" in html


def test_actions_of_a_dismissed_report_cannot_change(app, sup, world, rid, aid):
    with app.app_context():
        db.session.get(Report, rid).status = "dismissed"
        db.session.commit()
    form = sup.get(f"/closeout/actions/{aid}/complete", headers=HX)
    assert form.status_code == 200 and "<form" not in text(form)
    assert f"Report #{rid} is “dismissed”: its actions cannot change now." in text(form)
    data = {"version": version(app, aid), "next": "/closeout", "note": "Done anyway"}
    response = post(sup, f"/closeout/actions/{aid}/complete", data, headers=HX)
    # a refused step: 409 on every surface (web/answers.py)
    assert response.status_code == 409 and "What you typed: “Done anyway”" in text(response)
    assert fetch_action(app, aid).status == "open"
