"""Company sign-in in a real browser against a real OpenID Connect provider on 127.0.0.1: the
sign-in page's button goes to the provider, its sign-in comes back to the portal signed in;
sign-out ends the portal session; an address without an account and one outside the allowed
domains get a calm page and stay signed out."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import DESKTOP, open_context, screenshot
from tests.browser.test_people_journey import serious
from tests.oidc_provider import Provider, running_provider

pytestmark = pytest.mark.browser
SUB = "employee-0042"
# the provider's own page loads a stylesheet from a CDN (blocked here: no network)
CDN = "https://cdn.jsdelivr.net/"


@pytest.fixture
def provider() -> Iterator[Provider]:
    claims = {"email": "sup.a@test.example", "email_verified": True, "name": "Sup A"}
    with running_provider([(SUB, claims)]) as running:
        yield running


@pytest.fixture
def app_env(app_env, provider, monkeypatch):
    extra = provider.env(PORTAL_OIDC_PROVIDER_NAME="Acme")
    for key, value in extra.items():
        monkeypatch.setenv(key, value)
    return {**app_env, **extra}


@pytest.fixture
def browser_page(app, browser, live_server, provider):
    """A desktop browser on the portal; the provider's pages are another origin, on purpose:
    their requests and their stylesheet's failure are not the portal's problems."""
    app.config["BASE_URL"] = live_server.url  # the callback the provider sends back to
    for browsing in open_context(browser, live_server, viewport=DESKTOP, locale="en-US"):
        browsing.context.route(CDN + "**", lambda route: route.abort())
        yield browsing.new_page()
        problems = browsing.problems
        problems.foreign_requests[:] = [
            line
            for line in problems.foreign_requests
            if provider.url not in line and CDN not in line
        ]
        problems.console[:] = [
            line for line in problems.console if provider.url not in line and CDN not in line
        ]


def _company_sign_in(page, provider: Provider, sub: str | None = None, typed: str = "") -> None:
    page.goto("/login")
    page.get_by_role("link", name="Sign in with Acme").click()
    page.wait_for_url(provider.url + "/oauth2/authorize?**")
    if sub is not None:
        page.get_by_role("button", name=sub).click()
    else:
        page.locator("input[name=sub]").fill(typed)
        page.get_by_role("button", name="Authorize").click()


def test_company_sign_in_then_sign_out(browser_page, live_server, provider, world):
    page = browser_page
    _company_sign_in(page, provider, sub=SUB)
    page.wait_for_url(live_server.url + "/staff/")
    assert page.get_by_role("link", name="sup.a — your profile").is_visible()
    assert "/oauth2/token" in provider.seen
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    page.get_by_text("You are signed out.").wait_for()
    page.goto("/triage")
    assert urlsplit(page.url).path == "/login"


def test_unknown_and_foreign_addresses_are_refused_calmly(browser_page, provider, world):
    page = browser_page
    _company_sign_in(page, provider, typed="nobody@test.example")
    page.get_by_role("heading", name="Company sign-in did not work").wait_for()
    assert "There is no Closecall account for nobody@test.example yet." in page.content()
    assert serious(page) == []
    screenshot(page, "company-sign-in-unknown")
    page.goto("/staff/")
    assert urlsplit(page.url).path == "/login"

    _company_sign_in(page, provider, typed="guest@elsewhere.example")
    page.get_by_text("Company sign-in is for addresses at test.example").wait_for()
    page.get_by_role("link", name="Back to sign-in").click()
    page.wait_for_url("**/login")
