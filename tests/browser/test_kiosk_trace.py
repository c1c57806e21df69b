"""The shared tablet leaves no trace between people: after report A, neither Back, reload, a new
report, Done nor the receipt's own timeout shows anything of A — in the page, its fields, the
history entry, web storage, the Cache API or the HTTP cache."""

from __future__ import annotations

import pytest

from tests.browser.kiosk import leaks, move, report_a

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser


def test_back_reload_and_a_new_report_show_nothing_of_the_last_report(kiosk, world):
    page = kiosk.new_page()
    url = f"{kiosk.base_url}/kiosk/{world.location_a}"
    receipt = report_a(page, url)
    assert leaks(page, url, receipt) == {"html": [receipt]}  # only the receipt shows it

    assert move(page, "back", url, receipt) == {}, "after Back"
    assert move(page, "forward", url, receipt) == {}, "after Forward to the receipt"
    assert move(page, "back", url, receipt) == {}, "after Back again"

    response = page.reload()
    assert response is not None and "no-store" in response.all_headers()["cache-control"]
    assert leaks(page, url, receipt) == {}, "after reload"

    page.goto(url)
    expect(page.get_by_label("What happened?", exact=True)).to_have_value("")
    expect(page.get_by_label("Where?", exact=True)).to_have_value("Dock 1")
    assert leaks(page, url, receipt) == {}, "on a new report"


def test_done_on_the_receipt_leaves_a_blank_form(kiosk, world):
    page = kiosk.new_page()
    url = f"{kiosk.base_url}/kiosk/{world.location_a}"
    receipt = report_a(page, url)
    page.get_by_role("link", name="Done").click()
    expect(page.get_by_role("heading", name="Report a close call")).to_be_visible()
    assert leaks(page, url, receipt) == {}, "after Done"
    assert move(page, "back", url, receipt) == {}, "after Back from Done"


@pytest.fixture
def quick_receipt(app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> int:
    """The kiosk receipt clears itself after 2 seconds instead of 60 (set before the app exists)."""
    monkeypatch.setenv("PORTAL_KIOSK_RECEIPT_SECONDS", "2")
    return 2


def test_the_receipt_clears_itself_after_its_seconds(quick_receipt, kiosk, world):
    page = kiosk.new_page()
    url = f"{kiosk.base_url}/kiosk/{world.location_a}"
    receipt = report_a(page, url)
    expect(page.get_by_text(f"clears itself in {quick_receipt} seconds")).to_be_visible()
    expect(page.get_by_test_id("receipt-code")).to_have_count(0, timeout=(quick_receipt + 5) * 1000)
    expect(page.get_by_label("What happened?", exact=True)).to_have_value("")
    assert leaks(page, url, receipt) == {}, "after the receipt cleared itself"
    assert move(page, "back", url, receipt) == {}, "after Back from the cleared receipt"
