"""`python bench/triage.py`: the triage board and the report page with 100,000 reports.

Makes a scratch instance folder and SQLite database in a temporary directory, migrates it with
the Alembic migrations, and writes 100,000 reports across 2 sites and 12 locations in bulk
(SQLAlchemy Core executemany: a fixture, not the loop; each report's timeline events match its
state). Then it starts the production server (`gunicorn -c gunicorn.conf.py wsgi:app`,
PORTAL_ENV=production) on 127.0.0.1, signs in as a supervisor of one site and as an admin
(POST /login with the page's CSRF token), and times from one keep-alive client, one request
after another:

    GET /triage                      the board, unfiltered
    GET /triage?q=forklift           a free-text search
    GET /triage?site=<id>            one site
    GET /reports/<id>                report pages of random ids the user may see

p50/p95/p99 over --requests answers each (after a few untimed ones), against the target of
100 ms at p95, for every persona (supervisor, safety manager, viewer, admin). Every answer
must be 200. Stops gunicorn; the temporary directory goes.
Exit status 1 when a request failed; missing the target is reported, not an error.

States reached through corrective actions (in_progress, fixed, closed) get no action rows here:
they carry stand-in timeline events ("action_added", "action_done", "verified", "closed").
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import report_path  # noqa: E402 - the scratch environment and gunicorn runner, shared

HOST = report_path.HOST
PASSWORD = "bench-password-long-enough"  # noqa: S105 - scratch accounts on loopback only
TARGET_P95_MS = 100.0
SUPERVISOR = "supervisor.a@bench.example"
ADMIN = "admin@bench.example"
SAFETY = "safety@bench.example"
VIEWER = "viewer@bench.example"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
DAY = timedelta(days=1)
# Indexes the migrations do not have (yet): --proposed-indexes adds them to the scratch database,
# to measure them before a migration ships them (see docs/benchmarks.md).
PROPOSED_INDEXES = (
    # the board's columns and counts across all sites (admins): status IN (...) by created_at
    "CREATE INDEX ix_reports_status_created_at ON reports (status, created_at)",
    # the board's poll start, max(id) at the user's sites
    "CREATE INDEX ix_reports_site_id_id ON reports (site_id, id)",
)


# --- the scratch database ------------------------------------------------------------------


def _state(rng: random.Random, age: timedelta) -> str:
    """A plausible state for a report of this age: recent ones open, old ones closed."""
    roll = rng.random()
    if age < 2 * DAY:
        return "new" if roll < 0.5 else "acknowledged"
    if age < 30 * DAY:
        mix = [("acknowledged", 0.3), ("in_progress", 0.7), ("fixed", 0.85), ("closed", 0.95)]
    elif age < 120 * DAY:
        mix = [("in_progress", 0.1), ("fixed", 0.15), ("closed", 0.93)]
    else:
        mix = [("closed", 0.9), ("dismissed", 0.97)]
    for state, upto in mix:
        if roll < upto:
            return state
    return "dismissed" if roll < 0.98 or age < 3 * DAY else "merged"


# the timeline events each state was reached through, after "submitted"
STEPS = {
    "new": [],
    "acknowledged": ["acknowledged", "classified", "assigned"],
    "in_progress": ["acknowledged", "classified", "assigned", "action_added"],
    "fixed": ["acknowledged", "classified", "assigned", "action_added", "action_done"],
    "closed": [
        "acknowledged",
        "classified",
        "assigned",
        "action_added",
        "action_done",
        "verified",
        "closed",
    ],
    "dismissed": ["acknowledged", "dismissed"],
    "merged": ["merged"],
}


@dataclass
class Scratch:
    """What the timed part needs to know about the data."""

    site_ids: list[int]
    report_ids: dict[int, list[int]] = field(default_factory=dict)  # by site
    states: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def build_database(count: int, seed: int, indexes: bool = False) -> Scratch:
    """Migrate the scratch database and fill it; what was written."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from portal import create_app, demo
    from portal.domain import accounts
    from portal.extensions import db
    from portal.models import Asset, Category, Location, Site, User

    started = time.perf_counter()
    app = create_app()
    with app.app_context():
        upgrade()
        locations: list[Location] = []
        for name, slug, timezone, names in demo.SITES:
            site = Site(name=name, slug=slug, timezone=timezone)
            db.session.add(site)
            locations += [Location(site=site, name=location) for location in names]
        db.session.add_all(locations)
        db.session.flush()
        assets = {}
        for location in locations:
            for asset_name in demo.ASSETS.get(location.name, []):
                asset = Asset(location=location, name=asset_name)
                db.session.add(asset)
                assets[(location.id, asset_name)] = asset
        slugs = [slug for _name, slug, _tz, _names in demo.SITES]
        people = [
            (ADMIN, "admin", []),
            (SAFETY, "safety_manager", slugs),
            (SUPERVISOR, "supervisor", slugs[:1]),
            ("supervisor.a2@bench.example", "supervisor", slugs[:1]),
            ("supervisor.b@bench.example", "supervisor", slugs[1:]),
            ("supervisor.b2@bench.example", "supervisor", slugs[1:]),
            (VIEWER, "viewer", slugs),
        ]
        for email, role, sites in people:
            accounts.create_user(
                email=email,
                name=email.split("@")[0],
                role=role,
                password=PASSWORD,
                site_slugs=sites,
            )
        db.session.commit()
        categories = {c.name: c.id for c in db.session.scalars(select(Category))}
        staff = {
            site.id: [
                user.id
                for user in db.session.scalars(select(User))
                if user.role in ("supervisor", "safety_manager") and site in user.sites
            ]
            for site in db.session.scalars(select(Site))
        }
        fixture = {
            "tables": db.metadata.tables,
            "places": [Place(loc.id, loc.site_id, loc.name) for loc in locations],
            "categories": categories,
            "staff": staff,
            "assets": {key: asset.id for key, asset in assets.items()},
        }
        scratch = Scratch(site_ids=sorted(staff))
        with db.engine.begin() as connection:
            Writer(connection, seed, fixture, scratch).write(count)
            if indexes:
                for statement in PROPOSED_INDEXES:
                    connection.exec_driver_sql(statement)
        db.engine.dispose()
    scratch.seconds = time.perf_counter() - started
    return scratch


