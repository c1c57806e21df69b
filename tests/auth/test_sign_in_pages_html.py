"""The sign-in pages that the url_map walk of tests/test_valid_html.py cannot reach with a plain
GET are valid HTML too: the second step (reached halfway through signing in), the recovery
codes (the answer to a post), the profile with two-step sign-in on, and the calm page of a
refused company sign-in."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pyotp
import pytest

from tests.factories import PASSWORD, LoginActions, csrf_token, post, text, turn_on_two_factor
from tests.test_valid_html import HTMX_ATTRIBUTE, JAR


def _save(tmp_path: Path, name: str, html: str) -> Path:
    path = tmp_path / f"{name}.html"
    path.write_text(html)
    return path


@pytest.mark.skipif(shutil.which("java") is None, reason="the Nu HTML checker needs Java")
def test_the_sign_in_pages_are_valid_html(app, world, tmp_path):
    pages = []
    two = turn_on_two_factor(app, world.supervisor_a)
    client = app.test_client()
    token = csrf_token(text(client.get("/login")))
    data = {"email": world.supervisor_a.email, "password": PASSWORD, "csrf_token": token}
    client.post("/login", data=data)
    pages.append(_save(tmp_path, "second-step", text(client.get("/login/code"))))
    pages.append(
        _save(tmp_path, "second-step-recovery", text(client.get("/login/code?recovery=1")))
    )
    wrong = client.post("/login/code", data={"code": "12", "csrf_token": token})
    pages.append(_save(tmp_path, "second-step-wrong", text(wrong)))
    client.post("/login/code", data={"code": two.code(), "csrf_token": token})
    pages.append(_save(tmp_path, "profile-two-step-on", text(client.get("/account/profile"))))
    codes = post(client, "/account/two-factor/recovery-codes", {"codes_password": PASSWORD})
    pages.append(_save(tmp_path, "recovery-codes", text(codes)))

    other = app.test_client()
    assert LoginActions(other).as_(world.supervisor_b).status_code == 303
    setup = text(other.get("/account/two-factor"))
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', setup).group(1).replace(" ", "")
    refused = post(other, "/account/two-factor", {"password": PASSWORD, "code": "0"})
    pages.append(_save(tmp_path, "setup-wrong-code", text(refused)))
    done = post(
        other, "/account/two-factor", {"password": PASSWORD, "code": pyotp.TOTP(secret).now()}
    )
    assert done.status_code == 200
    with app.test_request_context():
        from flask import render_template

        pages.append(
            _save(
                tmp_path,
                "company-refused",
                render_template("auth/company_refused.html", message=None),
            )
        )

    run = subprocess.run(
        ["java", "-jar", str(JAR), "--errors-only", "--format", "json", "--exit-zero-always"]
        + [str(page) for page in pages],
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']} — {m.get('extract', '')!r}"
        for m in messages
        if m.get("type") == "error" and not HTMX_ATTRIBUTE.match(m["message"])
    ]
    assert errors == [], "\n".join(errors)
