"""Redirects: no `next=` value, however encoded, sends anyone off the site.

tests/auth/test_login.py and the triage/closeout tests check a handful of targets each; this is
the long list, on every route that follows `next`: sign-in (as a browser does it: open the page
with `?next=`, post the form back to that address), the triage and closeout actions.
"""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

import pytest

from portal.web.redirects import safe_next
from tests.factories import PASSWORD, add_action, csrf_token, fetch_action, new_report, post

TRICKY = [
    "//evil.example",
    "//evil.example/staff/",
    "///evil.example",
    "////evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "//%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "https://evil.example/",
    "https:evil.example",
    "https:/evil.example",
    "http:\\\\evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\x00/evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%00/evil.example",
    "\x00//evil.example",
    "evil.example",
    "@evil.example",
    "/@evil.example/..//",
    "/.//evil.example",
]


def _is_local(location: str) -> bool:
    """A path on this site: one leading slash and no second slash or backslash after it, no
    control characters a browser would strip into something else, and resolved against the
    site's address it stays on the site's host."""
    resolved = urlsplit(urljoin("https://closecall.test/login", location))
    return (
        location.startswith("/")
        and not location.startswith(("//", "/\\"))
        and not any(ord(ch) < 32 or ord(ch) == 127 for ch in location)
        and not urlsplit(location).netloc
        and (resolved.scheme, resolved.netloc) == ("https", "closecall.test")
    )


@pytest.mark.parametrize("target", TRICKY)
def test_safe_next_gives_the_fallback_or_a_local_path(target):
    assert _is_local(safe_next(target, "/staff/"))


@pytest.mark.parametrize("target", TRICKY)
def test_sign_in_with_a_tricky_next_stays_on_the_site(client, world, target):
    url = f"/login?next={quote(target, safe='')}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="//' not in html and 'action="//' not in html
    # the sign-in form has no action: the browser posts it back to the address it came from
    data = {"email": world.admin.email, "password": PASSWORD, "csrf_token": csrf_token(html)}
    response = client.post(url, data=data)
    assert response.status_code == 303
    assert _is_local(response.headers["Location"]), response.headers["Location"]


def test_a_signed_out_visit_then_sign_in_stays_on_the_site(app, world):
    """The sign-in redirect of a protected page carries its own path as `next`, never a host."""
    # one account signs in once per tricky value: more than the burst cap allows in 15 minutes
    app.config["LOGIN_BURST_LIMIT"] = "1000 per minute"
    wrong = []
    for target in TRICKY:
        client = app.test_client()
        first = client.get(f"/triage?q={quote(target, safe='')}")
        login_url = first.headers["Location"]
        html = client.get(login_url).get_data(as_text=True)
        data = {"email": world.admin.email, "password": PASSWORD, "csrf_token": csrf_token(html)}
        response = client.post(login_url, data=data)
        if response.status_code != 303 or not _is_local(response.headers["Location"]):
            wrong.append(f"{target!r}: {response.status_code} {response.headers.get('Location')}")
    assert not wrong, "\n".join(wrong)


@pytest.fixture
def as_admin(login, world):
    assert login.as_(world.admin).status_code == 303
    return login.client


# The actions read `next` from the form or the query string (request.values): both are tried.
# One test per route walks the whole list: a report or action per target, one sign-in.


def test_a_triage_action_with_a_tricky_next_stays_on_the_site(app, as_admin, world):
    wrong = []
    for target in TRICKY:
        for where in ("form", "query"):
            rid = new_report(app, world.location_a)
            url = f"/triage/reports/{rid}/acknowledge"
            data = {"version": 1, "next": target} if where == "form" else {"version": 1}
            if where == "query":
                url += f"?next={quote(target, safe='')}"
            response = post(as_admin, url, data)
            location = response.headers.get("Location", "")
            if response.status_code != 303 or not _is_local(location):
                wrong.append(f"{target!r} in the {where}: {response.status_code} {location!r}")
    assert not wrong, "\n".join(wrong)


def test_a_closeout_action_with_a_tricky_next_stays_on_the_site(app, as_admin, world):
    rid = new_report(app, world.location_a)
    wrong = []
    for target in TRICKY:
        for where in ("form", "query"):
            aid = add_action(app, rid, world.admin, world.supervisor_a)
            url = f"/closeout/actions/{aid}/complete"
            data = {"version": fetch_action(app, aid).version, "note": "Guard fitted"}
            if where == "form":
                data["next"] = target
            else:
                url += f"?next={quote(target, safe='')}"
            response = post(as_admin, url, data)
            location = response.headers.get("Location", "")
            if response.status_code != 303 or not _is_local(location):
                wrong.append(f"{target!r} in the {where}: {response.status_code} {location!r}")
    assert not wrong, "\n".join(wrong)


def test_a_local_next_is_still_followed(client, world):
    """The control: the checks above refuse the tricky targets, not every target."""
    url = "/login?next=" + quote("/closeout?mine=1", safe="")
    html = client.get(url).get_data(as_text=True)
    data = {"email": world.admin.email, "password": PASSWORD, "csrf_token": csrf_token(html)}
    response = client.post(url, data=data)
    assert response.headers["Location"] == "/closeout?mine=1"
