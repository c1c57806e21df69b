"""A repeat theme's page and its toolbox-talk sheet (portal/insights/talks.py): who reaches
them, what the staff page lists, and what the crew's sheet says — in English and Spanish,
and never the reporter's words, name or times."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from sqlalchemy import select

from portal.extensions import db
from portal.insights import talk_words
from portal.lib.timeutil import utcnow
from portal.models import DEFAULT_CATEGORIES, Category, CorrectiveAction, Report, Site, User
from tests.factories.small_world import build, report_row
from tests.test_i18n import messages_in

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}

# what only the reporter wrote: never on a sheet for the crew
RAW_WHAT = "The blue tugger clipped the racking right beside the coffee machine."
RAW_POTENTIAL = "It could have pinned my left foot against the kerb."
REPORTER = "Rosalind Quigley"
PUBLIC_WHAT = "A tow tractor passed close to a person walking at the dock door."
FIXED = "Convex mirror fitted at the dock door"
PENDING = "Painted walkway along the dock"


@dataclass(frozen=True)
class Themes:
    dock: dict[str, int]  # site A: Dock 1 + Vehicles and traffic, 3 in 90 days
    press: dict[str, int]  # site A: the asset Press 4, 3 in 90 days
    aisle: dict[str, int]  # site B: Aisle 9 + Electrical, 1 in 90 days (no longer a theme)
    reports: list[int]  # the dock theme's counted reports


def _report(site: Site, location_id: int, days_ago: int, n: str, **fields: object) -> Report:
    """A stored report of `days_ago` days ago at a place of the small world (acknowledged,
    unless `fields` say otherwise)."""
    values = {
        "what_happened": f"Near miss {n}",
        "status": "acknowledged",
        "local_hour": 9,
        "quality": 2,
        "severity": 3,
        **fields,
    }
    created = utcnow() - timedelta(days=days_ago)
    return report_row(f"talk-{n}", created=created, site=site, location_id=location_id, **values)


@pytest.fixture
def themes(app, world) -> Themes:
    """Fresh reports (relative to now) on the small world's places."""
    with app.app_context():
        small = build(world)
        site_a, site_b = db.session.get(Site, small.site_a), db.session.get(Site, small.site_b)
        categories = {c.name: c.id for c in db.session.scalars(select(Category))}
        vehicles, electrical = categories["Vehicles and traffic"], categories["Electrical"]
        dock = [
            _report(
                site_a,
                small.dock,
                3,
                "d1",
                category_id=vehicles,
                what_happened=RAW_WHAT,
                potential_text=RAW_POTENTIAL,
                reporter_name=REPORTER,
                reporter_role="contractor",
                public_what=PUBLIC_WHAT,
                high_potential=True,
                severity=4,
            ),
            _report(site_a, small.dock, 20, "d2", category_id=vehicles),
            _report(
                site_a, small.dock, 45, "d3", category_id=vehicles, potential_outcome="damage_only"
            ),
        ]
        # not counted: dismissed, or older than 90 days
        _report(site_a, small.dock, 10, "d4", category_id=vehicles, status="dismissed")
        _report(site_a, small.dock, 120, "d5", category_id=vehicles)
        for n, days in (("p1", 2), ("p2", 30), ("p3", 60)):
            _report(
                site_a,
                small.press,
                days,
                n,
                asset_id=small.asset_x,
                category_id=categories["Mechanical"],
            )
        _report(site_b, small.aisle, 5, "a1", category_id=electrical)
        _report(site_b, small.aisle, 100, "a2", category_id=electrical)
        _report(site_b, small.aisle, 150, "a3", category_id=electrical)
        db.session.flush()
        owner = db.session.get(User, world.supervisor_a.id)
        today = utcnow().date()
        for report, description, level, status in (
            (dock[0], FIXED, "engineering", "verified"),
            (dock[1], PENDING, "administrative", "open"),
        ):
            db.session.add(
                CorrectiveAction(
                    report=report,
                    site_id=report.site_id,
                    description=description,
                    control_level=level,
                    owner=owner,
                    due_on=today + timedelta(days=14),
                    status=status,
                    completed_at=utcnow() - timedelta(days=2) if status != "open" else None,
                    verified_at=utcnow() - timedelta(days=1) if status == "verified" else None,
                )
            )
        db.session.commit()
        return Themes(
            dock={"location": small.dock, "category": vehicles},
            press={"asset": small.asset_x},
            aisle={"location": small.aisle, "category": electrical},
            reports=[r.id for r in dock],
        )


