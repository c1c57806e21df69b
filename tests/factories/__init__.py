"""Test data, made the way the portal makes it. Every builder of the suite lives here, one
module per aggregate; conftests hold fixtures only, and fixtures call these.

- people: sites, locations, assets, recipients, users and the World of two sites and personas
- web: a test client's side (signing in, CSRF tokens, the worker's form, htmx headers)
- reports: reports through loop.submit, and loop steps as a persona
- clock: time passing (an anonymous report reaches staff when its hour is over)
- actions: corrective actions through corrective.add, and their steps
- publishing: closed reports, published fixes and public "after" photos
- photos: small image files
- small_world: the indicators' hand-counted data set (stored rows with a history)
- hostile: XSS, template and CSV-formula payloads stored in every free-text field
"""

from tests.factories.actions import ACTION, add_action, change, fetch_action, today
from tests.factories.clock import time_passes
from tests.factories.people import (
    PASSWORD,
    Ids,
    Persona,
    TwoFactor,
    World,
    build_world,
    location_at,
    make_asset,
    make_location,
    make_recipient,
    make_site,
    make_user,
    turn_on_two_factor,
    world_ids,
)
from tests.factories.photos import jpeg, png
from tests.factories.publishing import (
    JPEG,
    NAME,
    PUBLIC_WHAT,
    RAW,
    ROLE,
    ROLE_LABEL,
    SUMMARY,
    Closed,
    make_closed,
    photo_public,
    publish,
    unpublish,
)
from tests.factories.reports import (
    WHAT,
    Made,
    act,
    fetch,
    make_report,
    mark_high_potential,
    new_report,
    reporter_answers,
    submit,
)
from tests.factories.web import (
    HX,
    RECEIPT_RE,
    LoginActions,
    csrf_token,
    form_token,
    post,
    receipt_in,
    report_answers,
    session_csrf,
    text,
    version_in,
)

__all__ = [
    "ACTION",
    "HX",
    "JPEG",
    "NAME",
    "PASSWORD",
    "PUBLIC_WHAT",
    "RAW",
    "RECEIPT_RE",
    "ROLE",
    "ROLE_LABEL",
    "SUMMARY",
    "WHAT",
    "Closed",
    "Ids",
    "LoginActions",
    "Made",
    "Persona",
    "TwoFactor",
    "World",
    "act",
    "add_action",
    "build_world",
    "change",
    "csrf_token",
    "fetch",
    "fetch_action",
    "form_token",
    "jpeg",
    "location_at",
    "make_asset",
    "make_closed",
    "make_location",
    "make_recipient",
    "make_report",
    "make_site",
    "make_user",
    "mark_high_potential",
    "new_report",
    "photo_public",
    "png",
    "post",
    "publish",
    "receipt_in",
    "report_answers",
    "reporter_answers",
    "session_csrf",
    "submit",
    "text",
    "time_passes",
    "today",
    "turn_on_two_factor",
    "unpublish",
    "version_in",
    "world_ids",
]
