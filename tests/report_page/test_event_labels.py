"""Every kind of event the life cycle writes on a report's timeline has a real label."""

from __future__ import annotations

import re
from pathlib import Path

from portal.report_page.timeline import LABELS

DOMAIN = Path(__file__).resolve().parents[2] / "portal" / "domain"
# loop.record(report, actor, "kind", ...) and ReportEvent(kind="kind", ...); people.record(...)
# writes the audit trail of accounts instead
WRITTEN = re.compile(
    r"(?<!people\.)record\(\s*[\w.]+,\s*[\w.]+,\s*\"([a-z_]+)\"|kind=\"([a-z_]+)\""
)
CHOSEN = re.compile(r"kind = \"([a-z_]+)\" if .+ else \"([a-z_]+)\"")


def test_every_event_kind_written_on_a_timeline_has_a_label():
    written: set[str] = set()
    for source in DOMAIN.rglob("*.py"):
        text = source.read_text()
        if source.name == "people.py":
            continue  # the audit trail of accounts, not a report's timeline
        for match in [*WRITTEN.finditer(text), *CHOSEN.finditer(text)]:
            written.update(kind for kind in match.groups() if kind)
    assert {"published", "photo_public", "acknowledged", "submitted"} <= written
    assert sorted(written - set(LABELS)) == []