def get(client, path: str, args: dict, status: int = 200, **headers: str) -> str:
    response = client.get(path, query_string=args, headers=headers)
    assert response.status_code == status
    return response.get_data(as_text=True)


def reports_in(html: str) -> set[int]:
    """The ids of the reports a page links to."""
    return {int(n) for n in re.findall(r'href="/reports/(\d+)"', html)}


def sheet(html: str) -> str:
    """The printed part of the talk page (the staff bar and the tools are not printed)."""
    return html[html.index('<article class="talk-sheet"') : html.index("</article>")]


# access: like reading an object of the theme's site (the route matrix,
# tests/security/test_access_matrix.py); here, the theme's site is the asset's


def test_an_asset_theme_at_another_site_is_not_found(client, login, world, themes):
    login.as_(world.supervisor_b)
    get(client, "/insights/themes", themes.press, 404)
    get(client, "/insights/themes/talk", themes.press, 404)


@pytest.mark.parametrize("path", ["/insights/themes", "/insights/themes/talk"])
@pytest.mark.parametrize(
    "args",
    [
        {},
        {"location": "1"},
        {"category": "1"},
        {"location": "abc", "category": "1"},
        {"location": "1", "category": "-2"},
        {"location": "999999", "category": "1"},
        {"asset": "999999"},
        {"asset": "1e3"},
    ],
)
def test_missing_or_invalid_params_answer_404(client, login, world, themes, path, args):
    login.as_(world.admin)
    get(client, path, args, 404)


def test_an_unknown_category_at_a_real_place_answers_404(client, login, world, themes):
    login.as_(world.admin)
    get(client, "/insights/themes", {**themes.dock, "category": "999999"}, 404)


# the staff page


def test_theme_page_lists_the_counted_reports_and_their_actions(client, login, world, themes):
    login.as_(world.safety)
    html = get(client, "/insights/themes", themes.dock)
    assert "<h1>Vehicles and traffic — Dock 1</h1>" in html
    assert "Alpha Plant" in html
    assert "Still a repeat theme" in html
    assert reports_in(html) == set(themes.reports)  # neither the dismissed one nor the old one
    assert html.count('class="tag warn"') == 1  # one high-potential report
    assert FIXED in html and PENDING in html
    assert "Engineering control" in html and "Administrative control" in html
    assert "sup.a" in html  # the owner
    assert "Verified" in html and "Open" in html
    assert not re.search(r"\b\d{1,2}:\d{2}\b", html[html.index("<main") :])  # dates, no times
    assert 'href="/insights/themes/talk?' in html and "lang=es" in html


def test_an_asset_theme_has_its_page_and_sheet(client, login, world, themes):
    login.as_(world.supervisor_a)
    html = get(client, "/insights/themes", themes.press)
    assert "<h1>Press 4 (Press line)</h1>" in html
    assert len(reports_in(html)) == 3
    talk = sheet(get(client, "/insights/themes/talk", {**themes.press, "lang": "en"}))
    assert "Press 4 (Press line)" in talk
    assert "3 near misses in the last 90 days" in talk
    assert "Mechanical" in talk  # the category its reports had, and its guidance
    assert str(talk_words.WATCH_FOR["Mechanical"][0]) in talk


