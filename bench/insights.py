"""`make bench-insights`: every insights page at 10k, 100k and 1M reports.

The questions (issues 6 and 14): with 1,000,000 reports in SQLite, does every insights page
(leadership, supervisor, all indicators, monthly review, theme) render in under 500 ms, and the
leadership view over all 36 months in under 1 s; and does the time grow no faster than linearly
with the number of reports?

For each size it makes a scratch instance folder and SQLite database in a temporary directory,
migrates it with the Alembic migrations (production settings), creates the admin through
portal.domain.accounts (a real password), and fills the rest with plain sqlite3 executemany in one
transaction, 50,000 reports per chunk (a fixture, not the loop; generation time is printed but
is not part of the figure). The data: 20 sites in various time zones, 10 locations and 20 assets
each, 40 staff, reports spread evenly over the 36 months ending this month with the issue's
status mix, corrective actions on ~40 % of the reports that were not dismissed, a photo on one
in five, and exposure hours for every site-month except two sites with none and a few gaps.
The non-unique indexes of the filled tables are dropped before the fill and recreated with
their own DDL afterwards, so the database ends exactly as migrated.

Then, in this process, it creates the app on that database (PORTAL_ENV=production), signs an
admin in through the Flask test client (POST /login with the page's CSRF token), renders each
page once untimed and times --requests renders one after another (wall clock, and this
process's CPU time: on a shared machine the first reads high, the second much less):

    GET /insights                           leadership, the default scope: every site    500 ms
    GET /insights?from=<35 months ago>&to=  leadership, all 36 months of data            1 s
    GET /insights/supervisor                the supervisor's week (the admin: every site) 500 ms
    GET /insights/indicators                all indicators, the default scope             500 ms
    GET /insights/review                    the monthly review of last month              500 ms
    GET /insights/themes?location=&category= the largest repeat theme                     500 ms

Each answer must be 200 and carry an h1. Prints, per size and page, the median and max ms (and
the machine's load average before and after: the figures of a busy machine read high); the
growth ratios of the leadership view against the size ratio; and the verdicts "every page
under its target at 1M" (medians) and "growth no faster than linear" (growth ratio at most the
size ratio x 1.25). Exit status 1 when an answer was wrong or a verdict is "no".
--keep DIR --reuse times the databases left in DIR by an earlier --keep run (no rebuild);
--profile N prints each page's N most expensive functions (cProfile, one more render).
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import os
import platform
import random
import re
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.models.report import durations  # noqa: E402 - after the path is set

SIZES = (10_000, 100_000, 1_000_000)
MONTHS = 36
CHUNK = 50_000
TARGET_SIZE = 1_000_000
GROWTH_TOLERANCE = 1.25  # a time ratio up to 1.25 x the size ratio still counts as linear
REFERENCE_LOOP = 5_000_000  # additions: the reference task timed beside the pages
ADMIN = "admin@bench.example"
PASSWORD = "bench-password-long-enough"  # noqa: S105 - scratch accounts, never served
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
H1_RE = re.compile(r"<h1[^>]*>\s*\S")
TABLES_FILLED = ("reports", "corrective_actions", "photos")

# 20 sites: (name, IANA zone, exposure hours a month or None for a site that never enters any)
SITES = [
    ("Riverside Plant", "America/Chicago", 120_000),
    ("North Distribution Center", "America/Los_Angeles", 90_000),
    ("Harbor Terminal", "America/New_York", 60_000),
    ("Mountain Quarry", "America/Denver", 25_000),
    ("Anchorage Depot", "America/Anchorage", 8_000),
    ("Monterrey Assembly", "America/Mexico_City", 140_000),
    ("Campinas Foundry", "America/Sao_Paulo", 70_000),
    ("Leeds Warehouse", "Europe/London", 45_000),
    ("Zaragoza Plant", "Europe/Madrid", 80_000),
    ("Duisburg Rolling Mill", "Europe/Berlin", 150_000),
    ("Poznan Logistics", "Europe/Warsaw", 55_000),
    ("Durban Port", "Africa/Johannesburg", 65_000),
    ("Jebel Ali Yard", "Asia/Dubai", 40_000),
    ("Pune Components", "Asia/Kolkata", 110_000),
    ("Kathmandu Workshop", "Asia/Kathmandu", 6_000),
    ("Jurong Refinery", "Asia/Singapore", 95_000),
    ("Suzhou Electronics", "Asia/Shanghai", 160_000),
    ("Nagoya Press Shop", "Asia/Tokyo", 75_000),
    ("Botany Bay Depot", "Australia/Sydney", None),
    ("Auckland Cold Store", "Pacific/Auckland", None),
]
PLACES = (
    "Dock 1",
    "Dock 2",
    "Press line",
    "Paint booth",
    "Maintenance shop",
    "Chemical store",
    "Forklift charging",
    "Racking aisle 4",
    "Yard gate",
    "Mezzanine stairs",
)
# the mix; recent reports that cannot have got that far yet fall back (see _settle)
STATUS_MIX = (
    ("closed", 55),
    ("fixed", 8),
    ("in_progress", 12),
    ("acknowledged", 12),
    ("new", 5),
    ("dismissed", 5),
    ("merged", 3),
)
# severity 4-5 among classified reports: ~3.5 %, so ~3 % of all reports are high-potential
SEVERITY_MIX = ((1, 300), (2, 400), (3, 265), (4, 25), (5, 10))
CONTROL_MIX = (
    ("elimination", 5),
    ("substitution", 5),
    ("engineering", 25),
    ("administrative", 45),
    ("ppe", 20),
)
DISMISS_REASONS = ("not_a_near_miss", "incident", "hazard", "spam")
NAMES = ("Ana", "Luis", "Marcus", "Priya", "Tom", "Grace", "Diego", "Ken")
ROLES = ("worker", "worker", "worker", "contractor", "supervisor", "visitor")
ACTIONS = (
    "Fit a guard over the pinch point",
    "Mark the walkway and move the pallets off it",
    "Replace the worn sling and add it to the inspection list",
    "Toolbox talk on reversing in the aisles",
    "Issue cut-resistant gloves at the station",
    "Reroute the hose above head height",
)

REPORT_COLUMNS = (
    "id",
    "site_id",
    "location_id",
    "where_text",
    "what_happened",
    "potential_outcome",
    "potential_text",
    "reporter_name",
    "reporter_role",
    "channel",
    "language",
    "status",
    "created_at",
    "updated_at",
    "receipt_hash",
    "submission_key",
    "version",
    "acknowledged_at",
    "acknowledged_by_id",
    "category_id",
    "domain",
    "severity",
    "likelihood",
    "high_potential",
    "owner_id",
    "asset_id",
    "merged_into_id",
    "dismiss_reason",
    "dismiss_note",
    "awaiting_staff",
    "last_actor_id",
    "fixed_at",
    "closed_at",
    "public_summary",
    "summary_not_public",
    "fix_disputed",
    "local_month",
    "local_hour",
    "quality",
    "ack_seconds",
    "close_days",
    "anonymous",
)
ACTION_COLUMNS = (
    "id",
    "report_id",
    "site_id",
    "description",
    "control_level",
    "owner_id",
    "due_on",
    "status",
    "visible_to_reporter",
    "created_by_id",
    "created_at",
    "updated_at",
    "version",
    "completed_at",
    "completed_by_id",
    "completion_note",
    "verified_at",
    "verified_by_id",
    "verification_note",
    "completion_photo_public",
    "report_month",
    "report_high_potential",
)
PHOTO_COLUMNS = (
    "report_id",
    "stored_name",
    "position",
    "width",
    "height",
    "size_bytes",
    "created_at",
)
HOUR = 3600.0
DAY = 24 * HOUR


def _insert(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608


def stamp(epoch: float) -> str:
    """Naive UTC as SQLAlchemy stores a DateTime in SQLite."""
    moment = datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)
    return moment.isoformat(" ", "microseconds")


def epoch_durations(
    created: float, acknowledged: float | None, closed: float | None
) -> tuple[int | None, int | None]:
    """Report.ack_seconds and Report.close_days, by the model's own rule."""

    def moment(epoch: float | None) -> datetime | None:
        return None if epoch is None else datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)

    return durations(moment(created), moment(acknowledged), moment(closed))