@dataclass(frozen=True)
class Place:
    """A location as the fixture needs it."""

    id: int
    site_id: int
    name: str


class Writer:
    """Invents the reports oldest first and writes them with their rows in executemany chunks.

    A report's timeline events match its state (STEPS); a merged report points at an earlier
    report of the same location, which gets the "merged_from" event.
    """

    CHUNK = 5000
    TABLES = ("reports", "report_events", "photos", "messages")
    SHIFTS = ("", " Night shift.", " During the changeover.", " Second time this week.")
    DISMISS = (("hazard", 0.5), ("not_a_near_miss", 0.75), ("incident", 0.95), ("spam", 1.0))

    def __init__(self, connection: Any, seed: int, fixture: dict[str, Any], scratch: Scratch):
        from portal import demo
        from portal.lib.timeutil import utcnow

        self.connection, self.scratch = connection, scratch
        self.tables = fixture["tables"]
        self.places: list[Place] = fixture["places"]
        self.categories: dict[str, int] = fixture["categories"]
        self.staff: dict[int, list[int]] = fixture["staff"]
        self.assets: dict[tuple[int, str], int] = fixture["assets"]
        self.rng = random.Random(seed)
        self.now = utcnow()
        self.stories = demo.STORIES
        self.names = demo.NAMES
        self.weights = [story.weight for story in demo.STORIES]
        self.open_at: dict[int, list[int]] = {}  # open report ids by location, oldest first
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in self.TABLES}
        self.event_id = 0

    def write(self, count: int) -> None:
        span = timedelta(days=3 * 365)
        for report_id in range(1, count + 1):
            jitter = timedelta(minutes=self.rng.randint(0, 90))
            self.report(report_id, self.now - span + span * (report_id / count) - jitter)
            if len(self.rows["reports"]) >= self.CHUNK:
                self.flush()
        self.flush()

    def flush(self) -> None:
        for name in self.TABLES:
            if self.rows[name]:
                self.connection.execute(self.tables[name].insert(), self.rows[name])
                self.scratch.rows[name] = self.scratch.rows.get(name, 0) + len(self.rows[name])
                self.rows[name].clear()

    def report(self, report_id: int, created: datetime) -> None:
        """One report with its events, maybe a photo and a question."""
        rng = self.rng
        story = rng.choices(self.stories, self.weights)[0]
        place = self.places[rng.randrange(len(self.places))]
        state = _state(rng, self.now - created)
        candidates = self.open_at.get(place.id) or []
        if state == "merged" and not candidates:
            state = "dismissed"
        merged_into = candidates[-1] if state == "merged" else None
        steps = STEPS[state]
        if state == "acknowledged" and rng.random() < 0.3:
            steps = steps[:1]  # not classified yet
        owner = rng.choice(self.staff[place.site_id])
        moments, moment = [], created
        for _step in steps:
            moment = min(moment + timedelta(hours=rng.uniform(0.2, 30)), self.now)
            moments.append(moment)
        row = self.report_row(report_id, story, place, state, created)
        row.update(self.triage_fields(story, place, steps, moments, owner, merged_into))
        self.rows["reports"].append(row)
        self.event(report_id, "submitted", created, None)
        for kind, at in zip(steps, moments, strict=True):
            note = f"into report #{merged_into}" if kind == "merged" else None
            self.event(report_id, kind, at, owner, note)
        if merged_into is not None:
            self.event(
                merged_into,
                "merged_from",
                moments[-1],
                owner,
                f"report #{report_id} joined this one",
            )
        self.extras(report_id, created, row, moments, owner)
        if state not in {"merged", "dismissed"}:
            self.open_at.setdefault(place.id, []).append(report_id)
        self.scratch.states[state] = self.scratch.states.get(state, 0) + 1
        self.scratch.report_ids.setdefault(place.site_id, []).append(report_id)

    def report_row(
        self, report_id: int, story: Any, place: Place, state: str, created: datetime
    ) -> dict[str, Any]:
        """What the worker gave: the columns every report has."""
        rng = self.rng
        named = rng.random() < 0.35
        return {
            "id": report_id,
            "site_id": place.site_id,
            "location_id": place.id,
            "where_text": place.name,
            "what_happened": story.what + rng.choice(self.SHIFTS),
            "potential_outcome": story.outcome.value,
            "potential_text": story.words,
            "reporter_name": rng.choice(self.names) if named else None,
            "reporter_role": "worker" if named else None,
            "channel": "qr" if rng.random() < 0.8 else "kiosk",
            "language": "es" if story.what[:2] in {"Se", "La"} else "en",
            "status": state,
            "created_at": created,
            "receipt_hash": f"{rng.getrandbits(256):064x}",
            "submission_key": f"{rng.getrandbits(256):064x}",
            "awaiting_staff": False,
            # the insights columns (the board does not read them): month and hour in UTC here
            "local_month": f"{created.year:04d}-{created.month:02d}",
            "local_hour": created.hour,
            "quality": 2,
        }

    def triage_fields(
        self,
        story: Any,
        place: Place,
        steps: list[str],
        moments: list[datetime],
        owner: int,
        merged_into: int | None,
    ) -> dict[str, Any]:
        """What staff added on the way to the report's state."""
        rng = self.rng
        acknowledged, classified = "acknowledged" in steps, "classified" in steps
        assigned, dismissed = "assigned" in steps, "dismissed" in steps
        severity = rng.randint(*story.severity) if classified else None
        asset = None
        if assigned and rng.random() < 0.6:
            keys = [(place.id, name) for name in story.assets if (place.id, name) in self.assets]
            asset = self.assets[keys[0]] if keys else None
        roll = rng.random()
        reason = next(reason for reason, upto in self.DISMISS if roll < upto)
        return {
            "updated_at": moments[-1] if moments else None,
            "version": 1 + len(steps),
            "acknowledged_at": moments[0] if acknowledged else None,
            "acknowledged_by_id": owner if acknowledged else None,
            "category_id": self.categories[story.category] if classified else None,
            "domain": story.domain.value if classified else None,
            "severity": severity,
            "likelihood": rng.randint(*story.likelihood) if classified else None,
            "high_potential": bool(severity and severity >= 4),
            "high_potential_override": None,
            "owner_id": owner if assigned else None,
            "asset_id": asset,
            "merged_into_id": merged_into,
            "dismiss_reason": reason if dismissed else None,
            "dismiss_note": "Passed to the weekly walk-round." if dismissed else None,
            "whys": None,
            "root_cause": None,
            "contributing_factors": None,
            "last_actor_id": owner if steps else None,
        }

    def extras(
        self,
        report_id: int,
        created: datetime,
        row: dict[str, Any],
        moments: list[datetime],
        owner: int,
    ) -> None:
        """A photo on one report in five; a question on a few anonymous classified ones."""
        row["updated_at"] = row["updated_at"] or created
        if self.rng.random() < 0.2:
            photo = {
                "report_id": report_id,
                "stored_name": f"{self.rng.getrandbits(128):032x}.jpg",
                "position": 0,
                "width": 1280,
                "height": 960,
                "size_bytes": 180_000,
                "created_at": created,
            }
            self.rows["photos"].append(photo)
        if row["category_id"] and not row["reporter_name"] and self.rng.random() < 0.03:
            self.event(report_id, "question", moments[-1], owner)
            question = {
                "report_id": report_id,
                "author_id": owner,
                "body": "Roughly what time was it, and which shift?",
                "internal": False,
                "created_at": moments[-1],
            }
            self.rows["messages"].append(question)

    def event(
        self, report_id: int, kind: str, at: datetime, actor: int | None, note: str | None = None
    ) -> None:
        self.event_id += 1
        public = kind in {"submitted", "acknowledged", "merged", "dismissed", "closed", "question"}
        self.rows["report_events"].append(
            {
                "id": self.event_id,
                "report_id": report_id,
                "kind": kind,
                "actor_id": actor,
                "note": note,
                "public": public,
                "created_at": at,
            }
        )


