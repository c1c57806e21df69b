"""GET /feed/photos/<action_id>: an "after" photo only when staff marked it public and the fix
is published; every other photo (raw report photos included) answers 404."""

from __future__ import annotations

from tests.factories import JPEG, photo_public, publish, unpublish


def test_a_marked_photo_of_a_published_fix_is_served_without_a_cookie(app, client, world, closed):
    publish(app, world, closed)
    photo_public(app, world, closed)
    with client.get(f"/feed/photos/{closed.action_id}") as response:
        assert response.status_code == 200 and response.data == JPEG
        assert response.mimetype == "image/jpeg"
        assert "Set-Cookie" not in response.headers


def test_a_photo_not_marked_public_is_404(app, client, world, closed):
    publish(app, world, closed)
    assert client.get(f"/feed/photos/{closed.action_id}").status_code == 404


def test_a_marked_photo_of_an_unpublished_fix_is_404(app, client, world, closed):
    photo_public(app, world, closed)
    assert client.get(f"/feed/photos/{closed.action_id}").status_code == 404
    publish(app, world, closed)
    unpublish(app, world, closed)
    assert client.get(f"/feed/photos/{closed.action_id}").status_code == 404


def test_a_photo_hidden_again_is_404(app, client, world, closed):
    publish(app, world, closed)
    photo_public(app, world, closed)
    photo_public(app, world, closed, public=False)
    assert client.get(f"/feed/photos/{closed.action_id}").status_code == 404


def test_a_missing_action_is_404(client, world):
    assert client.get("/feed/photos/999999").status_code == 404


def test_the_feed_shows_the_photo_only_once_marked(app, client, world, closed):
    publish(app, world, closed)
    url = f"/feed/photos/{closed.action_id}"
    assert url not in client.get("/feed").get_data(as_text=True)
    photo_public(app, world, closed)
    assert url in client.get("/feed").get_data(as_text=True)