def test_a_place_that_is_no_longer_a_theme_still_renders_with_a_note(client, login, world, themes):
    login.as_(world.supervisor_b)
    html = get(client, "/insights/themes", themes.aisle)
    assert "No longer a repeat theme" in html
    assert len(reports_in(html)) == 1
    talk = sheet(get(client, "/insights/themes/talk", {**themes.aisle, "lang": "en"}))
    assert "no longer a repeat theme" in talk
    assert "1 near miss in the last 90 days" in talk


# the sheet for the crew


def test_sheet_gives_the_count_outcomes_and_fixes(client, login, world, themes):
    login.as_(world.admin)
    talk = sheet(get(client, "/insights/themes/talk", {**themes.dock, "lang": "en"}))
    assert "Toolbox talk" in talk
    assert "Vehicles and traffic — Dock 1" in talk and "Alpha Plant" in talk
    assert "3 near misses in the last 90 days" in talk
    assert "Serious injury or worse: 2" in talk and "Damage or spill only: 1" in talk
    assert PUBLIC_WHAT in talk
    fixed = talk[talk.index("What we fixed") : talk.index("What is still being fixed")]
    assert FIXED in fixed and "Guard, barrier or physical change (engineering)" in fixed
    assert re.search(r"done in [A-Z][a-z]+ 20\d\d", fixed)  # the month, not the day
    pending = talk[talk.index("What is still being fixed") : talk.index("What to watch for")]
    assert PENDING in pending and "due " in pending
    for line in talk_words.WATCH_FOR["Vehicles and traffic"]:
        assert str(line) in talk
    assert "Can we remove the hazard rather than rely on care?" in talk
    assert "Where else could this happen?" in talk
    assert "anonymously if you want" in talk


def _add_action(app, world, report_id: int, description: str, status: str) -> None:
    with app.app_context():
        report = db.session.get(Report, report_id)
        db.session.add(
            CorrectiveAction(
                report=report,
                site_id=report.site_id,
                description=description,
                control_level="engineering",
                owner=db.session.get(User, world.supervisor_a.id),
                due_on=utcnow().date() + timedelta(days=7),
                status=status,
                completed_at=utcnow() if status != "open" else None,
                verified_at=utcnow() if status == "verified" else None,
            )
        )
        db.session.commit()


def _parts(talk: str) -> tuple[str, str]:
    """The sheet's "What we fixed" and "What is still being fixed" sections."""
    fixed = talk[talk.index("What we fixed") : talk.index("What is still being fixed")]
    pending = talk[talk.index("What is still being fixed") : talk.index("What to watch for")]
    return fixed, pending


def test_a_fix_done_at_one_report_and_open_at_another_is_still_being_fixed(
    app, client, login, world, themes
):
    # the verified mirror of the first report is also an open action of the third, in other
    # spacing and case: one fix to the crew, and not finished yet
    _add_action(app, world, themes.reports[2], f"  {FIXED.upper()} ", "open")
    login.as_(world.admin)
    talk = sheet(get(client, "/insights/themes/talk", {**themes.dock, "lang": "en"}))
    fixed, pending = _parts(talk)
    assert FIXED.casefold() not in fixed.casefold()
    assert pending.casefold().count(FIXED.casefold()) == 1
    assert "Nothing finished yet." in fixed


def test_no_action_is_listed_both_as_done_and_as_still_being_fixed(
    app, client, login, world, themes
):
    for report_id, status in zip(themes.reports, ("done", "open", "verified"), strict=True):
        _add_action(app, world, report_id, "Speed bump at the dock door", status)
        _add_action(app, world, report_id, f"Sign number {report_id}", status)
    login.as_(world.admin)
    for lang in ("en", "es"):
        html = get(client, "/insights/themes/talk", {**themes.dock, "lang": lang})
        start = html.index('id="talk-fixed"')
        fixed = html[start : html.index('id="talk-pending"')]
        pending = html[html.index('id="talk-pending"') : html.index('id="talk-watch"')]
        done_lines = set(re.findall(r"<li>([^<]+?)\s*<span", fixed))
        open_lines = set(re.findall(r"<li>([^<]+?)\s*<span", pending))
        assert done_lines and open_lines
        assert not {line.casefold() for line in done_lines} & {
            line.casefold() for line in open_lines
        }
        assert "Speed bump at the dock door" in pending and "Speed bump" not in fixed


