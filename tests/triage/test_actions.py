"""Card actions: without JavaScript (303 back to the board) and in place with htmx, bad input,
conflicts between two people, and what the reporter then sees."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy import text as sql

from portal.domain import loop
from portal.extensions import db
from portal.models import Asset, Category, Location, Report, ReportEvent
from tests.factories import (
    HX,
    act,
    fetch,
    form_token,
    make_location,
    new_report,
    post,
    receipt_in,
    report_answers,
    text,
)
from tests.triage.board_helpers import category_id, location_id, version

BOARD = "/triage?site={site}&q=pallet"


def _events(app, report_id: int) -> list[str]:
    with app.app_context():
        query = select(ReportEvent.kind).where(ReportEvent.report_id == report_id)
        return list(db.session.scalars(query.order_by(ReportEvent.id)).all())


def _classify(app, rid: int, **overrides) -> dict[str, object]:
    data = {
        "version": version(app, rid),
        "next": "/triage",
        "category": category_id(app, "Mechanical"),
        "domain": "safety",
        "severity": "3",
        "likelihood": "2",
        "high_potential": "auto",
        "override_reason": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def sup(client, login, world):
    """The client signed in as the supervisor of site A."""
    login.as_(world.supervisor_a)
    return client


@pytest.fixture
def rid(app, world) -> int:
    return new_report(app, world.location_a)


# --- acknowledge ---


def test_acknowledge_without_javascript_goes_back_to_the_filtered_board(app, sup, world, rid):
    board = BOARD.format(site=world.site_a)
    response = post(sup, f"/triage/reports/{rid}/acknowledge", {"version": 1, "next": board})
    assert response.status_code == 303
    assert response.headers["Location"] == board
    saved = fetch(app, rid)
    assert saved.status == "acknowledged" and saved.acknowledged_by_id == world.supervisor_a.id
    assert _events(app, rid) == ["submitted", "acknowledged"]
    assert f"Report #{rid} acknowledged." in text(sup.get(board))


def test_acknowledge_with_htmx_moves_the_card_and_updates_the_counts(app, sup, world, rid):
    board = BOARD.format(site=world.site_a)
    response = post(
        sup, f"/triage/reports/{rid}/acknowledge", {"version": 1, "next": board}, headers=HX
    )
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    # nothing for the old place (the card goes), the card on top of the new column
    assert html.lstrip().startswith('<div hx-swap-oob="afterbegin:#cards-acknowledged">')
    assert html.count(f'id="card-{rid}"') == 1
    assert re.search(
        r'id="head-new" hx-swap-oob="true">\s*<h2[^>]*>New <span class="count">0<', html
    )
    head = (
        r'id="head-acknowledged" hx-swap-oob="true">\s*<h2[^>]*>Acknowledged <span class="count">'
    )
    assert re.search(head + "1<", html)
    assert f"next=/triage?site%3D{world.site_a}%26q%3Dpallet" in html  # the card keeps the filters
    assert fetch(app, rid).status == "acknowledged"


def test_the_reporter_sees_the_acknowledgement_on_followup(app, client, login, world):
    public = app.test_client()
    token = form_token(text(public.get(f"/r/{world.location_a}")))
    receipt = receipt_in(text(public.post(f"/r/{world.location_a}", data=report_answers(token))))
    with app.app_context():
        rid = db.session.scalars(select(Report.id)).one()
    login.as_(world.supervisor_a)
    assert post(client, f"/triage/reports/{rid}/acknowledge", {"version": 1}).status_code == 303
    html = text(public.post("/followup", data={"code": receipt}))
    assert "Acknowledged — a supervisor has seen it" in html
    assert "Acknowledged — thank you for reporting" in html


@pytest.mark.parametrize("bad", [{}, {"version": ""}, {"version": "one"}, {"version": "1.5"}])
def test_acknowledge_without_a_usable_version_is_refused(app, sup, rid, bad):
    for headers in ({}, HX):
        response = post(sup, f"/triage/reports/{rid}/acknowledge", bad, headers=headers)
        assert response.status_code == 422
        assert "This form is out of date" in text(response)
    assert fetch(app, rid).status == "new"


def test_acknowledging_twice_says_it_no_longer_applies(app, sup, rid):
    post(sup, f"/triage/reports/{rid}/acknowledge", {"version": 1})
    response = post(sup, f"/triage/reports/{rid}/acknowledge", {"version": 2}, headers=HX)
    assert response.status_code == 409  # a refused step: 409 on every surface (web/answers.py)
    assert "This report is “Acknowledged” now: that action no longer applies." in text(response)
    assert "<html" not in text(response)


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"],
)
def test_next_never_leaves_the_site(app, sup, rid, target):
    response = post(sup, f"/triage/reports/{rid}/acknowledge", {"version": 1, "next": target})
    assert response.status_code == 303 and response.headers["Location"] == "/triage"


# --- classify ---


def test_the_classify_form_is_a_page_without_javascript_and_a_card_with_htmx(app, sup, rid):
    page = sup.get(f"/triage/reports/{rid}/classify?next=/triage%3Fsite%3D1")
    html = text(page)
    assert page.status_code == 200 and "<html" in html
    assert "Classify report #" in html and 'class="risk-matrix"' in html
    assert "hx-post" not in html  # a plain form on its own page
    assert 'name="next" type="hidden" value="/triage?site=1"' in html
    fragment = sup.get(f"/triage/reports/{rid}/classify?next=/triage", headers=HX)
    html = text(fragment)
    assert fragment.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<article class="card editing"\n         id="card-{rid}"')
    assert f'hx-post="/triage/reports/{rid}/classify"' in html


def test_classify_without_javascript_saves_through_the_loop(app, sup, rid):
    response = post(sup, f"/triage/reports/{rid}/classify", _classify(app, rid, severity="4"))
    assert response.status_code == 303 and response.headers["Location"] == "/triage"
    saved = fetch(app, rid)
    assert (saved.category_id, saved.domain, saved.severity, saved.likelihood) == (
        category_id(app, "Mechanical"),
        "safety",
        4,
        2,
    )
    assert saved.high_potential is True and saved.high_potential_override is None
    assert _events(app, rid)[-1] == "classified"


def test_classify_with_htmx_updates_the_card_in_place(app, sup, rid):
    response = post(sup, f"/triage/reports/{rid}/classify", _classify(app, rid), headers=HX)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<article class="card"\n         id="card-{rid}"')
    assert "Risk 6, medium" in html and "Mechanical" in html
    assert "afterbegin" not in html and 'id="head-new" hx-swap-oob="true"' in html


def test_the_matrix_marks_the_chosen_cell(app, sup, rid):
    post(sup, f"/triage/reports/{rid}/classify", _classify(app, rid, severity="5", likelihood="4"))
    html = text(sup.get(f"/triage/reports/{rid}/classify"))
    chosen = re.findall(
        r'<td class="band-(\w+) cell-s(\d)-l(\d) chosen" aria-current="true">', html
    )
    assert chosen == [("extreme", "5", "4")]


def test_overriding_the_flag_with_a_reason_is_kept(app, sup, rid):
    data = _classify(
        app, rid, severity="2", high_potential="yes", override_reason="Fall from height"
    )
    assert post(sup, f"/triage/reports/{rid}/classify", data).status_code == 303
    saved = fetch(app, rid)
    assert saved.high_potential is True and saved.high_potential_override == "Fall from height"
    html = text(sup.get(f"/triage/reports/{rid}/classify"))
    assert re.search(r'<input checked id="high_potential-\d+-1" name="high_potential"', html)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("category", "", "Choose a category."),
        ("category", "abc", "Choose a category."),
        ("category", "999999", "Choose a category."),
        ("category", "retired", "Choose a category."),
        ("domain", "", "Choose a domain"),
        ("domain", "weather", "Choose a domain"),
        ("severity", "", "Choose the severity potential, from 1 to 5."),
        ("severity", "0", "Choose the severity potential, from 1 to 5."),
        ("severity", "6", "Choose the severity potential, from 1 to 5."),
        ("severity", "high", "Choose the severity potential, from 1 to 5."),
        ("likelihood", "", "Choose the likelihood, from 1 to 5."),
        ("likelihood", "9", "Choose the likelihood, from 1 to 5."),
        ("high_potential", "maybe", "Choose automatic, or one of the two overrides."),
        ("high_potential", "no", "Write why you override the automatic flag."),
        ("override_reason", "x" * 1001, "Please keep this under 1000 characters."),
    ],
)
def test_classify_bad_input_comes_back_with_a_message_and_the_values(
    app, sup, world, rid, field, value, message
):
    if value == "retired":
        with app.app_context():
            category = db.session.scalar(select(Category).where(Category.name == "Chemical"))
            category.active = False
            db.session.commit()
            value = str(category.id)
    data = _classify(app, rid, severity="5", likelihood="3", override_reason="typed words")
    data[field] = value
    if (field, value) == ("high_potential", "no"):
        data["override_reason"] = ""
    for headers in ({}, HX):
        response = post(sup, f"/triage/reports/{rid}/classify", data, headers=headers)
        html = text(response)
        assert response.status_code == 422
        assert message in html
        assert "typed words" in html or not data["override_reason"] or field == "override_reason"
        if field != "likelihood":
            assert re.search(r'<option selected value="3">3 — Possible</option>', html)
    assert fetch(app, rid).category_id is None


def test_an_override_that_matches_the_automatic_flag_needs_no_reason(app, sup, rid):
    data = _classify(app, rid, severity="5", high_potential="yes")
    assert post(sup, f"/triage/reports/{rid}/classify", data).status_code == 303
    assert fetch(app, rid).high_potential is True


# --- assign ---


def test_the_owner_list_holds_only_triage_staff_of_the_site(app, sup, world, rid):
    html = text(sup.get(f"/triage/reports/{rid}/assign"))
    options = re.findall(r'<option (?:selected )?value="(\d*)">([^<]+)</option>', html)
    names = {name for _value, name in options}
    assert {"admin", "safety", "sup.a"} <= names
    assert "sup.b" not in names and "viewer.a" not in names


def test_assign_an_owner_and_an_existing_asset(app, sup, world, rid):
    with app.app_context():
        location = db.session.get(Location, location_id(app, world.location_a))
        asset = Asset(location=location, name="Forklift FL-07")
        db.session.add(asset)
        db.session.commit()
        asset_id = asset.id
    data = {"version": 1, "owner": world.safety.id, "asset": asset_id, "new_asset": ""}
    assert post(sup, f"/triage/reports/{rid}/assign", data).status_code == 303
    saved = fetch(app, rid)
    assert (saved.owner_id, saved.asset_id) == (world.safety.id, asset_id)
    html = text(post(sup, f"/triage/reports/{rid}/assign", {**data, "version": 2}, headers=HX))
    assert "Owner: safety" in html and "Asset: Forklift FL-07" in html


def test_assign_can_add_a_new_asset_at_the_reports_location(app, sup, world, rid):
    data = {"version": 1, "owner": "", "asset": "", "new_asset": "  Dock leveller 2 "}
    response = post(sup, f"/triage/reports/{rid}/assign", data, headers=HX)
    assert response.status_code == 200 and "Asset: Dock leveller 2" in text(response)
    with app.app_context():
        asset = db.session.scalars(select(Asset)).one()
        assert asset.name == "Dock leveller 2"
        assert asset.location_id == location_id(app, world.location_a)
        assert db.session.get(Report, rid).asset_id == asset.id


def _assets(app, world, *named: tuple[str, str]) -> dict[str, int]:
    """Assets by (location code of the world, name); their ids by name."""
    with app.app_context():
        made = [Asset(location_id=location_id(app, code), name=name) for code, name in named]
        db.session.add_all(made)
        db.session.commit()
        return {asset.name: asset.id for asset in made}


def test_the_asset_list_starts_with_the_reports_own_location(app, sup, world, rid):
    with app.app_context():
        site_a = db.session.get(Location, location_id(app, world.location_a)).site
        other = make_location(site_a, "Aisle 9").code
        db.session.commit()
    _assets(app, world, (other, "Aaron's pallet jack"), (world.location_a, "Die cart DC-1"))
    html = text(sup.get(f"/triage/reports/{rid}/assign"))
    select = html[html.index('name="asset"') : html.index("</select>", html.index('name="asset"'))]
    listed = re.findall(r'<option value="\d+">([^<]+)</option>', select)
    assert listed[0].startswith("Die cart DC-1") and listed[1].startswith("Aaron&#39;s pallet jack")
    # type-ahead: the new-asset field suggests the site's assets as the user types
    assert re.search(rf'<input[^>]*list="assets-{rid}"', html)
    assert re.search(rf'<datalist id="assets-{rid}">\s*<option value="Die cart DC-1', html)


@pytest.mark.parametrize("typed", ["die cart dc-1", "  Die  Cart DC-1 ", "Die cart DC-1 (Dock 1)"])
def test_typing_an_existing_assets_name_takes_that_asset(app, sup, world, rid, typed):
    ids = _assets(app, world, (world.location_a, "Die cart DC-1"))
    data = {"version": 1, "owner": "", "asset": "", "new_asset": typed}
    assert post(sup, f"/triage/reports/{rid}/assign", data).status_code == 303
    assert fetch(app, rid).asset_id == ids["Die cart DC-1"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Asset.id))) == 1  # no near-copy was made


def test_assign_to_nobody_clears_the_owner(app, sup, world, rid):
    act(app, rid, world.supervisor_a, "assign", owner=world.safety)
    data = {"version": version(app, rid), "owner": "", "asset": ""}
    assert post(sup, f"/triage/reports/{rid}/assign", data).status_code == 303
    assert fetch(app, rid).owner_id is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("owner", "supervisor_b", "Choose a staff member of this site, or nobody."),
        ("owner", "viewer_a", "Choose a staff member of this site, or nobody."),
        ("owner", "someone", "Choose a staff member of this site, or nobody."),
        ("asset", "bravo", "Choose one of the assets of this site, or none."),
        ("asset", "lots", "Choose one of the assets of this site, or none."),
        ("asset", "alpha", "Choose an existing asset or name a new one, not both."),
        ("new_asset", "n" * 121, "Please keep this under 120 characters."),
    ],
)
def test_assign_bad_input_comes_back_with_a_message_and_the_values(
    app, sup, world, rid, field, value, message
):
    with app.app_context():
        alpha = Asset(location_id=location_id(app, world.location_a), name="Alpha crane")
        bravo = Asset(location_id=location_id(app, world.location_b), name="Bravo crane")
        db.session.add_all([alpha, bravo])
        db.session.commit()
        assets = {"alpha": alpha.id, "bravo": bravo.id}
    people = {"supervisor_b": world.supervisor_b.id, "viewer_a": world.viewer_a.id}
    data = {"version": 1, "owner": world.safety.id, "asset": "", "new_asset": "Typed asset"}
    data[field] = people.get(value) or assets.get(value) or value
    response = post(sup, f"/triage/reports/{rid}/assign", data, headers=HX)
    html = text(response)
    assert response.status_code == 422 and message in html
    assert 'value="Typed asset"' in html or field == "new_asset"
    if field != "owner":
        assert f'<option selected value="{world.safety.id}">safety</option>' in html
    assert fetch(app, rid).owner_id is None
    with app.app_context():
        assert db.session.scalar(select(Asset).where(Asset.name == "Typed asset")) is None


# --- merge ---


def test_merge_lists_recent_open_reports_of_the_same_location(app, sup, world):
    original = new_report(app, world.location_a, "the first telling")
    dismissed = new_report(app, world.location_a, "a dismissed one")
    act(app, dismissed, world.supervisor_a, "dismiss", reason="spam")
    other_site = new_report(app, world.location_b, "far away")
    duplicate = new_report(app, world.location_a, "the same again")
    html = text(sup.get(f"/triage/reports/{duplicate}/merge"))
    assert f'value="{original}"' in html and "the first telling" in html
    assert f'value="{dismissed}"' not in html and f'value="{other_site}"' not in html
    assert f'name="candidate" type="radio" value="{duplicate}"' not in html


@pytest.mark.parametrize("how", ["candidate", "into"])
def test_merge_joins_the_duplicate_to_the_original(app, sup, world, how):
    original = new_report(app, world.location_a, "the first telling")
    duplicate = new_report(app, world.location_a, "the same again")
    data = {"version": 1, how: f"#{original}" if how == "into" else str(original)}
    response = post(sup, f"/triage/reports/{duplicate}/merge", data, headers=HX)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert f'id="card-{duplicate}"' not in html  # gone from the board
    # the original's card is refreshed too: its version moved on with the merge
    assert re.search(rf'id="card-{original}"[^>]*hx-swap-oob="true"', html)
    assert f'name="version" value="{version(app, original)}"' in html
    assert re.search(
        r'id="head-new" hx-swap-oob="true">\s*<h2[^>]*>New <span class="count">1<', html
    )
    saved = fetch(app, duplicate)
    assert saved.status == "merged" and saved.merged_into_id == original
    assert _events(app, original)[-1] == "merged_from"


def test_merge_without_javascript_redirects(app, sup, world):
    original = new_report(app, world.location_a)
    duplicate = new_report(app, world.location_a)
    response = post(sup, f"/triage/reports/{duplicate}/merge", {"version": 1, "into": original})
    assert response.status_code == 303 and fetch(app, duplicate).status == "merged"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose the report this one repeats, or type its number."),
        ({"into": "twelve"}, "Type the report number, like 128."),
        ({"into": "{self}"}, "A report cannot be merged into itself."),
        ({"into": "{bravo}"}, "There is no report #{bravo} at this site."),
        ({"into": "999999"}, "There is no report #999999 at this site."),
        ({"into": "{dismissed}"}, "Report #{dismissed} was itself merged or dismissed."),
        ({"into": "{dismissed}", "candidate": "{open}"}, "not both"),
    ],
)
def test_merge_bad_input_comes_back_with_a_message(app, sup, world, data, message):
    numbers = {
        "open": new_report(app, world.location_a),
        "dismissed": new_report(app, world.location_a),
        "bravo": new_report(app, world.location_b),
        "self": new_report(app, world.location_a),
    }
    act(app, numbers["dismissed"], world.supervisor_a, "dismiss", reason="spam")
    filled = {key: value.format(**numbers) for key, value in data.items()}
    url = f"/triage/reports/{numbers['self']}/merge"
    for headers in ({}, HX):
        response = post(sup, url, {"version": 1, **filled}, headers=headers)
        html = text(response)
        assert response.status_code == 422 and message.format(**numbers) in html
        if "into" in filled:
            assert f'value="{filled["into"]}"' in html
    assert fetch(app, numbers["self"]).status == "new"


# --- dismiss ---


def test_dismiss_keeps_the_report_with_its_reason(app, sup, world, rid):
    data = {"version": 1, "reason": "incident", "note": "  Logged as INC-44  "}
    response = post(sup, f"/triage/reports/{rid}/dismiss", data)
    assert response.status_code == 303
    saved = fetch(app, rid)
    assert (saved.status, saved.dismiss_reason, saved.dismiss_note) == (
        "dismissed",
        "incident",
        "Logged as INC-44",
    )
    assert f"card-{rid}" not in text(sup.get("/triage"))


def test_dismiss_with_htmx_removes_the_card(app, sup, rid):
    response = post(
        sup, f"/triage/reports/{rid}/dismiss", {"version": 1, "reason": "spam"}, headers=HX
    )
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert f"card-{rid}" not in html
    assert re.search(
        r'id="head-new" hx-swap-oob="true">\s*<h2[^>]*>New <span class="count">0<', html
    )


def test_the_dismiss_form_gives_each_reason_in_plain_words(app, sup, rid):
    html = text(sup.get(f"/triage/reports/{rid}/dismiss"))
    for words in (
        "Not a near miss — nothing could have gone wrong",
        "Actually an incident",
        "A hazard observation — a condition to fix, not an event",
        "Spam or a test",
    ):
        assert words in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "kept words"}, "Choose why the report is dismissed."),
        ({"reason": "boring", "note": "kept words"}, "Choose why the report is dismissed."),
        ({"reason": "spam", "note": "kept words" + "x" * 1000}, "Please keep this under 1000"),
    ],
)
def test_dismiss_bad_input_comes_back_with_a_message_and_the_note(app, sup, rid, data, message):
    for headers in ({}, HX):
        response = post(
            sup, f"/triage/reports/{rid}/dismiss", {"version": 1, **data}, headers=headers
        )
        html = text(response)
        assert response.status_code == 422 and message in html
        assert "kept words" in html
    assert fetch(app, rid).status == "new"


# --- two people on one card ---


def test_the_second_person_gets_the_fresh_card_and_who_changed_it(app, client, login, world, rid):
    login.as_(world.safety)
    other = app.test_client()
    from tests.factories import LoginActions

    LoginActions(other).as_(world.supervisor_a)
    shown = version(app, rid)
    assert post(other, f"/triage/reports/{rid}/acknowledge", {"version": shown}).status_code == 303
    data = _classify(app, rid, version=shown, override_reason="my words", severity="2")
    for headers in ({}, HX):
        response = post(client, f"/triage/reports/{rid}/classify", data, headers=headers)
        html = text(response)
        assert response.status_code == 409
        assert "Changed by sup.a a moment ago — here is the latest." in html
        assert "my words" in html  # what they typed is still there
        assert f'value="{shown + 1}"' in html  # now against the latest version
    assert ("<html" in text(post(client, f"/triage/reports/{rid}/classify", data))) is True
    saved = fetch(app, rid)
    assert saved.status == "acknowledged" and saved.category_id is None


def test_a_stale_acknowledge_is_a_conflict_too(app, client, login, world, rid):
    act(
        app,
        rid,
        world.supervisor_a,
        "classify",
        category="Mechanical",
        domain="safety",
        severity=1,
        likelihood=1,
    )
    login.as_(world.safety)
    response = post(client, f"/triage/reports/{rid}/acknowledge", {"version": 1}, headers=HX)
    html = text(response)
    assert response.status_code == 409 and "<html" not in html
    assert "Changed by sup.a a moment ago" in html
    assert 'name="version" value="2"' in html  # the fresh card acknowledges the latest
    assert fetch(app, rid).status == "new"


def test_a_write_lost_at_commit_is_a_conflict(app, sup, world, rid, monkeypatch):
    """Another database session saved the row between our read and our write."""
    acknowledge = loop.acknowledge

    def racing(report, actor, **kwargs):
        db.session.execute(
            sql("UPDATE reports SET version = version + 1 WHERE id = :id"), {"id": report.id}
        )
        return acknowledge(report, actor, **kwargs)

    monkeypatch.setattr(loop, "acknowledge", racing)
    response = post(sup, f"/triage/reports/{rid}/acknowledge", {"version": 1}, headers=HX)
    assert response.status_code == 409
    assert "a moment ago — here is the latest." in text(response)
    assert fetch(app, rid).status == "new"


def test_the_card_endpoint_refreshes_a_card(app, sup, world, rid):
    fragment = sup.get(f"/triage/cards/{rid}?next=/triage%3Fhipo%3D1", headers=HX)
    html = text(fragment)
    assert fragment.status_code == 200 and "<html" not in html
    assert f'id="card-{rid}"' in html and "next=/triage?hipo%3D1" in html
    page = sup.get(f"/triage/cards/{rid}")
    assert "<html" in text(page) and "Back to the board" in text(page)
