# ruff: noqa: E501 - the table of the data set reads best one report per line
"""A small, hand-counted data set for the indicator tests (the expected figures are worked
out by hand in each test; see the table below).

Now is 2026-06-15 12:00 UTC; the scope is April-June 2026, sites A, B and C.

  #   site/place  created (UTC)      month  status        hipo ack after  closed after cat  asset hour q
  1   A  Dock 1   2026-04-10 08:00   04     closed        no   2 h        10 d         Veh  -     8    4 named worker
  2   A  Dock 1   2026-04-20 10:00   04     in_progress   yes  30 h       -            Veh  -     15   0
  3   A  Dock 1   2026-05-05 09:00   05     closed        yes  1 h        3 d 5 h      Veh  -     23   2
  4   A  Press    2026-05-06 09:00   05     dismissed     no   1 h        -            -    X     9    3
  5   A  Press    2026-06-14 20:00   06     new           no   -          -            -    X     22   1
  6   A  Press    2026-06-01 08:00   06     new           no   -          -            -    X     6    1
  7   A  Dock 1   2026-03-30 08:00   03     closed        no   1 h        2 d          Veh  -     10   2
  8   A  Press    2026-05-10 09:00   05     merged        no   1 h        -            -    X     11   2
  9   B  Aisle 9  2026-04-02 15:00   04     closed        no   5 h        20 d         Veh  -     13   3 named contractor
  10  B  Aisle 9  2026-06-02 12:00   06     fixed         no   10 h       -            Ele  -     2    2
  11  A  Press    2026-06-10 09:00   06     acknowledged  no   2 h        -            -    X     11   2

Hours worked: A Apr 100,000, May 100,000 (June not entered); B Apr, May, Jun 50,000 each;
C ("Charlie Yard", no reports) Apr 100,000. Site B's shifts: Day from 07, Night from 19.

Actions (site of their report): a1 r1 due 04-15 verified engineering; a2 r2 due 05-01 open
administrative; a3 r3 due 05-20 verified elimination; a4 r10 due 06-20 open ppe; a5 r9 due
04-10 cancelled engineering; a6 r6 due 06-10 open administrative; a7 r1 due 06-15 open
engineering; a8 r3 due 05-25 done substitution.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.indicators.scope import Scope
from portal.models import (
    Asset,
    Category,
    CorrectiveAction,
    ExposureHours,
    Location,
    Report,
    Site,
    User,
)
from tests.factories.people import World, make_location, make_site

NOW = datetime(2026, 6, 15, 12, 0)


@dataclass(frozen=True)
class Small:
    site_a: int
    site_b: int
    site_c: int
    reports: dict[int, int]  # number in the table -> id
    actions: dict[str, int]
    dock: int
    press: int
    aisle: int
    vehicles: int
    asset_x: int

    def scope(
        self, *, sites: tuple[int, ...] | None = None, first: str = "2026-04", last: str = "2026-06"
    ) -> Scope:
        return Scope(
            site_ids=sites or (self.site_a, self.site_b, self.site_c),
            first_month=first,
            last_month=last,
            now=NOW,
        )


ROWS = [
    # n, site, place, created, status, hipo, ack_h, closed_after, category, asset, hour, quality, name, role
    (1, "a", "dock", datetime(2026, 4, 10, 8), "closed", False, 2, timedelta(days=10), "veh", False, 8, 4, "Ana", "worker"),
    (2, "a", "dock", datetime(2026, 4, 20, 10), "in_progress", True, 30, None, "veh", False, 15, 0, None, None),
    (3, "a", "dock", datetime(2026, 5, 5, 9), "closed", True, 1, timedelta(days=3, hours=5), "veh", False, 23, 2, None, None),
    (4, "a", "press", datetime(2026, 5, 6, 9), "dismissed", False, 1, None, None, True, 9, 3, None, None),
    (5, "a", "press", datetime(2026, 6, 14, 20), "new", False, None, None, None, True, 22, 1, None, None),
    (6, "a", "press", datetime(2026, 6, 1, 8), "new", False, None, None, None, True, 6, 1, None, None),
    (7, "a", "dock", datetime(2026, 3, 30, 8), "closed", False, 1, timedelta(days=2), "veh", False, 10, 2, None, None),
    (8, "a", "press", datetime(2026, 5, 10, 9), "merged", False, 1, None, None, True, 11, 2, None, None),
    (9, "b", "aisle", datetime(2026, 4, 2, 15), "closed", False, 5, timedelta(days=20), "veh", False, 13, 3, "Bo", "contractor"),
    (10, "b", "aisle", datetime(2026, 6, 2, 12), "fixed", False, 10, None, "ele", False, 2, 2, None, None),
    (11, "a", "press", datetime(2026, 6, 10, 9), "acknowledged", False, 2, None, None, True, 11, 2, None, None),
]  # fmt: skip

ACTIONS = [
    # key, report n, due, status, level
    ("a1", 1, date(2026, 4, 15), "verified", "engineering"),
    ("a2", 2, date(2026, 5, 1), "open", "administrative"),
    ("a3", 3, date(2026, 5, 20), "verified", "elimination"),
    ("a4", 10, date(2026, 6, 20), "open", "ppe"),
    ("a5", 9, date(2026, 4, 10), "cancelled", "engineering"),
    ("a6", 6, date(2026, 6, 10), "open", "administrative"),
    ("a7", 1, date(2026, 6, 15), "open", "engineering"),
    ("a8", 3, date(2026, 5, 25), "done", "substitution"),
]


def report_row(n: object, *, created: datetime, **fields: object) -> Report:
    """A stored report with a history given row by row (status, times, figures), added to the
    session as it is, not through the loop: data sets whose figures are counted by hand."""
    values: dict[str, object] = {
        "where_text": "at the spot",
        "what_happened": f"Near miss {n}",
        "potential_outcome": "serious_injury",
        "channel": "qr",
        "language": "en",
        "created_at": created,
        "receipt_hash": f"receipt-{n}",
        "submission_key": f"key-{n}",
        "local_month": f"{created.year}-{created.month:02d}",
        **fields,
    }
    report = Report(**values)
    db.session.add(report)
    return report


def build(world: World) -> Small:
    """Insert the table above (inside an app context) and return the ids."""
    site_a, site_b = db.session.get(Site, world.site_a), db.session.get(Site, world.site_b)
    site_b.shifts = [{"name": "Day", "start": 7}, {"name": "Night", "start": 19}]
    site_c = make_site("Charlie Yard", "charlie", "Europe/London")
    dock = db.session.scalar(select(Location).where(Location.code == world.location_a))
    aisle = db.session.scalar(select(Location).where(Location.code == world.location_b))
    press = make_location(site_a, "Press line")
    asset_x = Asset(location=press, name="Press 4")
    db.session.add(asset_x)
    categories = {c.name: c for c in db.session.scalars(select(Category))}
    category = {"veh": categories["Vehicles and traffic"], "ele": categories["Electrical"]}
    sites = {"a": site_a, "b": site_b}
    places = {"dock": dock, "press": press, "aisle": aisle}
    reports: dict[int, Report] = {}
    for n, site, place, created, status, hipo, ack, closed, cat, asset, hour, q, name, role in ROWS:
        report = report_row(
            n,
            created=created,
            site=sites[site],
            location=places[place],
            where_text=places[place].name,
            what_happened=f"Near miss number {n}",
            reporter_name=name,
            reporter_role=role,
            status=status,
            local_hour=hour,
            quality=q,
            high_potential=hipo,
            severity=4 if hipo else 2,
            acknowledged_at=created + timedelta(hours=ack) if ack is not None else None,
            closed_at=created + closed if closed else None,
            category=category[cat] if cat else None,
            asset=asset_x if asset else None,
        )
        reports[n] = report
    db.session.flush()
    owner = db.session.get(User, world.supervisor_a.id)
    actions: dict[str, CorrectiveAction] = {}
    for key, n, due, status, level in ACTIONS:
        action = CorrectiveAction(
            report=reports[n],
            site_id=reports[n].site_id,
            description=f"Action {key}",
            control_level=level,
            owner=owner,
            due_on=due,
            status=status,
        )
        db.session.add(action)
        actions[key] = action
    for site, month, hours in [
        (site_a, "2026-04", 100_000),
        (site_a, "2026-05", 100_000),
        (site_b, "2026-04", 50_000),
        (site_b, "2026-05", 50_000),
        (site_b, "2026-06", 50_000),
        (site_c, "2026-04", 100_000),
    ]:
        db.session.add(ExposureHours(site_id=site.id, month=month, hours=hours))
    db.session.commit()
    return Small(
        site_a=site_a.id,
        site_b=site_b.id,
        site_c=site_c.id,
        reports={n: r.id for n, r in reports.items()},
        actions={k: a.id for k, a in actions.items()},
        dock=dock.id,
        press=press.id,
        aisle=aisle.id,
        vehicles=category["veh"].id,
        asset_x=asset_x.id,
    )
