"""The insights pages in a real browser (Debian's chromium; skipped where it is missing), on
the demo company: the leadership view with its trend chart, table and site filter, reached
by keyboard; the supervisor's week limited to their site; the monthly review on screen, in
print and as a PDF; every chart of the indicators page drawn; a theme and its Spanish
toolbox talk. Screenshots go to test-artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from portal import demo
from portal.database import begin_write
from portal.indicators.scope import add_months, month_of, months_between
from portal.lib.timeutil import utcnow
from tests.browser.helpers import PHONE, fits_the_screen, open_context, screenshot
from tests.database import built_once

pytestmark = pytest.mark.browser

WIDE = {"width": 1440, "height": 900}
SAFETY = "safety@closecall.example"
SUPERVISOR = "supervisor.riverside@closecall.example"
HOME_SITE = "Riverside Plant"
OTHER_SITE = "North Distribution Center"
INSIGHTS_LINKS = ["Leadership", "My sites this week", "All indicators", "Monthly review"]
REVIEW_SECTIONS = [
    "1. The month in figures",
    "2. Which themes repeated?",
    "3. Which high-potential events need support?",
    "4. Which actions are overdue, and why?",
    "5. Where do reports come from?",
    "6. Which sites report unusually little for their exposure?",
    "7. What control will be improved before the next review?",
]
SUPERVISOR_SECTIONS = [
    "My open actions",
    "Due this week or late",
    "Reports of the last seven days",
    "Repeat themes at my sites",
]


@pytest.fixture
def laptop(browser, live_server):
    """A 1440x900 laptop window."""
    yield from open_context(browser, live_server, viewport=WIDE, locale="en-US")


@pytest.fixture
def narrow(browser, live_server):
    """A 390 px wide window (not mobile emulation, which widens the page to fit its content)."""
    yield from open_context(
        browser, live_server, viewport=PHONE, device_scale_factor=2, locale="en-US"
    )


def _seed() -> None:
    begin_write()
    demo.seed(report_count=150, seed=7)


@pytest.fixture
def demo_company(app) -> None:
    """The demo company: six months of reports, themes, overdue actions and hours worked
    (seeded once per test process, its rows put back for each test)."""
    built_once(app, "demo company of 150 reports", _seed)


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/"))


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login"))


def _drawn(locator) -> bool:
    """The element is on screen with a real size."""
    box = locator.bounding_box()
    return box is not None and box["width"] > 0 and box["height"] > 0


def _trend_is_drawn(page) -> None:
    page.get_by_role("heading", name="Insights", level=1).wait_for()
    svg = page.locator("figure#chart-trend svg[role=img]")
    assert svg.is_visible()
    assert _drawn(svg)
    assert fits_the_screen(page), "the page scrolls sideways"


def test_the_leadership_view_draws_its_trend_and_filters_by_site(demo_company, laptop, narrow):
    page = laptop.new_page()
    _sign_in(page, SAFETY)
    page.goto("/insights")
    _trend_is_drawn(page)

    # The chart's numbers as a table: one row per month of the range in the filter.
    first = page.locator("#filter-from").input_value()
    last = page.locator("#filter-to").input_value()
    figure = page.locator("figure#chart-trend")
    table = figure.locator("details.chart-table table")
    assert table.is_hidden()
    figure.get_by_text("Show as a table").click()
    assert table.is_visible()
    assert table.locator("tbody tr").count() == len(months_between(first, last)) > 1
    screenshot(page, "laptop-insights-leadership")

    # The filter is a plain GET form: a site chosen and submitted lands in the address.
    site_id = page.locator("#filter-site option", has_text=HOME_SITE).get_attribute("value")
    page.get_by_label("Site", exact=True).select_option(label=HOME_SITE)
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]site="))
    assert parse_qs(urlsplit(page.url).query)["site"] == [site_id]
    _trend_is_drawn(page)
    assert page.locator("#filter-site").input_value() == site_id
    hipo = page.locator("section[aria-labelledby=hipo-h] .item-list .meta")
    assert all(text.startswith(HOME_SITE) for text in hipo.all_inner_texts())

    phone = narrow.new_page()
    _sign_in(phone, SAFETY)
    phone.goto("/insights")
    _trend_is_drawn(phone)
    screenshot(phone, "phone-insights-leadership")


def test_the_keyboard_walks_the_insights_links_to_the_first_theme(demo_company, laptop):
    page = laptop.new_page()
    _sign_in(page, SAFETY)
    page.goto("/insights")
    first_theme = page.locator("section[aria-labelledby=themes-h] tbody th a").first
    theme_title = first_theme.inner_text()
    page.locator("body").focus()

    focused: list[str] = []
    for _ in range(120):
        page.keyboard.press("Tab")
        active = page.evaluate(
            """() => {
                const el = document.activeElement;
                return {text: el.innerText.trim(), tag: el.tagName,
                        outline: getComputedStyle(el).outlineStyle,
                        visible: el.matches(':focus-visible')};
            }"""
        )
        if active["tag"] == "A":
            assert active["visible"] and active["outline"] != "none", active
        focused.append(active["text"])
        if active["text"] == theme_title:
            break
    else:
        pytest.fail(f"120 tabs never reached the first theme; saw {focused}")
    found = [focused.index(name) for name in [*INSIGHTS_LINKS, theme_title]]
    assert found == sorted(found), focused


def test_the_supervisor_sees_the_week_of_their_own_site_only(demo_company, laptop, narrow):
    page = laptop.new_page()
    _sign_in(page, SAFETY)
    _sign_out(page)
    _sign_in(page, SUPERVISOR)
    page.goto("/insights/supervisor")
    page.get_by_role("heading", name="My sites this week", level=1).wait_for()
    for name in SUPERVISOR_SECTIONS:
        assert page.get_by_role("heading", name=re.compile("^" + re.escape(name))).is_visible()
    text = page.locator("body").inner_text()
    assert HOME_SITE in text
    assert OTHER_SITE not in text
    assert fits_the_screen(page)
    screenshot(page, "laptop-insights-supervisor")

    phone = narrow.new_page()
    _sign_in(phone, SUPERVISOR)
    phone.goto("/insights/supervisor")
    phone.get_by_role("heading", name="My sites this week", level=1).wait_for()
    assert fits_the_screen(phone)
    screenshot(phone, "phone-insights-supervisor")


def test_the_monthly_review_prints_without_the_menus_and_saves_as_pdf(
    demo_company, laptop, narrow, tmp_path
):
    this_month = month_of(utcnow())
    page = laptop.new_page()
    _sign_in(page, SAFETY)
    phone = narrow.new_page()
    _sign_in(phone, SAFETY)
    for month in (this_month, add_months(this_month, -1)):
        page.emulate_media(media="screen")
        page.goto(f"/insights/review?month={month}")
        assert page.get_by_role(
            "heading", name=re.compile("^Monthly review — "), level=1
        ).is_visible()
        assert page.locator("#review-month").input_value() == month
        for name in REVIEW_SECTIONS:
            assert page.get_by_role("heading", name=name, level=2).is_visible()
        assert fits_the_screen(page)
        screenshot(page, f"laptop-insights-review-{month}")

        # On paper: no menu, no navigation, no filter form; the figures stay.
        page.emulate_media(media="print")
        assert page.locator("header.staff-bar").is_hidden()
        assert page.locator("nav.insights-nav").is_hidden()
        assert page.locator("form.review-filters").is_hidden()
        assert page.locator("#figure-reports").is_visible()
        pdf = tmp_path / f"review-{month}.pdf"
        page.pdf(path=str(pdf), format="A4")
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF")
        assert len(data) > 10_000
        assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 1

        phone.goto(f"/insights/review?month={month}")
        screenshot(phone, f"phone-insights-review-{month}")


SUMMARY_QUESTIONS = [name for name in REVIEW_SECTIONS if not name.startswith("1.")]
PAPERS = ("A4", "Letter")  # the review prints on either
PAGES = rb"/Type\s*/Page\b"


def test_the_monthly_review_opens_with_a_one_page_summary_of_the_six_questions(
    demo_company, laptop, tmp_path
):
    page = laptop.new_page()
    _sign_in(page, SAFETY)
    page.goto("/insights/review")
    summary = page.locator("section.review-summary")
    questions = summary.locator("section.question")
    assert [q.locator("h3").inner_text() for q in questions.all()] == SUMMARY_QUESTIONS
    for question in questions.all():  # each answered in a line, with its chart
        assert question.locator("p.answer").inner_text().strip()
        assert _drawn(question.locator("figure.chart svg[role=img]"))
    order = page.evaluate(
        "() => [...document.querySelectorAll('section.review-summary, section.review-section')]"
        ".map((s) => s.className)"
    )
    assert order[0] == "review-summary" and len(order) == 8, "the summary comes first"
    labels = summary.locator("#summary-themes text.bar-label").all_text_contents()
    assert len(set(labels)) == len(labels) > 1, labels
    screenshot(page, "laptop-insights-review-summary")

    # On paper, the summary is the first page and the detail starts on the next: alone,
    # it prints on exactly one page of A4 and of Letter.
    page.emulate_media(media="print")
    assert summary.evaluate("s => getComputedStyle(s).breakAfter") == "page"
    page.evaluate(
        "() => document.querySelectorAll('section.review-section').forEach((s) => s.remove())"
    )
    for paper in PAPERS:
        pdf = tmp_path / f"summary-{paper}.pdf"
        page.pdf(path=str(pdf), format=paper)
        assert len(re.findall(PAGES, pdf.read_bytes())) == 1, paper


def test_every_chart_of_the_indicators_page_is_drawn(demo_company, laptop):
    page = laptop.new_page()
    _sign_in(page, SAFETY)
    page.goto("/insights/indicators")
    page.get_by_role("heading", name="All indicators", level=1).wait_for()
    figures = page.locator("figure.chart")
    assert figures.count() >= 9
    for index in range(figures.count()):
        figure = figures.nth(index)
        assert _drawn(figure.locator("svg[role=img]")), figure.get_attribute("id")
        labels = figure.locator("text.bar-label").all_text_contents()
        assert len(set(labels)) == len(labels), labels  # no two bars read alike
    assert fits_the_screen(page)
    screenshot(page, "laptop-insights-indicators")


def test_a_theme_opens_from_insights_with_its_toolbox_talk_in_spanish(demo_company, laptop, narrow):
    page = laptop.new_page()
    _sign_in(page, SAFETY)
    page.goto("/insights")
    link = page.locator("section[aria-labelledby=themes-h] tbody th a").first
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/insights/themes\?"))
    assert page.get_by_role("heading", name=title, level=1).is_visible()
    assert page.get_by_role("heading", name="Toolbox talk for the crew").is_visible()
    assert fits_the_screen(page)
    screenshot(page, "laptop-insights-theme")

    page.locator("section[aria-labelledby=talk-h]").get_by_role("link", name="Español").click()
    page.wait_for_url(re.compile(r"/insights/themes/talk\?.*lang=es"))
    assert page.locator("html").get_attribute("lang") == "es"
    sheet = page.locator("article.talk-sheet")
    assert sheet.get_by_role("heading", name="Lo que sigue pasando").is_visible()
    assert sheet.locator(".talk-kicker").text_content() == "Charla de seguridad"
    assert fits_the_screen(page)
    screenshot(page, "laptop-insights-talk-es")

    phone = narrow.new_page()
    _sign_in(phone, SAFETY)
    phone.goto(page.url.removeprefix(narrow.base_url))
    assert phone.locator("html").get_attribute("lang") == "es"
    screenshot(phone, "phone-insights-talk-es")


@pytest.mark.parametrize("page_kind", ["review", "talk"])
def test_the_review_and_the_spanish_talk_fit_a_phone(demo_company, narrow, page_kind):
    phone = narrow.new_page()
    _sign_in(phone, SAFETY)
    if page_kind == "review":
        phone.goto(f"/insights/review?month={month_of(utcnow())}")
    else:
        phone.goto("/insights")
        href = phone.locator("section[aria-labelledby=themes-h] a[hreflang=es]").first
        phone.goto(href.get_attribute("href"))
    assert fits_the_screen(phone), f"the {page_kind} page scrolls sideways on a phone"