def test_sheet_never_shows_the_reporter_words_names_or_times(client, login, world, themes):
    login.as_(world.admin)
    for lang in ("en", "es"):
        html = get(client, "/insights/themes/talk", {**themes.dock, "lang": lang})
        for secret in (RAW_WHAT, RAW_POTENTIAL, "Rosalind", "Quigley", "Near miss d2"):
            assert secret not in html
        talk = sheet(html)
        assert "contractor" not in talk.lower()
        assert "sup.a" not in talk  # nor staff names
        assert not re.search(r"\b\d{1,2}:\d{2}\b", talk)


def test_spanish_sheet_is_in_spanish_with_no_english_guidance_left(client, login, world, themes):
    login.as_(world.admin)
    html = get(client, "/insights/themes/talk", {**themes.dock, "lang": "es"})
    assert '<html lang="es">' in html
    talk = sheet(html)
    assert "Charla de seguridad" in talk
    assert "Vehículos y tráfico — Dock 1" in talk
    assert "3 casi accidentes en los últimos 90 días" in talk
    assert "Lesión grave o algo peor: 2" in talk
    assert re.search(r"hecho en [a-z]+ de 20\d\d", talk)
    english = [
        *talk_words.WATCH_FOR["Vehicles and traffic"],
        talk_words.STRONGEST_CONTROL,
        *talk_words.QUESTIONS,
        talk_words.CONTROL_WORDS["engineering"],
    ]
    with client.application.test_request_context():  # no language asked: English
        for words in english:
            assert str(words) not in talk
    for english_heading in ("What keeps happening", "What we fixed", "What to watch for"):
        assert english_heading not in talk
    assert "Report close calls" not in talk


def test_sheet_follows_the_browser_language_without_lang(client, login, world, themes):
    login.as_(world.admin)
    html = get(client, "/insights/themes/talk", themes.dock, **{"Accept-Language": "es-ES,es"})
    assert "Charla de seguridad" in sheet(html)
    html = get(client, "/insights/themes/talk", themes.dock, **{"Accept-Language": "en"})
    assert "Toolbox talk" in sheet(html)


def test_an_unknown_lang_falls_back_to_the_browser_language(client, login, world, themes):
    login.as_(world.admin)
    html = get(client, "/insights/themes/talk", {**themes.dock, "lang": "xx"})
    assert "Toolbox talk" in sheet(html)


# the words


def test_every_default_category_has_a_name_and_guidance():
    assert list(talk_words.CATEGORY_NAMES) == DEFAULT_CATEGORIES
    assert set(talk_words.WATCH_FOR) == set(DEFAULT_CATEGORIES)
    assert all(2 <= len(lines) <= 3 for lines in talk_words.WATCH_FOR.values())


def _sheet_messages() -> set[str]:
    return messages_in(("templates/insights/talk.html", "portal/insights/talk_words.py"))


def test_every_message_of_the_sheet_has_a_compiled_spanish_translation():
    with open(ROOT / "portal/translations/es/LC_MESSAGES/messages.mo", "rb") as handle:
        catalog = read_mo(handle)
    messages = _sheet_messages()
    assert len(messages) > 50
    missing = sorted(m for m in messages if not (catalog.get(m) and catalog.get(m).string))
    assert missing == [], "run `make i18n-extract`, translate, then `make i18n-compile`"


def test_spanish_sheet_messages_keep_every_placeholder():
    with open(ROOT / "portal/translations/es/LC_MESSAGES/messages.mo", "rb") as handle:
        catalog = read_mo(handle)
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    wrong = []
    for message in _sheet_messages():
        translated = catalog.get(message).string
        forms = translated if isinstance(translated, (tuple, list)) else [translated]
        if any(set(placeholder.findall(message)) != set(placeholder.findall(f)) for f in forms):
            wrong.append(message)
    assert wrong == []
