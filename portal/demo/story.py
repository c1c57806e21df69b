"""What a demo story is: one kind of near miss as a worker tells it, and how staff triage it.
The stories themselves are in portal/demo/stories.py and portal/demo/dismissals.py."""

from __future__ import annotations

from dataclasses import dataclass

from portal.demo.investigations import Investigation
from portal.models import DismissReason, Domain, PotentialOutcome

# shorthands the story lists use
S = Domain.SAFETY
Q = Domain.QUALITY
E = Domain.ENVIRONMENTAL
SEC = Domain.SECURITY
SERIOUS = PotentialOutcome.SERIOUS_INJURY
MINOR = PotentialOutcome.MINOR_INJURY
DAMAGE = PotentialOutcome.DAMAGE_ONLY
OTHER = PotentialOutcome.OTHER


@dataclass(frozen=True)
class Story:
    """One kind of near miss: the worker's words, and how staff triage it."""

    what: str
    outcome: PotentialOutcome
    words: str | None
    places: tuple[str, ...]
    category: str
    domain: Domain
    severity: tuple[int, int]
    likelihood: tuple[int, int]
    weight: int = 5  # how often it happens: most near misses are minor housekeeping
    assets: tuple[str, ...] = ()  # the first of these found at the location is linked
    investigation: Investigation | None = None  # the 5 Whys, when staff investigate it
    hazard: bool = False  # a condition without an event: sometimes dismissed as a hazard
    # a written reason to override the automatic high-potential flag, sometimes used
    override: tuple[bool, str] | None = None
    # stories that are never near misses: dismissed with this reason and note
    dismiss: tuple[DismissReason, str] | None = None