# --- the timed client ----------------------------------------------------------------------


class Client:
    """One keep-alive connection carrying the session cookie, like one browser tab."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def login(self, email: str) -> None:
        status, page = self.request("GET", "/login")
        match = CSRF_RE.search(page)
        if status != 200 or not match:
            raise SystemExit(f"no login form (status {status})")
        form = urlencode({"email": email, "password": PASSWORD, "csrf_token": match.group(1)})
        status, _page = self.request("POST", "/login", form)
        if status != 303:
            raise SystemExit(f"signing in as {email} failed with status {status}")

    def close(self) -> None:
        self.connection.close()


@dataclass
class Figure:
    label: str
    times_ms: list[float]
    failures: list[str]

    def percentile(self, share: float) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(client: Client, label: str, paths: list[str], warmup: int) -> Figure:
    """Time each path once, in order, after `warmup` untimed requests."""
    figure = Figure(label, [], [])
    for path in paths[:warmup]:
        client.request("GET", path)
    for path in paths:
        started = time.perf_counter()
        status, _body = client.request("GET", path)
        figure.times_ms.append((time.perf_counter() - started) * 1000)
        if status != 200:
            figure.failures.append(f"{status} GET {path}")
    return figure


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000, help="reports in the database")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per figure")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests before each")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the data")
    parser.add_argument("--query", default="forklift", help="the search term of the q= figure")
    parser.add_argument(
        "--proposed-indexes",
        action="store_true",
        help="add the indexes proposed in docs/benchmarks.md to the scratch database",
    )
    args = parser.parse_args()

    port = report_path.free_port()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="closecall-bench-triage-") as tmp:
        scratch_dir = Path(tmp)
        env = report_path.production_environment(scratch_dir, port)
        # The session cookie travels over plain http on loopback.
        env["PORTAL_SECURE_COOKIES"] = "false"
        os.environ.clear()
        os.environ.update(env)
        print(f"writing {args.reports:,} reports ...", flush=True)
        scratch = build_database(args.reports, args.seed, args.proposed_indexes)
        site_a = scratch.site_ids[0]
        everyone = [i for ids in scratch.report_ids.values() for i in ids]
        n = args.requests
        plans = {
            SUPERVISOR: [
                ("GET /triage", ["/triage"] * n),
                (f"GET /triage?q={args.query}", [f"/triage?q={args.query}"] * n),
                ("GET /triage?site=<own>", [f"/triage?site={site_a}"] * n),
                (
                    "GET /reports/<random id>",
                    [f"/reports/{rng.choice(scratch.report_ids[site_a])}" for _ in range(n)],
                ),
            ],
            ADMIN: [
                ("GET /triage", ["/triage"] * n),
                (f"GET /triage?q={args.query}", [f"/triage?q={args.query}"] * n),
                ("GET /triage?site=<A>", [f"/triage?site={site_a}"] * n),
                ("GET /triage?overdue=1", ["/triage?overdue=1"] * n),
                (
                    "GET /reports/<random id>",
                    [f"/reports/{rng.choice(everyone)}" for _ in range(n)],
                ),
            ],
            SAFETY: [
                ("GET /triage", ["/triage"] * n),
                ("GET /triage?overdue=1", ["/triage?overdue=1"] * n),
            ],
            VIEWER: [("GET /triage", ["/triage"] * n)],
        }
        results: list[tuple[str, Figure]] = []
        with report_path.gunicorn(scratch_dir, port):
            for who, figures in plans.items():
                client = Client(port)
                client.login(who)
                for label, paths in figures:
                    print(f"timing {who.split('@')[0]}: {label} ...", flush=True)
                    results.append((who, measure(client, label, paths, args.warmup)))
                client.close()

    role = {
        SUPERVISOR: "supervisor (1 site)",
        ADMIN: "admin (all sites)",
        SAFETY: "safety mgr (2 sites)",
        VIEWER: "viewer (2 sites)",
    }
    print()
    print(
        f"Closecall triage board and report page: gunicorn gthread, "
        f"{env.get('GUNICORN_WORKERS', '1')} worker x {env.get('GUNICORN_THREADS', '8')} threads, "
        f"SQLite {sqlite3.sqlite_version} (WAL), production settings"
    )
    print(
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{platform.machine()}; one keep-alive client, requests one after another"
    )
    states = ", ".join(f"{state} {number:,}" for state, number in sorted(scratch.states.items()))
    rows = ", ".join(f"{name} {number:,}" for name, number in scratch.rows.items())
    print(f"data: {args.reports:,} reports written in {scratch.seconds:.1f} s ({states})")
    if args.proposed_indexes:
        print("with the proposed indexes: " + "; ".join(PROPOSED_INDEXES))
    print(f"rows: {rows}\n")
    heading = ("", "", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms")
    print("{:22} {:30} {:>8} {:>8} {:>8} {:>8} {:>8}".format(*heading), end="")
    print(f"  target: p95 < {TARGET_P95_MS:.0f} ms")
    failures = []
    for who, figure in results:
        p95 = figure.percentile(0.95)
        verdict = "met" if p95 < TARGET_P95_MS else "MISSED"
        print(
            f"{role[who]:22} {figure.label:30} {len(figure.times_ms):>8} "
            f"{statistics.median(figure.times_ms):>8.1f} {p95:>8.1f} "
            f"{figure.percentile(0.99):>8.1f} {max(figure.times_ms):>8.1f}  {verdict}"
        )
        failures += figure.failures
    print()
    print(f"{'ok  ' if not failures else 'FAIL'} every answer 200 ({len(failures)} failed)")
    for line in failures[:10]:
        print(f"     {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