def day_of(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).date().isoformat()


class Picker:
    """A weighted choice by one random number (faster than random.choices in a hot loop)."""

    def __init__(self, mix: Any) -> None:
        self.values = [value for value, _weight in mix]
        self.bounds: list[float] = []
        total = sum(weight for _value, weight in mix)
        running = 0.0
        for _value, weight in mix:
            running += weight / total
            self.bounds.append(running)

    def __call__(self, rng: random.Random) -> Any:
        return self.values[min(bisect.bisect(self.bounds, rng.random()), len(self.values) - 1)]


# --- the scratch database ------------------------------------------------------------------


@dataclass
class Place:
    """A location as the generator needs it."""

    id: int
    site_id: int
    name: str
    zone: ZoneInfo
    assets: tuple[int, int]
    supervisors: list[int]
    managers: list[int]


@dataclass
class Built:
    """What was written, and how long it took."""

    count: int
    path: Path
    seconds: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)
    months: Counter[str] = field(default_factory=Counter)
    rows: Counter[str] = field(default_factory=Counter)


def environment(scratch: Path, database: Path) -> dict[str, str]:
    """Production settings on the scratch database; nothing inherited from the caller's PORTAL_*."""
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("PORTAL_", "FLASK_"))
    }
    env.update(
        {
            "PORTAL_ENV": "production",
            "PORTAL_DATABASE_URL": f"sqlite:///{database}",
            "PORTAL_INSTANCE_PATH": str(scratch / "instance"),
            "PORTAL_SECRET_KEY": secrets.token_urlsafe(48),
            "PORTAL_BASE_URL": "http://127.0.0.1:5000",
            # the test client talks plain http: the session cookie must travel over it
            "PORTAL_SECURE_COOKIES": "false",
        }
    )
    return env


