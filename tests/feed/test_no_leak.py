"""No public page or feed ever carries who reported or what they wrote: a named reporter with a
role, raw words, a photo and a receipt, published, and every public surface searched."""

from __future__ import annotations

import pytest

from tests.factories import NAME, PUBLIC_WHAT, RAW, ROLE, ROLE_LABEL, make_closed, photo_public
from tests.factories import publish as publish_fix

PUBLIC = ("/feed", "/feed/alpha", "/feed.atom", "/feed/alpha.atom", "/feed?lang=es")


@pytest.fixture
def published(app, world):
    closed = make_closed(app, world, "a")
    publish_fix(app, world, closed)
    photo_public(app, world, closed)
    return closed


@pytest.mark.parametrize("url", PUBLIC)
def test_no_reporter_identity_or_raw_text_reaches_a_public_page(client, published, url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert PUBLIC_WHAT in body  # the page does show the fix
    secrets = [NAME, *NAME.split(), RAW, RAW[:30], "Dave Brennan", ROLE_LABEL, published.code]
    secrets += [*published.raw_photos, published.after_photo]
    for secret in secrets:
        assert secret not in body, secret
    assert f">{ROLE}<" not in body and ROLE.capitalize() not in body
    assert "Set-Cookie" not in response.headers


def test_the_public_photo_address_names_the_action_not_the_stored_file(client, published):
    body = client.get("/feed").get_data(as_text=True)
    assert f"/feed/photos/{published.action_id}" in body
    assert "/staff/photos/" not in body and "/closeout/" not in body
