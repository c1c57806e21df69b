"""Security headers on every kind of response, and no cookie from any public page."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, csrf_token, form_token, report_answers
from tests.security.routes import build_samples, get_rules, url_of

# the same markup and headers on either database: the SQLite pass checks them
pytestmark = pytest.mark.markup

# Flask-WTF checks, on HTTPS only (WTF_CSRF_SSL_STRICT), that a post's Referer names this
# site: a post with no Referer is refused. So the policy must send the Referer to our own
# origin. "same-origin" sends it in full to us and nothing to other sites; the two
# "strict-origin" policies send at least our origin to us, which is all the check compares.
# "no-referrer" (or "origin" over plain HTTP) would break every staff form over HTTPS.
REFERRER_POLICIES = {"same-origin", "strict-origin", "strict-origin-when-cross-origin"}


def _directives(csp: str) -> dict[str, list[str]]:
    """The policy's directives by name, e.g. {"script-src": ["'self'"]}."""
    found: dict[str, list[str]] = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            found.setdefault(words[0].lower(), words[1:])
    return found


def header_problems(response) -> list[str]:
    """What is missing or weak in the response's security headers (empty: all good)."""
    problems = []
    csp = response.headers.get("Content-Security-Policy")
    if not csp:
        return ["no Content-Security-Policy"]
    directives = _directives(csp)
    default = directives.get("default-src")
    for name in ("script-src", "style-src"):
        sources = directives.get(name, default)
        if sources is None:
            problems.append(f"no {name} (nor default-src)")
        elif "'unsafe-inline'" in sources or "'unsafe-eval'" in sources or "*" in sources:
            problems.append(f"{name} {' '.join(sources)}")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors {directives.get('frame-ancestors')}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if response.headers.get("Referrer-Policy") not in REFERRER_POLICIES:
        problems.append(f"Referrer-Policy {response.headers.get('Referrer-Policy')}")
    return problems


def _assert_headers(response) -> None:
    assert header_problems(response) == []
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp
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
    from portal.report_form import views

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


def _walk_every_get_route(app, client, samples) -> list[str]:
    wrong = []
    for rule in get_rules(app):
        url = url_of(rule, samples)
        response = client.get(url)
        if response.status_code >= 500:
            wrong.append(f"GET {url}: {response.status_code}")
        wrong.extend(f"GET {url} ({response.status_code}): {p}" for p in header_problems(response))
        response.close()  # a static file's answer holds the file open
    return wrong


def test_headers_on_every_get_route_for_a_signed_in_admin(app, client, login, world):
    samples = build_samples(app, world)
    assert login.as_(world.admin).status_code == 303
    wrong = _walk_every_get_route(app, client, samples)
    assert not wrong, "\n".join(wrong)


def test_headers_on_every_get_route_for_an_anonymous_visitor(app, client, world):
    samples = build_samples(app, world)
    wrong = _walk_every_get_route(app, client, samples)
    assert not wrong, "\n".join(wrong)


def test_headers_on_404_405_and_the_csrf_400(client, world, login):
    assert client.get("/no-such-page").status_code == 404
    _assert_headers(client.get("/no-such-page"))
    wrong_method = client.get("/logout")
    assert wrong_method.status_code == 405
    _assert_headers(wrong_method)
    login.as_(world.admin)
    refused = client.post("/logout")
    assert refused.status_code == 400
    _assert_headers(refused)
    fragment = client.get("/triage", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    _assert_headers(fragment)


def test_headers_on_the_htmx_sign_in_answer(app, world):
    response = app.test_client().get("/triage", headers={"HX-Request": "true"})
    assert response.status_code == 401 and "HX-Redirect" in response.headers
    _assert_headers(response)


def test_the_weak_policies_are_caught():
    """The checker itself: each weakness it exists for is reported."""

    class Fake:
        def __init__(self, csp: str, policy: str = "same-origin") -> None:
            self.headers = {
                "Content-Security-Policy": csp,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": policy,
            }

    good = "default-src 'self'; frame-ancestors 'none'"
    assert header_problems(Fake(good)) == []
    assert header_problems(Fake("default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                "frame-ancestors 'none'"))  # fmt: skip
    assert header_problems(Fake("script-src 'self'; frame-ancestors 'none'"))  # no style-src
    assert header_problems(Fake("default-src 'self'"))  # framing allowed
    assert header_problems(Fake(good, "no-referrer"))


@pytest.mark.parametrize(
    ("referer", "expected"),
    [("https://closecall.test/staff/", 303), (None, 400), ("https://evil.example/", 400)],
)
def test_over_https_the_referer_the_policy_sends_keeps_csrf_working(
    client, world, login, referer, expected
):
    """same-origin sends our own Referer with a post from our page; without it (what
    no-referrer would do), Flask-WTF refuses the post over HTTPS."""
    https = {"base_url": "https://closecall.test"}
    page = client.get("/login", **https)
    token = csrf_token(page.get_data(as_text=True))
    form = {"email": world.admin.email, "password": PASSWORD, "csrf_token": token}
    headers = {"Referer": referer} if referer else {}
    response = client.post("/login", data=form, headers=headers, **https)
    assert response.status_code == expected
