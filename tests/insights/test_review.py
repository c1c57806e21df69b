"""The monthly review: its figures and lists against the hand-counted small world (now is
2026-06-15 12:00 UTC), then the page itself: access, month choice and what is printed."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from portal.domain import corrective
from portal.extensions import db
from portal.insights import review, review_summary
from portal.lib.timeutil import utcnow
from portal.models import CorrectiveAction, Report, User
from tests.factories.small_world import NOW, Small
from tests.statements import counting


def month(small: Small, value: str, **kwargs) -> review.Review:
    return review.monthly_review(small.scope(first=value, last=value, **kwargs))


def page(client, **args) -> str:
    response = client.get("/insights/review", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(html: str, anchor: str) -> str:
    """The HTML of one section of the review, by its id."""
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</section>", start)]


# --- figures (section 1) -----------------------------------------------------------------


def test_may_figures_match_the_hand_counts(small, ctx):
    result = month(small, "2026-05")
    # May: report 3 (high-potential) counts; 4 is dismissed and 8 merged
    assert result.summary.total.reports == 1
    assert result.summary.total.high_potential == 1
    # April: reports 1, 2 and 9
    assert result.before_month == "2026-04"
    assert result.before.reports == 3
    assert result.change == -2
    # 1 report over A's 100,000 h and B's 50,000 h (Charlie Yard has no May hours)
    assert result.participation.rate == pytest.approx(200_000 / 150_000)
    # report 3 acknowledged after 1 h; no other report to judge
    assert result.summary.ack_share is None
    assert result.summary.ack_share_hipo == pytest.approx(1.0)
    # due in May and passed: a2 (open), a3 (verified), a8 (done) — all on high-potential reports
    assert (result.closeout.due_hipo, result.closeout.verified_hipo) == (3, 1)
    assert result.closeout.rate is None
    assert result.closeout.rate_hipo == pytest.approx(1 / 3)
    # report 3 closed after 3 days 5 hours
    assert result.median.high_potential == 3.0
    assert result.median.others is None


def test_june_figures_match_the_hand_counts(small, ctx):
    result = month(small, "2026-06")
    assert result.summary.total.reports == 4  # 5, 6, 10, 11
    assert result.summary.total.high_potential == 0
    assert result.change == 3  # May had 1
    # judged: 6 (never), 10 (10 h), 11 (2 h); 5 is still inside its first 24 h
    assert result.summary.ack_share == pytest.approx(2 / 3)
    assert result.summary.ack_share_hipo is None
    # due 1-14 June: a6 (open); a7 is due today, not yet
    assert (result.closeout.due, result.closeout.verified) == (1, 0)
    assert result.closeout.rate == 0.0
    # only Bravo has June hours: report 10 over 50,000 h
    assert result.participation.rate == pytest.approx(4.0)


def test_the_page_shows_the_month_and_the_change(client, login, world, small):
    login.as_(world.admin)
    html = page(client, month="2026-05")
    assert "<h1>Monthly review — May 2026</h1>" in html
    reports_row = html[html.index('id="figure-reports"') :]
    cells = re.findall(r'<td class="num">([^<]*)</td>', reports_row)[:3]
    assert cells == ["1", "3", "-2"]
    assert "33 %" in section(html, "figures-h")  # high-potential closeout, 1 of 3


# --- themes (section 2) ------------------------------------------------------------------


def test_repeat_themes_up_to_the_end_of_the_month(small, ctx):
    may = [t.title for t in month(small, "2026-05").themes]
    june = [t.title for t in month(small, "2026-06").themes]
    assert may == ["Vehicles and traffic — Dock 1"]  # Press 4's 6 is dated 1 June
    assert "Press 4 (Press line)" in june and "Vehicles and traffic — Dock 1" in june


def test_a_theme_links_to_its_page_and_toolbox_talk(client, login, world, small):
    login.as_(world.admin)
    themes_html = section(page(client, month="2026-05"), "themes")
    link = f"/insights/themes?location={small.dock}&amp;category={small.vehicles}"
    assert f'<a href="{link}">Vehicles and traffic — Dock 1</a>' in themes_html
    assert "/insights/themes/talk?" in themes_html


# --- high-potential (section 3) ----------------------------------------------------------


def test_high_potential_of_the_month_and_older_ones_still_open(small, ctx):
    rows = month(small, "2026-05").high_potential
    assert [row.report.id for row in rows] == [small.reports[3], small.reports[2]]
    this_month, older = rows
    assert this_month.this_month and not older.this_month
    assert this_month.days == 3  # closed after 3 days 5 hours
    assert [a.id for a in older.pending] == [small.actions["a2"]]
    assert older.overdue == 1
    assert older.days == (NOW - older.report.created_at).days == 56


def test_an_old_open_high_potential_report_comes_back_every_month(small, ctx):
    rows = month(small, "2026-06").high_potential
    assert [row.report.id for row in rows] == [small.reports[2]]


def test_the_page_lists_report_2_with_its_overdue_action(client, login, world, small):
    login.as_(world.admin)
    hipo = section(page(client, month="2026-06"), "hipo")
    row = hipo[hipo.index(f'id="hipo-{small.reports[2]}"') :]
    assert "In progress" in row and "Action a2" in row and "overdue" in row


# --- overdue actions (section 4) ---------------------------------------------------------


def test_overdue_actions_by_age_and_oldest_first(small, ctx):
    result = month(small, "2026-05")
    ages = {row.key: (row.others, row.high_potential) for row in result.ages}
    # a2 due 1 May (45 days late, high-potential); a6 due 10 June (5 days late)
    assert ages == {"week": (1, 0), "month": (0, 0), "quarter": (0, 1), "older": (0, 0)}
    assert [row.action.id for row in result.overdue] == [small.actions["a2"], small.actions["a6"]]
    assert [row.days_late for row in result.overdue] == [45, 5]
    assert result.overdue[0].reason is None
    assert result.overdue_count == 2


def test_the_latest_reason_recorded_says_why_an_action_is_late(app, client, login, world, small):
    login.as_(world.admin)
    html = section(page(client, month="2026-05"), "overdue")
    row = html[html.index(f'id="overdue-{small.actions["a2"]}"') :]
    assert "No reason recorded" in row[: row.index("</tr>")]
    with app.test_request_context():
        action = db.session.get(CorrectiveAction, small.actions["a2"])
        actor = db.session.get(User, world.supervisor_a.id)
        # moved to a date that has passed too (utcnow is later than 2026-06-01)
        corrective.change_due_date(
            action, actor, due_on=date(2026, 6, 1), reason="The guard is back-ordered"
        )
        db.session.commit()
        found = review.overdue_with_reasons(small.scope(first="2026-05", last="2026-05"))
        assert found[0].reason_kind == "Due date moved"
        assert found[0].reason == "2026-05-01 → 2026-06-01: The guard is back-ordered"
    html = section(page(client, month="2026-05"), "overdue")
    row = html[html.index(f'id="overdue-{small.actions["a2"]}"') :]
    assert "The guard is back-ordered" in row[: row.index("</tr>")]


# --- sources and participation (sections 5 and 6) ----------------------------------------


def test_sources_of_april(small, ctx):
    result = month(small, "2026-04")
    # 1 (Ana, worker), 2 (anonymous), 9 (Bo, contractor)
    assert (result.sources.anonymous, result.sources.named) == (1, 2)
    assert sum(row.count for row in result.shifts) == 3


def test_charlie_yard_is_flagged_for_april(small, ctx):
    result = month(small, "2026-04")
    assert [site.name for site in result.participation.low] == ["Charlie Yard"]


def test_the_page_warns_about_silence_and_missing_hours(client, login, world, small):
    login.as_(world.admin)
    april = section(page(client, month="2026-04"), "participation")
    assert "Charlie Yard reports far less than the other sites" in april
    may = section(page(client, month="2026-05"), "participation")
    assert "No hours entered for Charlie Yard" in may


# --- the control to improve (section 7) --------------------------------------------------


def test_a_theme_with_only_administrative_actions_is_a_candidate(small, ctx):
    june = month(small, "2026-06")
    # Press 4: reports 5, 6, 11, whose one action (a6) is administrative; Dock 1 has
    # engineering and better (a1, a3, a7, a8)
    assert [(c.theme.title, c.actions) for c in june.candidates] == [("Press 4 (Press line)", 1)]
    assert month(small, "2026-05").candidates == []
    # June's reports: a4 (PPE) on 10, a6 (administrative) on 6
    assert (june.strength.strong, june.strength.total) == (0, 2)


def test_the_page_proposes_the_candidate_and_leaves_room_to_decide(client, login, world, small):
    login.as_(world.admin)
    control = section(page(client, month="2026-06"), "control")
    assert "Candidate: stronger control for Press 4 (Press line)" in control
    assert "Decided at the meeting" in control
    blank = control[control.index('class="data decided"') :]
    assert blank.count("<tr><td></td><td></td><td></td></tr>") == 3


# --- the one-page summary ----------------------------------------------------------------


def test_the_summary_answers_the_six_questions_of_may(small, app, ctx):
    with app.test_request_context():
        questions = review_summary.questions(month(small, "2026-05"))
    assert [q.anchor for q in questions] == [
        "themes", "hipo", "overdue", "sources", "participation", "control",
    ]  # fmt: skip
    assert [q.ask[:2] for q in questions] == ["2.", "3.", "4.", "5.", "6.", "7."]
    themes, hipo, overdue, sources, sites, control = questions
    assert themes.answer == "1 theme repeated in the 90 days to the month's end."
    assert [bar.label for bar in themes.chart.bars] == ["Vehicles and traffic — Dock 1"]
    # report 3 closed; report 2 (April, still open) with a2 overdue
    assert hipo.answer.startswith("2 high-potential events;") and hipo.answer.endswith(": 1.")
    assert [(bar.label, bar.value) for bar in hipo.chart.bars] == [
        ("No action yet", 0), ("An action overdue", 1), ("Actions under way", 0), ("Closed", 1),
    ]  # fmt: skip
    # a2 (45 days late) and a6 (5 days) on 15 June; a7 is due that day, not late
    assert overdue.answer == (
        "2 actions overdue. No reason recorded for 2 of the 2 longest overdue."
    )
    assert [bar.value for bar in overdue.chart.bars] == [1, 0, 1, 0]
    assert sources.answer == "Anonymous: fewer than 5 · Named: fewer than 5"
    # May: Alpha's report 3 over 100,000 h, none at Bravo over 50,000 h
    assert sites.answer == "Far less than the others for the hours worked: Bravo Warehouse."
    assert sites.chart.marker_value == pytest.approx(200_000 / 150_000)
    # May's report 3: a3 elimination, a8 substitution
    assert control.answer == "Engineering or better: 100 % of the month's actions."


def test_the_summary_of_june_names_the_candidate_and_judges_no_site(small, app, ctx):
    with app.test_request_context():
        questions = review_summary.questions(month(small, "2026-06"))
    sites, control = questions[4], questions[5]
    assert sites.answer == "The month is not over: no site is judged yet."
    assert control.answer.endswith("1 repeat theme has only administrative controls or PPE.")


def test_the_page_opens_with_the_summary_then_the_detail(client, login, world, small):
    login.as_(world.admin)
    html = page(client, month="2026-05")
    summary = html[html.index('id="summary"') : html.index('id="figures-h"')]
    assert "The month on one page" in summary
    assert summary.count('<section class="question"') == 6
    assert summary.count('<figure class="chart chart-bars"') == 6
    for anchor in ("themes", "hipo", "overdue", "sources", "participation", "control"):
        assert f'href="#{anchor}"' in summary and f'id="{anchor}"' in html
    assert ">1</p>" in summary  # near misses reported in May, as a figure at the top


# --- the page: access, month, printing ---------------------------------------------------


def test_supervisor_of_b_sees_no_site_a_data(client, login, world, small):
    login.as_(world.supervisor_b)
    html = page(client, month="2026-05")
    assert "Bravo Warehouse" in html
    for word in ("Alpha Plant", "Charlie Yard", "Dock 1", "Action a2", "Report 3"):
        assert word not in html
    html = page(client, month="2026-05", site=small.site_a)
    assert "you do not see that site" in html and "Dock 1" not in html


def test_one_site_chosen_in_the_filter(client, login, world, small):
    login.as_(world.admin)
    html = page(client, month="2026-06", site=small.site_b)
    assert f'<option value="{small.site_b}" selected>' in html
    assert "Action a2" not in html and "Press 4" not in html


def test_the_previous_month_by_default(app, world):
    with app.test_request_context():
        user = db.session.get(User, world.admin.id)
        scope = review.review_scope(user, {}, now=NOW)
    assert (scope.first_month, scope.last_month) == ("2026-05", "2026-05")
    assert scope.notes == ()


@pytest.mark.parametrize("value", ["2026-13", "june", "1999-01", "2026-6"])
def test_a_bad_month_is_ignored_with_a_note(app, client, login, world, value):
    with app.test_request_context():
        user = db.session.get(User, world.admin.id)
        scope = review.review_scope(user, {"month": value}, now=NOW)
        assert scope.first_month == "2026-05"
        assert "give a month as YYYY-MM" in str(scope.notes[0])
    login.as_(world.admin)
    html = page(client, month=value)
    assert "give a month as YYYY-MM" in html
    assert f'value="{review.default_month(utcnow())}"' in html


def test_the_printout_drops_the_screen_furniture(app, client, login, world, small):
    login.as_(world.admin)
    html = page(client, month="2026-05")
    assert "/static/css/review.css" in html
    assert " style=" not in html and "<script>" not in html
    for question in (
        "Which themes repeated?",
        "Which high-potential events need support?",
        "Which actions are overdue, and why?",
        "Where do reports come from?",
        "Which sites report unusually little for their exposure?",
        "What control will be improved before the next review?",
    ):
        assert question in html
    css = (Path(app.static_folder) / "css" / "review.css").read_text(encoding="utf-8")
    printed = css[css.index("@media print") :]
    for rule in ("@page", "A4", ".staff-bar", ".review-filters", "break-inside: avoid"):
        assert rule in printed


def test_statement_count_does_not_grow_with_reports_and_actions(app, client, login, world, small):
    login.as_(world.admin)
    page(client, month="2026-05")  # warm caches (categories, session)

    def statements() -> int:
        with counting(app) as seen:
            page(client, month="2026-05")
        return len(seen)

    before = statements()
    with app.app_context():
        base = db.session.get(Report, small.reports[2])  # high-potential, April, in progress
        for n in range(15):
            extra = Report(
                site_id=base.site_id,
                location_id=base.location_id,
                where_text="x",
                what_happened="more",
                potential_outcome="other",
                channel="qr",
                language="en",
                status=base.status,
                created_at=base.created_at,
                receipt_hash=f"extra-{n}",
                submission_key=f"extra-key-{n}",
                local_month=base.local_month,
                local_hour=3,
                quality=1,
                high_potential=True,
                category_id=base.category_id,
                acknowledged_at=base.acknowledged_at,
            )
            extra.actions.append(
                CorrectiveAction(
                    site_id=base.site_id,
                    description=f"Extra {n}",
                    control_level="ppe",
                    owner_id=world.supervisor_a.id,
                    due_on=date(2026, 5, 2),
                    status="open",
                )
            )
            db.session.add(extra)
        db.session.commit()
    assert statements() == before


def test_a_month_that_is_not_over_judges_no_site(app, world, small):
    from dataclasses import replace

    from portal.indicators import scope as scopes
    from portal.insights import review as review_module

    with app.test_request_context():
        scope = scopes.Scope(
            site_ids=(small.site_a, small.site_b, small.site_c),
            first_month="2026-06",
            last_month="2026-06",
            now=NOW,
        )
        page = review_module.monthly_review(scope)
        assert page.month_open
        assert not review_module.monthly_review(
            replace(scope, first_month="2026-05", last_month="2026-05")
        ).month_open
