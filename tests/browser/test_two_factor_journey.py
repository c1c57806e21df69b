"""Two-step sign-in in a real browser: a supervisor sets it up from their profile (the QR code
drawn inline, the key to type), keeps the recovery codes, signs out, and signs in again with
the password and then a code from the app."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pyotp
import pytest

from tests.browser.helpers import screenshot
from tests.browser.test_people_journey import serious
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_set_up_sign_out_and_sign_in_with_a_code(desktop, world):
    page = desktop.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(world.supervisor_a.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")

    page.get_by_role("link", name="your profile").click()
    page.get_by_role("link", name="Set up two-step sign-in").click()
    page.wait_for_url("**/account/two-factor")
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    assert qr.locator("svg").count() == 1
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 150
    assert serious(page) == []
    screenshot(page, "two-factor-setup")
    # the app is given the key by hand, as someone who cannot scan would
    app = pyotp.TOTP(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("The 6-digit code the app shows").fill(
        "000000" if app.now() != "000000" else "111111"
    )
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.get_by_text("That code is not right.").wait_for()
    # nothing lost: the same key is shown, and the right code turns it on
    assert (
        pyotp.TOTP(page.locator("#totp-secret").inner_text().replace(" ", "")).secret == app.secret
    )
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("The 6-digit code the app shows").fill(app.now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    codes = page.get_by_role("list", name="Recovery codes").locator("li")
    assert codes.count() == 10
    assert serious(page) == []
    screenshot(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="I have saved them").click()
    page.get_by_text("10 recovery codes left.").wait_for()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    page.get_by_label("Email").fill(world.supervisor_a.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/login/code")
    assert serious(page) == []
    screenshot(page, "two-factor-code")
    # halfway, nothing opens: a staff page sends back to sign in
    page.goto("/triage")
    assert urlsplit(page.url).path == "/login"
    page.goto("/login/code")
    # the code that turned it on worked once; the app's next one signs in
    page.get_by_label("Code").fill(app.at(time.time() + 30))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")
    assert page.get_by_role("button", name="Sign out").is_visible()