def migrate() -> str:
    """Migrate the scratch database to head and create the admin; the admin's password hash."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.domain import accounts
    from portal.extensions import db

    app = create_app()
    with app.app_context():
        upgrade()
        admin = accounts.create_user(email=ADMIN, name="Admin", role="admin", password=PASSWORD)
        db.session.commit()
        password_hash = admin.password_hash
        db.engine.dispose()
    return password_hash


def build_database(path: Path, count: int, seed: int, now: datetime) -> Built:
    """Migrate, then fill with sqlite3 in one transaction; what was written."""
    built = Built(count, path)
    started = time.perf_counter()
    password_hash = migrate()
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        # the generator only: the app opens the file again with its own settings (WAL, FULL)
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-262144")
        connection.execute("PRAGMA temp_store=MEMORY")
        connection.execute("BEGIN")
        indexes = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            " AND tbl_name IN (?, ?, ?)",
            TABLES_FILLED,
        ).fetchall()
        for name, _sql in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        Filler(connection, random.Random(seed), now, built).fill(password_hash)
        for _name, sql in indexes:
            connection.execute(sql)
        connection.execute("COMMIT")
    finally:
        connection.close()
    built.seconds = time.perf_counter() - started
    return built


class Filler:
    """Writes the reference rows, then the reports with their actions and photos in chunks."""

    def __init__(
        self, connection: sqlite3.Connection, rng: random.Random, now: datetime, built: Built
    ) -> None:
        from portal import demo
        from portal.indicators import scope

        self.connection, self.rng, self.built = connection, rng, built
        self.now = now.replace(tzinfo=UTC).timestamp()
        self.first_month = scope.add_months(scope.month_of(now), -(MONTHS - 1))
        first = scope.first_day(self.first_month)
        self.start = datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp()
        self.stories = demo.STORIES
        self.story = Picker([(index, s.weight) for index, s in enumerate(demo.STORIES)])
        self.status = Picker(STATUS_MIX)
        self.severity = Picker(SEVERITY_MIX)
        self.control = Picker(CONTROL_MIX)
        self.places: list[Place] = []
        self.categories: dict[str, int] = {}
        self.base_quality: dict[tuple[int, str], int] = {}
        self.action_id = 0
        self.photo_id = 0

    # reference data ------------------------------------------------------------------------

    def fill(self, password_hash: str) -> None:
        self.reference(password_hash)
        reports: list[tuple[Any, ...]] = []
        actions: list[tuple[Any, ...]] = []
        photos: list[tuple[Any, ...]] = []
        for report_id in range(1, self.built.count + 1):
            self.report(report_id, reports, actions, photos)
            if len(reports) >= CHUNK:
                self.flush(reports, actions, photos)
        self.flush(reports, actions, photos)

    def flush(self, reports: list[Any], actions: list[Any], photos: list[Any]) -> None:
        for table, columns, rows in (
            ("reports", REPORT_COLUMNS, reports),
            ("corrective_actions", ACTION_COLUMNS, actions),
            ("photos", PHOTO_COLUMNS, photos),
        ):
            if rows:
                self.connection.executemany(_insert(table, columns), rows)
                self.built.rows[table] += len(rows)
                rows.clear()

    def reference(self, password_hash: str) -> None:
        """Sites, locations, assets, 39 more staff, site memberships and exposure hours."""
        from portal.domain.quality import quality_score
        from portal.indicators.scope import months_between

        db, rng, created = self.connection, self.rng, stamp(self.start - 30 * DAY)
        self.categories = dict(db.execute("SELECT name, id FROM categories"))
        sites = [
            (n, name, f"site-{n}", zone, created, 0)
            for n, (name, zone, _hours) in enumerate(SITES, start=1)
        ]
        db.executemany(
            _insert("sites", ("id", "name", "slug", "timezone", "created_at", "feed_version")),
            sites,
        )
        # staff: the admin (id 1, made by accounts.create_user); 6 safety managers covering
        # the sites in turn; 33 supervisors, one site each and every third a second site
        users, members = [], []
        managers: dict[int, list[int]] = {n: [] for n in range(1, len(SITES) + 1)}
        supervisors: dict[int, list[int]] = {n: [] for n in range(1, len(SITES) + 1)}
        for user_id in range(2, 41):
            role = "safety_manager" if user_id <= 7 else "supervisor"
            if role == "safety_manager":
                own = [s for s in managers if s % 6 == user_id - 2]
            else:
                first = (user_id - 8) % len(SITES) + 1
                own = [first] + ([first % len(SITES) + 1] if user_id % 3 == 0 else [])
            for site_id in own:
                (managers if role == "safety_manager" else supervisors)[site_id].append(user_id)
                members.append((user_id, site_id))
            email = f"{role.replace('_', '.')}.{user_id}@bench.example"
            token = secrets.token_urlsafe(24)
            users.append(
                (user_id, email, f"Staff {user_id}", password_hash, role, 1, token, created)
            )
        db.executemany(
            _insert(
                "users",
                (
                    "id",
                    "email",
                    "name",
                    "password_hash",
                    "role",
                    "active",
                    "session_token",
                    "created_at",
                ),
            ),
            users,
        )
        db.executemany(_insert("user_sites", ("user_id", "site_id")), members)
        locations, assets = [], []
        for site_id, (_name, zone, _hours) in enumerate(SITES, start=1):
            for n, place in enumerate(PLACES):
                location_id = (site_id - 1) * len(PLACES) + n + 1
                locations.append((location_id, site_id, place, f"L{location_id:07d}", 1, created))
                pair = (2 * location_id - 1, 2 * location_id)
                assets += [
                    (pair[0], location_id, f"{place} machine", 1, created),
                    (pair[1], location_id, f"{place} truck", 1, created),
                ]
                self.places.append(
                    Place(
                        location_id,
                        site_id,
                        place,
                        ZoneInfo(zone),
                        pair,
                        supervisors[site_id],
                        managers[site_id],
                    )
                )
        db.executemany(
            _insert("locations", ("id", "site_id", "name", "code", "active", "created_at")),
            locations,
        )
        db.executemany(
            _insert("assets", ("id", "location_id", "name", "active", "created_at")), assets
        )
        hours = []
        months = months_between(self.first_month, self._last_month())
        for site_id, (_name, _zone, monthly) in enumerate(SITES, start=1):
            if monthly is None:
                continue  # two sites never enter hours: rates must leave them out
            for month in months:
                if rng.random() < 0.04:
                    continue  # a month nobody entered
                figure = int(monthly * rng.uniform(0.85, 1.15))
                hours.append((site_id, month, figure, created, 1))
        db.executemany(
            _insert("exposure_hours", ("site_id", "month", "hours", "updated_at", "updated_by_id")),
            hours,
        )
        self.built.rows["exposure_hours"] = len(hours)
        for index, story in enumerate(self.stories):
            for place in PLACES:
                self.base_quality[(index, place)] = quality_score(
                    what_happened=story.what,
                    photo_count=0,
                    potential_text=story.words,
                    where_text=place,
                    location_name=place,
                )

    def _last_month(self) -> str:
        from portal.indicators.scope import add_months

        return add_months(self.first_month, MONTHS - 1)

    # one report ------------------------------------------------------------------------------

    def report(
        self, report_id: int, reports: list[Any], actions: list[Any], photos: list[Any]
    ) -> None:
        """One report, spread evenly from the first month's start until now, oldest first."""
        rng, count = self.rng, self.built.count
        created = self.start + (self.now - self.start) * (report_id - 1 + rng.random()) / count
        place = self.places[rng.randrange(len(self.places))]
        story_index = self.story(rng)
        story = self.stories[story_index]
        moments = self._moments(rng, created)
        status = self._settle(self.status(rng), moments, report_id)
        local = datetime.fromtimestamp(created, place.zone)
        local_month = f"{local.year:04d}-{local.month:02d}"
        staff = place.supervisors or place.managers
        handler = staff[rng.randrange(len(staff))]
        manager = (place.managers or staff)[0]

        acknowledged = status != "new"
        classified = (
            status in ("in_progress", "fixed", "closed")
            or (status == "acknowledged" and rng.random() < 0.8)
            or (status == "dismissed" and rng.random() < 0.3)
        )
        severity = self.severity(rng) if classified else None
        owned = status in ("in_progress", "fixed", "closed") or (
            status == "acknowledged" and rng.random() < 0.5
        )
        named = rng.random() < 0.4
        detailed = rng.random() < 0.3
        photo = rng.random() < 0.2
        fixed_at = moments["fixed"] if status in ("fixed", "closed") else None
        closed_at = moments["closed"] if status == "closed" else None
        last = {
            "new": created,
            "acknowledged": moments["acknowledged"],
            "dismissed": moments["acknowledged"],
            "merged": moments["acknowledged"],
            "in_progress": moments["action"],
            "fixed": moments["fixed"],
            "closed": moments["closed"],
        }[status]
        public = rng.random() < 0.8
        reports.append(
            (
                report_id,
                place.site_id,
                place.id,
                f"{place.name}, by the north door" if detailed else place.name,
                story.what,
                story.outcome.value,
                story.words,
                NAMES[rng.randrange(len(NAMES))] if named else None,
                ROLES[rng.randrange(len(ROLES))] if named else None,
                "qr" if rng.random() < 0.75 else ("kiosk" if rng.random() < 0.8 else "staff"),
                "es" if rng.random() < 0.15 else "en",
                status,
                stamp(created),
                stamp(last),
                f"{report_id:064x}",
                f"{report_id:064x}",
                1,
                stamp(moments["acknowledged"]) if acknowledged else None,
                handler if acknowledged else None,
                self.categories.get(story.category) if classified else None,
                story.domain.value if classified else None,
                severity,
                rng.randint(1, 5) if classified else None,
                1 if severity is not None and severity >= 4 else 0,
                handler if owned else None,
                place.assets[rng.randrange(2)] if rng.random() < 0.3 else None,
                rng.randint(max(1, report_id - 500), report_id - 1) if status == "merged" else None,
                DISMISS_REASONS[rng.randrange(4)] if status == "dismissed" else None,
                "Not a near miss as reported." if status == "dismissed" else None,
                0,
                handler if acknowledged else None,
                stamp(fixed_at) if fixed_at is not None else None,
                stamp(closed_at) if closed_at is not None else None,
                "We fitted a guard and marked the walkway." if closed_at and public else None,
                1 if closed_at and not public else 0,
                0,
                local_month,
                local.hour,
                self.base_quality[(story_index, place.name)] + detailed + photo,
                *epoch_durations(
                    created, moments["acknowledged"] if acknowledged else None, closed_at
                ),
                0 if named else 1,  # anonymous
            )
        )
        if photo:
            self.photo_id += 1
            photos.append(
                (report_id, f"{self.photo_id:032x}.jpg", 0, 1280, 960, 180_000, stamp(created))
            )
        if self._has_actions(rng, status):
            self.built.rows["reports with actions"] += 1
            high_potential = severity is not None and severity >= 4
            of_report = (handler, manager, local_month, high_potential)
            self._actions(rng, report_id, place, status, moments, of_report, actions)
        self.built.statuses[status] += 1
        self.built.months[local_month] += 1

    def _moments(self, rng: random.Random, created: float) -> dict[str, float]:
        """When each step would have happened, as epoch seconds (some may lie in the future)."""
        acknowledged = created + rng.uniform(1, 72) * HOUR
        action = acknowledged + rng.uniform(0, 48) * HOUR
        fixed = action + rng.uniform(1, 30) * DAY
        closed = fixed + rng.uniform(1, 10) * DAY
        return {"acknowledged": acknowledged, "action": action, "fixed": fixed, "closed": closed}

    def _settle(self, status: str, moments: dict[str, float], report_id: int) -> str:
        """The drawn status, or the furthest one the report can have reached by now."""
        if status == "merged" and report_id == 1:
            status = "dismissed"
        order = ("closed", "fixed", "in_progress", "acknowledged")
        steps = {"closed": "closed", "fixed": "fixed", "in_progress": "action"}
        if status in order:
            for candidate in order[order.index(status) :]:
                if moments[steps.get(candidate, "acknowledged")] <= self.now:
                    return candidate
            return "new"
        if status in ("dismissed", "merged") and moments["acknowledged"] > self.now:
            return "new"
        return status

    def _has_actions(self, rng: random.Random, status: str) -> bool:
        """Every report in progress or fixed, a third of the closed: ~40 % of the not dismissed."""
        if status in ("in_progress", "fixed"):
            return True
        return status == "closed" and rng.random() < 0.33

    def _actions(
        self,
        rng: random.Random,
        report_id: int,
        place: Place,
        status: str,
        moments: dict[str, float],
        of_report: tuple[int, int, str, bool],
        rows: list[Any],
    ) -> None:
        """1-2 actions whose statuses match the report's: open, done (fixed) or verified.
        `of_report`: its handler and manager, its month and high-potential flag (which the
        actions keep, as portal/models/report.py keeps them)."""
        handler, manager, month, high_potential = of_report
        for n in range(1 if rng.random() < 0.7 else 2):
            self.action_id += 1
            created = moments["action"] + n * rng.uniform(0, 24) * HOUR
            due = day_of(created + rng.uniform(3, 45) * DAY)  # old open ones are overdue
            done = status in ("fixed", "closed") or (n == 1 and rng.random() < 0.5)
            completed = min(moments["fixed"], created + rng.uniform(1, 25) * DAY)
            verified = status == "closed"
            state = "verified" if verified else ("done" if done else "open")
            last = moments["closed"] if verified else (completed if done else created)
            if last > self.now:  # a second action of a recent report: still open
                state, done, verified, last = "open", False, False, created
            rows.append(
                (
                    self.action_id,
                    report_id,
                    place.site_id,
                    ACTIONS[rng.randrange(len(ACTIONS))],
                    self.control(rng),
                    handler,
                    due,
                    state,
                    1 if rng.random() < 0.5 else 0,
                    manager,
                    stamp(created),
                    stamp(last),
                    1,
                    stamp(completed) if done else None,
                    handler if done else None,
                    "Done as agreed." if done else None,
                    stamp(moments["closed"]) if verified else None,
                    manager if verified else None,
                    "Checked on the floor." if verified else None,
                    0,
                    month,
                    1 if high_potential else 0,
                )
            )


