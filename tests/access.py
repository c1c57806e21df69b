"""The expected answers of the access matrices: status by persona, for (an object of site A,
an object of site B). "ok" stands for the route's own success status (200 for a page or form,
422 for a post of an empty form, 303 after a change)."""

from __future__ import annotations

PERSONAS = ("admin", "safety", "supervisor_a", "supervisor_b", "viewer_a", "anonymous")

# a list with no object: every signed-in persona sees it (their own sites' rows)
LIST = {
    "admin": (200, 200),
    "safety": (200, 200),
    "supervisor_a": (200, 200),
    "supervisor_b": (200, 200),
    "viewer_a": (200, 200),
    "anonymous": (302, 302),
}
# reading an object: staff of its site; other sites answer 404 so it does not leak
READ = {
    "admin": (200, 200),
    "safety": (200, 404),
    "supervisor_a": (200, 404),
    "supervisor_b": (404, 200),
    "viewer_a": (200, 404),
    "anonymous": (302, 302),
}
# acting on an object: triage staff of its site; viewers 403
ACT = {
    "admin": ("ok", "ok"),
    "safety": ("ok", 404),
    "supervisor_a": ("ok", 404),
    "supervisor_b": (404, "ok"),
    "viewer_a": (403, 404),
    "anonymous": (302, 302),
}
# READ where the success status is the route's own
READ_OK = {persona: tuple("ok" if s == 200 else s for s in pair) for persona, pair in READ.items()}
