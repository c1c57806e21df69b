"""The public feed in a real browser: a phone shows the demo's published fixes readably,
with no sideways scrolling, no cookie and nothing of the reporters."""

from __future__ import annotations

import pytest

from portal import demo
from portal.database import begin_write
from portal.extensions import db
from tests.browser.helpers import fits_the_screen, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_company(app) -> None:
    with app.app_context():
        begin_write()
        demo.seed(report_count=60, seed=7)
        db.session.commit()
        db.session.remove()


def test_the_feed_reads_well_on_a_phone_in_both_languages(demo_company, phone, phone_es):
    page = phone.new_page()
    page.goto("/feed")
    items = page.locator("main article")
    assert items.count() >= 3
    assert fits_the_screen(page)
    assert phone.context.cookies() == []
    screenshot(page, "phone-feed")
    spanish = phone_es.new_page()
    spanish.goto("/feed")
    assert spanish.locator("html").get_attribute("lang") == "es"
    assert fits_the_screen(spanish)
    screenshot(spanish, "phone-feed-es")
