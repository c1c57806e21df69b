"""Security headers on every kind of response, and no cookie from any public page."""

from __future__ import annotations

import pytest

from tests.factories import form_token, report_answers


def _assert_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "path", ["/", "/followup", "/login", "/healthz", "/no-such-page", "/r/NOPE"]
)
def test_headers_on_pages_and_errors(client, world, path):
    _assert_headers(client.get(path))


def test_headers_on_413_and_429(app, client, world):
    app.config["MAX_CONTENT_LENGTH"] = 10
    _assert_headers(client.post(f"/r/{world.location_a}", data={"what_happened": "x" * 100}))
    app.config["MAX_CONTENT_LENGTH"] = None
    app.config["FOLLOWUP_RATE_LIMIT"] = "1 per minute"
    client.post("/followup", data={"code": "AAAA"})
    response = client.post("/followup", data={"code": "AAAA"})
    assert response.status_code == 429
    _assert_headers(response)


def test_a_server_error_gets_a_friendly_page_with_headers(app, client, world, monkeypatch):
    from portal.report import views

    app.config["PROPAGATE_EXCEPTIONS"] = False

    def explode(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "active_place", explode)
    response = client.get(f"/r/{world.location_a}")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    assert "boom" not in response.get_data(as_text=True)
    _assert_headers(response)


@pytest.mark.parametrize(
    "path",
    ["/", "/followup", "/followup?code=AAAA-BBBB-CCCC-DDDD", "/r/{a}", "/kiosk/{a}", "/r/NOPE"],
)
def test_public_pages_never_set_a_cookie(client, world, path):
    response = client.get(path.format(a=world.location_a))
    assert "Set-Cookie" not in response.headers


def test_public_pages_set_no_cookie_even_for_a_signed_in_browser(client, world, login):
    login.as_(world.admin)
    response = client.get(f"/r/{world.location_a}")
    assert "Set-Cookie" not in response.headers
    token = form_token(response.get_data(as_text=True))
    posted = client.post(f"/r/{world.location_a}", data=report_answers(token))
    assert "Set-Cookie" not in posted.headers


def test_staff_form_posts_need_the_csrf_token(client, world, login):
    login.as_(world.admin)
    assert client.post("/logout").status_code == 400