# --- the timed part ------------------------------------------------------------------------


@dataclass
class Figure:
    """Times of one URL at one size, and any wrong answers."""

    label: str
    target_ms: float
    times_ms: list[float]
    failures: list[str]
    statements: list[tuple[float, str]] = field(default_factory=list)  # (ms, SQL) of one render
    # CPU time of this process per render (SQLite runs in it): what a busy machine's other
    # processes do not add to, unlike the wall-clock times above
    cpu_ms: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_ms)

    @property
    def max(self) -> float:
        return max(self.times_ms)


@contextmanager
def statement_times(engine: Any) -> Iterator[list[tuple[float, str]]]:
    """Collect (ms, SQL) of every statement the engine runs inside the block."""
    from sqlalchemy import event

    statements: list[tuple[float, str]] = []
    started: list[float] = []

    def before(*_args: Any) -> None:
        started.append(time.perf_counter())

    def after(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(((time.perf_counter() - started.pop()) * 1000, statement))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def print_statements(figure: Figure, top: int) -> None:
    """The SQL share of one render and its slowest statements (the place to look first)."""
    if not figure.statements:
        return
    total = sum(ms for ms, _sql in figure.statements)
    print(
        f"   {figure.label}: one more render: {len(figure.statements)} statements, "
        f"{total:.0f} ms of SQL (cursor execute only; fetching rows is not in it)"
    )
    for ms, sql in sorted(figure.statements, reverse=True)[:top]:
        print(f"   {ms:9.1f} ms  {' '.join(sql.split())[:110]}")


@dataclass(frozen=True)
class Page:
    """An insights page to time, and how fast it must be at TARGET_SIZE reports (median)."""

    label: str
    path: str
    target_ms: float


def pages(database: Path, now: datetime) -> list[Page]:
    """Every insights page, the theme's being the largest repeat theme of the last 90 days."""
    from portal.indicators import scope

    last = scope.month_of(now)
    everything = scope.add_months(last, -(MONTHS - 1))
    connection = sqlite3.connect(database)
    try:
        since = stamp(now.replace(tzinfo=UTC).timestamp() - 90 * DAY)
        location, category = connection.execute(
            "SELECT location_id, category_id FROM reports WHERE created_at > ?"
            " AND category_id IS NOT NULL AND status NOT IN ('merged', 'dismissed')"
            " GROUP BY location_id, category_id ORDER BY count(*) DESC LIMIT 1",
            (since,),
        ).fetchone()
    finally:
        connection.close()
    return [
        Page("leadership", "/insights", 500.0),
        Page(
            f"leadership, {MONTHS} months",
            "/insights?" + urlencode({"from": everything, "to": last}),
            1000.0,
        ),
        Page("supervisor", "/insights/supervisor", 500.0),
        Page("all indicators", "/insights/indicators", 500.0),
        Page("monthly review", "/insights/review", 500.0),
        Page(
            "theme",
            "/insights/themes?" + urlencode({"location": location, "category": category}),
            500.0,
        ),
    ]


def profiled(render: Any, label: str, top: int) -> None:
    """One more render under cProfile: the functions that took the most time, with callees."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(render)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    print(f"\n   --- {label}: cProfile of one render, the top {top} by cumulative time")
    print("\n".join("   " + line for line in out.getvalue().splitlines() if line.strip()))


def measure(paths: list[Page], requests: int, sql_top: int, profile: int = 0) -> list[Figure]:
    """Sign in as the admin, render each page once untimed, then `requests` rounds that time
    each page once in turn (a burst of load on a shared machine then hits every page alike,
    not all the renders of one); then once more with its SQL statements timed, when `sql_top`
    asks for the slowest, and under cProfile, when `profile` does."""
    from portal import create_app
    from portal.extensions import db

    app = create_app()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    match = CSRF_RE.search(page)
    if match is None:
        raise SystemExit("no CSRF token on the login page")
    answer = client.post(
        "/login", data={"email": ADMIN, "password": PASSWORD, "csrf_token": match.group(1)}
    )
    if answer.status_code != 303:
        raise SystemExit(f"signing in as {ADMIN} failed with status {answer.status_code}")
    figures = [Figure(page.label, page.target_ms, [], []) for page in paths]
    for page in paths:
        client.get(page.path)  # warm-up: templates compiled, statements cached, pages in memory
    for _ in range(requests):
        for page, figure in zip(paths, figures, strict=True):
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(page.path)
            body = response.get_data(as_text=True)
            figure.times_ms.append((time.perf_counter() - started) * 1000)
            figure.cpu_ms.append((time.process_time() - cpu) * 1000)
            if response.status_code != 200 or not H1_RE.search(body):
                figure.failures.append(f"{response.status_code} GET {page.path} (h1 missing?)")
    for page, figure in zip(paths, figures, strict=True):
        if sql_top:
            with app.app_context():
                engine = db.engine
            with statement_times(engine) as statements:
                client.get(page.path)
            figure.statements = statements
        if profile:
            profiled(lambda path=page.path: client.get(path), figure.label, profile)
    with app.app_context():
        db.engine.dispose()
    return figures


def reference_ms() -> float:
    """A fixed piece of CPU work (pure Python), timed: how fast this machine runs right now.
    On a shared machine the page figures move with it (docs/benchmarks.md gives it quiet)."""
    started = time.process_time()
    total = 0
    for n in range(REFERENCE_LOOP):
        total += n
    return (time.process_time() - started) * 1000


@dataclass
class Result:
    """One size: what was built and the figure of each page."""

    built: Built
    in_scope: int
    size_bytes: int
    figures: list[Figure]
    load: tuple[float, float]  # the machine's 1-minute load average before and after timing
    reference: float  # ms of the reference task (reference_ms), the faster of before and after

    @property
    def default(self) -> Figure:
        return self.figures[0]

    @property
    def all_months(self) -> Figure:
        return self.figures[1]


@contextmanager
def scratch_folder(keep: Path | None, count: int, reuse: bool) -> Iterator[Path]:
    """A temporary directory, or KEEP/<count> left in place when --keep is given (with
    --reuse, the one an earlier --keep run left)."""
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="closecall-bench-insights-") as tmp:
            yield Path(tmp)
        return
    folder = keep / str(count)
    exists = (folder / "closecall.db").exists()
    if exists and not reuse:
        raise SystemExit(f"{folder / 'closecall.db'} exists already: give another --keep folder")
    if reuse and not exists:
        raise SystemExit(f"no {folder / 'closecall.db'} to reuse: run with --keep first")
    folder.mkdir(parents=True, exist_ok=True)
    yield folder.resolve()


def described(path: Path, count: int) -> Built:
    """What an earlier --keep run wrote (for --reuse): rows, months and statuses."""
    built = Built(count, path)
    connection = sqlite3.connect(path)
    try:
        built.months.update(
            dict(
                connection.execute("SELECT local_month, count(*) FROM reports GROUP BY local_month")
            )
        )
        built.statuses.update(
            dict(connection.execute("SELECT status, count(*) FROM reports GROUP BY status"))
        )
        for table in (*TABLES_FILLED, "exposure_hours"):
            built.rows[table] = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - our own table names
    finally:
        connection.close()
    if built.rows["reports"] != count:
        raise SystemExit(f"{path} holds {built.rows['reports']:,} reports, not {count:,}")
    return built


def run_size(count: int, args: argparse.Namespace, now: datetime) -> Result:
    """Build a database of `count` reports in a temporary directory and time the pages on it."""
    from portal.indicators import scope

    last = scope.month_of(now)
    first = scope.add_months(last, -(scope.DEFAULT_MONTHS - 1))
    with scratch_folder(args.keep, count, args.reuse) as scratch:
        database = scratch / "closecall.db"
        os.environ.clear()
        os.environ.update(environment(scratch, database))
        if args.reuse:
            print(f"\n== {count:,} reports: reusing {database}", flush=True)
            built = described(database, count)
        else:
            print(f"\n== {count:,} reports: migrating and writing ...", flush=True)
            built = build_database(database, count, args.seed, now)
            print(f"   written in {built.seconds:.1f} s (not part of the figures)")
        size = database.stat().st_size
        rows = ", ".join(f"{table} {number:,}" for table, number in built.rows.items())
        print(f"   {rows}; database file {size / 1e6:,.1f} MB")
        paths = pages(database, now)
        print(f"   timing {len(paths)} pages ({args.requests} renders each) ...", flush=True)
        before, reference = os.getloadavg()[0], reference_ms()
        figures = measure(paths, args.requests, args.sql_top, args.profile)
        load = (before, os.getloadavg()[0])
        reference = min(reference, reference_ms())
    in_scope = sum(n for month, n in built.months.items() if first <= month <= last)
    for figure in figures:
        print(
            f"   {figure.label:24} median {figure.median:8.1f} ms   max {figure.max:8.1f} ms"
            f"   cpu {figure.cpu_median:8.1f} ms"
        )
    print(
        f"   load average (1 min) {load[0]:.1f} before timing, {load[1]:.1f} after;"
        f" reference task {reference:.0f} ms"
    )
    for figure in figures:
        print_statements(figure, args.sql_top)
    return Result(built, in_scope, size, figures, load, reference)


def ratios(results: list[Result], pick: str) -> Iterator[tuple[int, int, float, float]]:
    """(smaller, larger, size ratio, time ratio) of each pair of consecutive sizes."""
    for small, large in itertools.pairwise(results):
        before = getattr(small, pick).median
        after = getattr(large, pick).median
        yield (
            small.built.count,
            large.built.count,
            large.built.count / small.built.count,
            (after / before if before else float("inf")),
        )


def report(results: list[Result], requests: int) -> int:
    """Print the table, the growth ratios and the verdicts; the exit status."""
    print()
    print(
        f"Closecall insights pages, signed in as an admin who sees all {len(SITES)} sites: "
        f"Flask test client in process, production settings, SQLite {sqlite3.sqlite_version} (WAL)"
    )
    print(
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{platform.machine()}; {requests} timed renders per page after one untimed"
    )
    statuses = Counter[str]()
    for result in results:
        statuses.update(result.built.statuses)
    total = sum(statuses.values()) or 1
    mix = ", ".join(f"{state} {100 * n / total:.0f} %" for state, n in statuses.most_common())
    print(f"status mix over all sizes: {mix}\n")
    for r in results:
        print(
            f"{r.built.count:,} reports ({r.in_scope:,} in the default 12 months, "
            f"{r.size_bytes / 1e6:,.0f} MB; load average {r.load[0]:.1f} → {r.load[1]:.1f},"
            f" reference task {r.reference:.0f} ms):"
        )
        head = ("page", "median ms", "max ms", "cpu ms", "target")
        print("   {:<24} {:>10} {:>9} {:>9} {:>9}".format(*head))
        for f in r.figures:
            mark = "" if r.built.count < TARGET_SIZE or f.median < f.target_ms else "  OVER"
            print(
                f"   {f.label:<24} {f.median:>10.1f} {f.max:>9.1f} {f.cpu_median:>9.1f}"
                f" {f.target_ms:>9.0f}{mark}"
            )
    print()
    linear = True
    for pick, label in (("default", "leadership"), ("all_months", f"{MONTHS} months")):
        for small, large, size_ratio, time_ratio in ratios(results, pick):
            within = time_ratio <= size_ratio * GROWTH_TOLERANCE
            if pick == "default":
                linear = linear and within
            print(
                f"t({large:,})/t({small:,}) {label:>14}: {time_ratio:6.2f}   "
                f"size ratio {size_ratio:g} (linear allows up to "
                f"{size_ratio * GROWTH_TOLERANCE:g}){'' if within else '  FASTER THAN LINEAR'}"
            )
    failures = [line for r in results for f in r.figures for line in f.failures]
    largest = max(results, key=lambda r: r.built.count)
    print()
    if largest.built.count >= TARGET_SIZE:
        over = [f for f in largest.figures if f.median >= f.target_ms]
        under = not over
        names = ", ".join(f"{f.label} {f.median:.0f} ms" for f in over)
        print(
            f"every page under its target at 1M: {'yes' if under else 'no (' + names + ')'} "
            f"(medians at {largest.built.count:,} reports; a busy machine reads high: see the "
            f"load average)"
        )
    else:
        under = True
        print(
            "every page under its target at 1M: not measured "
            f"(largest size {largest.built.count:,})"
        )
    if len(results) > 1:
        print(
            f"growth no faster than linear: {'yes' if linear else 'no'} (leadership medians; "
            f"tolerance: time ratio <= size ratio x {GROWTH_TOLERANCE})"
        )
    else:
        print("growth no faster than linear: not measured (one size)")
    print(
        f"{'ok  ' if not failures else 'FAIL'} every answer 200 with an h1 ({len(failures)} failed)"
    )
    for line in failures[:10]:
        print(f"     {line}")
    return 1 if failures or not under or not linear else 0


def parse_sizes(raw: str) -> list[int]:
    sizes = sorted({int(part.replace("_", "")) for part in raw.split(",") if part.strip()})
    if not sizes or sizes[0] < 100:
        raise argparse.ArgumentTypeError("give sizes of at least 100, e.g. 10000,100000")
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=list(SIZES),
        help="reports per database, comma-separated (default 10000,100000,1000000)",
    )
    parser.add_argument("--requests", type=int, default=5, help="timed renders per figure")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the data")
    parser.add_argument(
        "--sql-top",
        type=int,
        default=5,
        help="after timing, render once more and print the N slowest SQL statements (0: off)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="build the databases in KEEP/<size>/ and leave them there (to look at plans)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="after timing, render each page once under cProfile and print its N top functions",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --keep: time the databases an earlier --keep run left (no rebuild)",
    )
    args = parser.parse_args()
    args.requests = min(max(args.requests, 1), 100)
    if args.reuse and args.keep is None:
        parser.error("--reuse needs --keep DIR")

    from portal.lib.timeutil import utcnow

    now = utcnow()
    saved = dict(os.environ)
    try:
        results = [run_size(count, args, now) for count in args.sizes]
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return report(results, args.requests)


if __name__ == "__main__":
    sys.exit(main())
