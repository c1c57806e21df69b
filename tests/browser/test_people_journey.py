"""An admin invites a supervisor in a real browser; the supervisor opens the link, chooses a
password and lands on the triage board signed in; deactivated, they are signed out at once."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage
from tests.browser.helpers import DESKTOP, open_context
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
FAILING = ("serious", "critical")


def serious(page) -> list[str]:
    """axe-core's serious and critical violations on the page (none where it is missing)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        return []
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in FAILING
    ]


@pytest.fixture
def second_desktop(browser, live_server):
    """Another person's computer: its own cookies."""
    yield from open_context(browser, live_server, viewport=DESKTOP, locale="en-US")


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")


def test_an_admin_invites_a_supervisor_who_joins_and_lands_on_the_board(
    app, desktop, second_desktop, world
):
    admin = desktop.new_page()
    _sign_in(admin, world.admin.email)
    admin.get_by_role("link", name="People").click()
    assert serious(admin) == []
    admin.get_by_role("link", name="Invite someone").click()
    assert serious(admin) == []
    admin.get_by_label("Email").fill("nadia.flores@test.example")
    admin.get_by_label("Name").fill("Nadia Flores")
    admin.get_by_label("Supervisor").check()
    admin.get_by_label("Alpha Plant").check()
    admin.get_by_role("button", name="Send the invitation").click()
    link = admin.get_by_label("Invitation link").input_value()
    assert serious(admin) == []
    with app.app_context():
        queued = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "invitation"))
        assert queued.recipient == "nadia.flores@test.example" and link in queued.body

    newcomer = second_desktop.new_page()
    newcomer.goto(urlsplit(link).path)
    assert serious(newcomer) == []
    newcomer.get_by_label("New password").fill("my own long password")
    newcomer.get_by_label("The same password again").fill("my own long password")
    newcomer.get_by_role("button", name="Save and sign in").click()
    newcomer.wait_for_url("**/triage")
    assert "Welcome, Nadia Flores" in newcomer.content()

    # the admin sees them joined, and ends their access: their next page asks to sign in
    admin.goto("/people/?q=nadia")
    admin.get_by_role("link", name="Nadia Flores").click()
    assert serious(admin) == []
    admin.get_by_role("button", name="Deactivate: end their access now").click()
    admin.get_by_text("Nadia Flores can no longer sign in.").wait_for()
    newcomer.goto("/triage")
    assert urlsplit(newcomer.url).path == "/login"
    newcomer.get_by_role("button", name="Sign in").wait_for()
