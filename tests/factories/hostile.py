"""A corpus of XSS, template-injection and CSV-formula payloads, and a builder that stores them
in every free-text field through the real domain functions (loop, corrective, publishing, the
admin helpers): what the worker writes, what staff write, and the names of places and people.

Every script payload calls the global hook `__xss(n)`, so a browser test that defines the hook
sees any execution even where the CSP would not stop it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portal.admin.assets import add_asset
from portal.admin.categories import add_category
from portal.domain import corrective, loop, publishing
from portal.extensions import db
from portal.models import Asset, Category, CorrectiveAction, Location, Report, Site, User
from tests.factories.people import Persona, World
from tests.factories.reports import submit

# One payload a line; each script payload calls __xss with its own number.
PAYLOADS: tuple[str, ...] = (
    "<script>__xss(1)</script>",
    "<img src=x onerror=__xss(2)>",
    '"><svg onload=__xss(3)>',
    '\'><iframe srcdoc="<script>parent.__xss(4)</script>">',
    "javascript:__xss(5)",
    "</textarea><script>__xss(6)</script>",
    "{{7*7}} {{ config }} {% raw %}raw{% endraw %}",
    '<a href="javascript:__xss(8)">x</a>',
    "<details open ontoggle=__xss(9)>",
    "<style>@import '//evil.example/x.css'</style>",
    '<iframe src="data:text/html,<script>parent.__xss(11)</script>"></iframe>',
    '<a href="data:text/html;base64,PHNjcmlwdD5fX3hzcygxMik8L3NjcmlwdD4=">d</a>',
    "<scr\nipt>__xss(13)</scr\nipt>\u2028<script\u2029>__xss(13)</script>",
    "\uff1cscript\uff1e__xss(14)\uff1c/script\uff1e",
    '" onmouseover="__xss(15)" x="',
    "' autofocus onfocus='__xss(16)' x='",
    "` onload=`__xss(17)` x=`",
    "<svg><script>__xss(18)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss(19)>",
    "]]><script>__xss(20)</script><![CDATA[",
    "<input autofocus onfocus=__xss(21)>",
    "<body onload=__xss(22)>",
    "<!--<img src=x onerror=__xss(23)>-->",
    '<meta http-equiv=refresh content="0;url=javascript:__xss(24)">',
    "jav&#x09;ascript:__xss(25)",
)

# Text a spreadsheet would run as a formula: each starts a stored field.
FORMULAS: tuple[str, ...] = ("=1+1", "+1+1", "-1+1", "@SUM(1+1)")

# Shown as text on a page that rendered the report: proves the payloads were not dropped.
VISIBLE = PAYLOADS[0]
TEMPLATE_LITERAL = "{{7*7}}"


def everything(formula: str = FORMULAS[0]) -> str:
    """Every payload, one a line, after a formula: for the unbounded text fields."""
    return "\n".join((formula, *PAYLOADS))


def packed(limit: int, start: int = 0, formula: str = "") -> str:
    """As many payloads as fit in a bounded field, starting from payload `start`."""
    text = formula
    for index in range(len(PAYLOADS)):
        payload = PAYLOADS[(start + index) % len(PAYLOADS)]
        candidate = f"{text} {payload}" if text else payload
        if len(candidate) > limit:
            continue
        text = candidate
    return text


# A work-order link that is a web address, with payloads in its query: stored and linked.
WORK_ORDER_URL = "https://wo.example/?q=\"><script>__xss(26)</script>&x='onmouseover=__xss(27)"
# Links a browser would run: the domain refuses them.
REFUSED_LINKS = ("javascript:__xss(5)", " javascript:__xss(5)", "data:text/html,<b>x</b>")


@dataclass(frozen=True)
class Stored:
    """Where the payloads went: the reports by state, the reporter's codes, the theme's ids."""

    closed: int  # closed and published, every field filled
    in_progress: int  # an open overdue action, a due-date change, a cancelled action
    new: int  # new on the triage board
    dismissed: int
    merged: int
    disputed: int  # fixed, "not really" from the reporter, answered by staff
    codes: dict[int, str]  # report id -> receipt code
    site_slug: str
    location_id: int
    category_id: int
    asset_id: int
    action_ids: tuple[int, ...]


class _Builder:
    def __init__(self, app: Flask, world: World) -> None:
        self.app = app
        self.world = world
        self.codes: dict[int, str] = {}

    def user(self, persona: Persona) -> User:
        return db.session.get(User, persona.id)

    def submit(self, location: Location, n: int, *, named: bool = False) -> Report:
        formula = FORMULAS[n % len(FORMULAS)]
        report, code = submit(
            location,
            everything(formula),
            where=packed(200, n, FORMULAS[(n + 1) % len(FORMULAS)]),
            potential=packed(500, n + 3),
            name=packed(120, n + 5, FORMULAS[2]) if named else None,
        )
        db.session.flush()
        self.codes[report.id] = code
        return report

    def triage(self, report: Report, category: Category, asset_id: int | None = None) -> None:
        safety = self.user(self.world.safety)
        loop.acknowledge(report, safety)
        loop.classify(
            report,
            safety,
            category=category,
            domain="safety",
            severity=2,
            likelihood=3,
            high_potential=True,
            override_reason=everything(),
        )
        asset = db.session.get(Asset, asset_id) if asset_id else None
        loop.assign(report, safety, owner=self.user(self.world.supervisor_a), asset=asset)

    def action(self, report: Report, n: int, *, due_in: int = 14, visible: bool = True):
        new = corrective.NewAction(
            description=everything(FORMULAS[n % len(FORMULAS)]),
            control_level="engineering",
            owner=self.user(self.world.supervisor_a),
            due_on=date.today() + timedelta(days=due_in),
            work_order_ref=packed(60, n),
            work_order_url=WORK_ORDER_URL,
            visible_to_reporter=visible,
        )
        return corrective.add(report, self.user(self.world.safety), new)

    def done_and_verified(self, action: CorrectiveAction) -> None:
        corrective.complete(action, self.user(self.world.supervisor_a), note=everything("+1"))
        corrective.verify(action, self.user(self.world.safety), note=everything("@SUM(1)"))


def _refuse_script_links(build: _Builder, report: Report) -> None:
    """A work-order link must be a web address: javascript: and data: links are refused."""
    for link in REFUSED_LINKS:
        new = corrective.NewAction(
            description="Check the link",
            control_level="engineering",
            owner=build.user(build.world.supervisor_a),
            due_on=date.today(),
            work_order_url=link,
        )
        with pytest.raises(loop.InvalidInput):
            corrective.add(report, build.user(build.world.safety), new)


def _name_everything(world: World) -> tuple[Site, Location, Category, int]:
    """Payloads in the names of the site, its location, an asset, a category and the staff."""
    site = db.session.get(Site, world.site_a)
    site.name = packed(120, 0, FORMULAS[0])
    location = db.session.scalar(select(Location).where(Location.code == world.location_a))
    location.name = packed(120, 2, FORMULAS[1])
    location.description = everything()
    asset = add_asset(location, packed(120, 4, FORMULAS[3]))
    category = add_category(packed(80, 6, FORMULAS[2]))
    for index, persona in enumerate((world.admin, world.safety, world.supervisor_a)):
        db.session.get(User, persona.id).name = packed(120, 8 + 3 * index, FORMULAS[index])
    db.session.flush()
    return site, location, category, asset.id


def store_everywhere(app: Flask, world: World) -> Stored:
    """Put the corpus into every free-text field of site A, through the domain functions."""
    with app.app_context():
        build = _Builder(app, world)
        safety = build.user(world.safety)
        site, location, category, asset_id = _name_everything(world)

        # closed and published: the worker's words, triage, 5 Whys, the conversation,
        # two actions (one re-dated and cancelled), the summary, the public words
        closed = build.submit(location, 0, named=True)
        build.triage(closed, category, asset_id)
        whys = [(PAYLOADS[i], PAYLOADS[i + 5]) for i in range(loop.MAX_WHYS)]
        loop.investigate(
            closed,
            safety,
            whys=whys,
            root_cause="equipment",
            contributing_factors=everything("-2"),
        )
        loop.ask_reporter(closed, safety, everything())
        loop.reporter_answers(closed, everything("@SUM(2)"))
        loop.mark_answers_read(closed, safety)  # an unread answer would keep it from closing
        loop.add_note(closed, safety, everything("+2"))
        kept = build.action(closed, 0)
        dropped = build.action(closed, 1)
        _refuse_script_links(build, closed)
        corrective.change_due_date(
            dropped, safety, due_on=date.today() + timedelta(days=30), reason=everything()
        )
        corrective.cancel(dropped, safety, reason=everything("-3"))
        build.done_and_verified(kept)
        loop.write_summary(closed, safety, summary=everything(), not_public=False)
        publishing.publish(closed, safety, public_what=packed(500, 1, FORMULAS[0]))
        loop.reporter_verdict(closed, "yes", everything())

        # in progress with an overdue action and one done, awaiting verification
        in_progress = build.submit(location, 1)
        build.triage(in_progress, category)
        build.action(in_progress, 2, due_in=-3)
        waiting = build.action(in_progress, 3)
        corrective.complete(waiting, build.user(world.supervisor_a), note=everything())

        # new, classified (a repeat theme needs three at the place), on the triage board
        new = build.submit(location, 2, named=True)
        loop.classify(new, safety, category=category, domain="quality", severity=4, likelihood=2)
        loop.ask_reporter(new, safety, everything())
        loop.reporter_answers(new, everything())

        dismissed = build.submit(location, 3)
        loop.dismiss(dismissed, safety, reason="hazard", note=everything())

        merged = build.submit(location, 4)
        loop.merge(merged, safety, into=in_progress)

        # fixed, doubted by the reporter, answered by staff
        disputed = build.submit(location, 5)
        build.triage(disputed, category, asset_id)
        fix = build.action(disputed, 4)
        build.done_and_verified(fix)
        loop.reporter_verdict(disputed, "not_really", everything("=2+2"))
        loop.answer_doubt(disputed, safety, everything())
        db.session.commit()
        return Stored(
            closed=closed.id,
            in_progress=in_progress.id,
            new=new.id,
            dismissed=dismissed.id,
            merged=merged.id,
            disputed=disputed.id,
            codes=dict(build.codes),
            site_slug=site.slug,
            location_id=location.id,
            category_id=category.id,
            asset_id=asset_id,
            action_ids=(kept.id, dropped.id, waiting.id, fix.id),
        )
