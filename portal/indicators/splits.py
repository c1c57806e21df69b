"""Where reports come from: by location, category, shift, time of day and reporting source,
and how complete they are. Counts come from GROUP BY queries; names are added afterwards."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from portal.domain import labels
from portal.domain.quality import QUALITY_MAX
from portal.extensions import db
from portal.indicators import reports as counts
from portal.indicators.scope import Scope
from portal.indicators.shifts import Shift, shift_of, shifts_from
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import Category, Location, Site

# time-of-day bands (site local time), for sites whose shifts are not the question
HOUR_BANDS = (
    ("night", _l("Night (00-06)"), range(0, 6)),
    ("morning", _l("Morning (06-12)"), range(6, 12)),
    ("afternoon", _l("Afternoon (12-18)"), range(12, 18)),
    ("evening", _l("Evening (18-24)"), range(18, 24)),
)
ROLE_LABELS = {**labels.REPORTER_ROLE, None: labels.NO_ROLE}
TOP_LOCATIONS = 10


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    key: str = ""


def _rows(counter: Counter, names: dict) -> list[Row]:
    return [Row(label=str(names[key]), count=n, key=str(key)) for key, n in counter.most_common()]


def by_category(scope: Scope, places: dict[tuple[int, int | None], int] | None = None) -> list[Row]:
    """Reports per category, largest first; reports not classified yet in their own row.
    `places`: the scope's counts.place_counts, when the caller has them already."""
    counter: Counter = Counter()
    for (_location, category_id), n in (
        counts.place_counts(scope) if places is None else places
    ).items():
        counter[category_id] += n
    names = dict(db.session.execute(select(Category.id, Category.name)).all())
    names[None] = _l("Not classified yet")
    return _rows(counter, names)


def by_location(
    scope: Scope,
    limit: int = TOP_LOCATIONS,
    places: dict[tuple[int, int | None], int] | None = None,
) -> list[Row]:
    """The locations with the most reports (site — location), the rest summed as one row."""
    counter: Counter = Counter()
    for (location_id, _category), n in (
        counts.place_counts(scope) if places is None else places
    ).items():
        counter[location_id] += n
    top = counter.most_common(limit)
    ids = [location_id for location_id, _ in top]
    names = {
        location_id: f"{site} — {place}"
        for location_id, site, place in db.session.execute(
            select(Location.id, Site.name, Location.name).join(Site).where(Location.id.in_(ids))
        )
    }
    rows = [Row(label=names[i], count=n, key=str(i)) for i, n in top]
    rest = sum(counter.values()) - sum(n for _, n in top)
    if rest:
        rows.append(Row(label=str(_l("All other locations")), count=rest, key="other"))
    return rows


def by_shift(scope: Scope, hours: dict[tuple[int, int], int] | None = None) -> list[Row]:
    """Reports per shift, each site's hours folded into that site's own shifts; shifts of
    the same name at different sites add up. In order of the shifts' start hours."""
    hours = counts.profile(scope).hours if hours is None else hours
    query = select(Site.id, Site.shifts).where(Site.id.in_(scope.site_ids or (-1,)))
    shifts = {site_id: shifts_from(spec) for site_id, spec in db.session.execute(query)}
    totals: Counter = Counter()
    found: dict[str, Shift] = {}
    for (site_id, hour), n in hours.items():
        shift = shift_of(shifts.get(site_id) or shifts_from(None), hour)
        totals[shift.name] += n
        if shift.name not in found or shift.start < found[shift.name].start:
            found[shift.name] = shift
    starts = {name: shift.start for name, shift in found.items()}
    return [
        Row(label=found[name].label, count=totals[name], key=name)
        for name in sorted(totals, key=lambda name: starts[name])
    ]


def by_time_of_day(scope: Scope, hours: dict[tuple[int, int], int] | None = None) -> list[Row]:
    """Reports per six-hour band of the local day, in the order of the day."""
    hours = counts.profile(scope).hours if hours is None else hours
    per_hour: Counter = Counter()
    for (_, hour), n in hours.items():
        per_hour[hour] += n
    return [
        Row(label=str(label), count=sum(per_hour[h] for h in band), key=key)
        for key, label, band in HOUR_BANDS
    ]


@dataclass(frozen=True)
class Sources:
    anonymous: int
    named: int
    by_role: list[Row]
    by_channel: list[Row]

    @property
    def total(self) -> int:
        return self.anonymous + self.named


def by_source(scope: Scope, who: counts.Profile | None = None) -> Sources:
    """Anonymous vs named, the reporter's role (as they gave it) and the channel."""
    who = counts.profile(scope) if who is None else who
    roles = Counter(who.roles)
    channels = Counter({channel: n for channel, n in who.channels.items() if n})
    role_rows = [
        Row(label=str(label), count=roles[key], key=str(key or "none"))
        for key, label in ROLE_LABELS.items()
        if roles[key]
    ]
    return Sources(
        anonymous=who.anonymous,
        named=who.named,
        by_role=role_rows,
        by_channel=_rows(
            channels, {**labels.CHANNEL, **{k: k for k in channels if k not in labels.CHANNEL}}
        ),
    )


@dataclass(frozen=True)
class Quality:
    """The distribution of quality scores 0-4 and their mean."""

    counts: list[int]  # index = score

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> float | None:
        return counts.share(sum(s * n for s, n in enumerate(self.counts)), self.total)


def quality(scope: Scope, who: counts.Profile | None = None) -> Quality:
    found = (counts.profile(scope) if who is None else who).quality
    return Quality(counts=[found.get(score, 0) for score in range(QUALITY_MAX + 1)])
