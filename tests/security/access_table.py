"""Who may reach every endpoint of the app: each one's kind of access, written out by hand.

Each endpoint of the url_map (but `static`) has a row here: its kind, the methods it takes with
the status it answers when the access is granted ("ok": a page 200, a post of an empty form 422,
a post that needs no answers 303), and how its URL points at the sample object of site A or B
(tests/security/routes.py). A kind maps every persona to the status expected for (site A,
site B). tests/security/test_access_matrix.py requests every row as every persona at both
sites, and fails for a route that has no row here.

The kinds follow the access checks of the views (portal/domain/permissions.py, portal/*/access.py,
portal/admin/assets.py, portal/admin/recipients.py, portal/insights/talks.py): an object at a
site the user cannot see answers 404, so its existence does not leak; a site they see without
the right role answers 403; anonymous visitors are sent to sign in (htmx: 401 and HX-Redirect).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.access import ACT, LIST, PERSONAS, READ_OK

Expected = dict[str, tuple[int | str, int | str]]

# anyone, signed in or not: the worker's pages, the feed and the wall display
PUBLIC: Expected = {persona: ("ok", "ok") for persona in PERSONAS}
# the sign-in page: staff already signed in are sent to their home page
SIGN_IN: Expected = {
    **{persona: (303, 303) for persona in PERSONAS if persona != "anonymous"},
    "anonymous": ("ok", "ok"),
}
# the second step of signing in (a code after the password): without a right password first it
# sends to the sign-in page, signed-in staff to their home page; never a page of its own
SECOND_STEP: Expected = {persona: (303, 303) for persona in PERSONAS}
# company sign-in (OpenID Connect): off unless PORTAL_OIDC_ISSUER is set, as in these tests,
# and then its routes do not exist for anyone (tests/auth/test_company.py tests them on)
COMPANY_OFF: Expected = {persona: (404, 404) for persona in PERSONAS}
# signing out: any signed-in staff
SIGNED_IN: Expected = {
    **{persona: ("ok", "ok") for persona in PERSONAS if persona != "anonymous"},
    "anonymous": (302, 302),
}
# sites, locations, categories, exposure hours, shifts: admins only, everyone else 403
ADMIN: Expected = {
    "admin": ("ok", "ok"),
    "safety": (403, 403),
    "supervisor_a": (403, 403),
    "supervisor_b": (403, 403),
    "viewer_a": (403, 403),
    "anonymous": (302, 302),
}
# a site's posters and QR codes, a location's assets: admins and the site's triage staff
# (safety managers, supervisors); viewers 403 at their site, another site 404
SITE_KEEPERS: Expected = ACT
# the list of printable posters: no object; staff of any triage role, viewers 403
PRINTERS: Expected = {
    "admin": ("ok", "ok"),
    "safety": ("ok", "ok"),
    "supervisor_a": ("ok", "ok"),
    "supervisor_b": ("ok", "ok"),
    "viewer_a": (403, 403),
    "anonymous": (302, 302),
}
# a site's extra recipients (HR, chat hooks): admins and the site's safety managers
RECIPIENTS: Expected = {
    "admin": ("ok", "ok"),
    "safety": ("ok", 404),
    "supervisor_a": (403, 404),
    "supervisor_b": (404, 403),
    "viewer_a": (403, 404),
    "anonymous": (302, 302),
}
# the People page and inviting: admins and safety managers (who see their sites' people)
PEOPLE: Expected = {
    "admin": ("ok", "ok"),
    "safety": ("ok", "ok"),
    "supervisor_a": (403, 403),
    "supervisor_b": (403, 403),
    "viewer_a": (403, 403),
    "anonymous": (302, 302),
}
# a person (the sample viewer of the site): admins, and the safety managers of every one of
# the person's sites; another site's person answers 404, staff who manage nobody 403
PERSON: Expected = {**PEOPLE, "safety": ("ok", 404)}
# a public "after" photo: only of a published fix, for anyone; the samples' fix is not
# published, so it is 404 for everyone, staff included (tests/feed/test_public_photo.py shows
# the published case)
UNPUBLISHED: Expected = {persona: (404, 404) for persona in PERSONAS}

KINDS: dict[str, Expected] = {
    "public": PUBLIC,
    "sign-in": SIGN_IN,
    "second-step": SECOND_STEP,
    "company-off": COMPANY_OFF,
    "signed-in": SIGNED_IN,
    # a list without an object: any signed-in staff, its rows those of their sites
    # (`?site=` of a site they do not see is ignored, not an error)
    "staff-list": LIST,
    # an object at a site: staff of that site read it
    "read": READ_OK,
    # a change to an object: the triage staff (admin, safety manager, supervisor) of its site
    "act": ACT,
    # marking an action done: its owner or the site's triage staff; the samples' owners are
    # the sites' supervisors, so the answers are those of "act"
    "complete": ACT,
    "admin": ADMIN,
    "site-keepers": SITE_KEEPERS,
    "printers": PRINTERS,
    "recipients": RECIPIENTS,
    "unpublished": UNPUBLISHED,
    "people": PEOPLE,
    "person": PERSON,
}


@dataclass(frozen=True)
class Row:
    """One endpoint: its kind, the "ok" status of each method it takes (None: not taken), and
    what its request carries besides the URL's arguments."""

    kind: str
    get: int | None = None
    post: int | None = None
    # URL arguments filled from another sample than their own name: {"action_id": "done_action_id"}
    args: dict[str, str] = field(default_factory=dict)
    # a query string, filled from the samples: "site={site_id}"
    query: str = ""
    # the minimal form a post sends besides the CSRF token, filled from the samples
    form: dict[str, str] = field(default_factory=dict)
    # sent as htmx (the route answers plain visits with a redirect); anonymous visitors of a
    # staff route then get 401 and HX-Redirect instead of 302
    htmx: bool = False

    @property
    def methods(self) -> tuple[str, ...]:
        """The methods this row expects the route to take."""
        return tuple(m for m, ok in (("GET", self.get), ("POST", self.post)) if ok is not None)

    def ok(self, method: str) -> int:
        """The route's own success status for `method`."""
        status = self.get if method == "GET" else self.post
        assert status is not None, f"{method} is not in this row"
        return status


SITE = "site={site_id}"
THEME = "location={location_id}&category={category_id}"
DONE = {"action_id": "done_action_id"}  # the action that is done, with a photo of the fix

TABLE: dict[str, Row] = {
    # -- the worker's pages: no sign-in, no cookie
    "report_form.index": Row("public", get=200),
    "report_form.qr_form": Row("public", get=200),
    # the start page's "type the code from the poster": no code typed is a 422 with a message
    "report_form.poster_code": Row("public", get=422),
    # a post without its signed one-time token is sent back to be checked and sent again
    "report_form.qr_submit": Row("public", post=422),
    "report_form.kiosk_form": Row("public", get=200),
    "report_form.kiosk_submit": Row("public", post=422),
    "followup.lookup": Row("public", get=200, post=200),
    # the receipt of the sample report, but no signed token: refused
    "followup.answer": Row("public", post=422, form={"code": "{receipt}"}),
    # ... and "is it fixed?" of a report that is not fixed yet: nothing to answer
    "followup.fixed": Row("public", post=409, form={"code": "{receipt}"}),
    "feed.index": Row("public", get=200),
    "feed.site": Row("public", get=200),
    "feed.atom_feed": Row("public", get=200),
    "feed.site_atom": Row("public", get=200),
    "feed.photo": Row("unpublished", get=404),
    "display.page": Row("public", get=200),
    "display.content": Row("public", get=200, htmx=True),
    "healthz": Row("public", get=200),
    # -- signing in and out
    "auth.login": Row("sign-in", get=200, post=422),
    "auth.second_step": Row("second-step", get=303, post=303),
    "auth.company_start": Row("company-off", get=404),
    "auth.company_callback": Row("company-off", get=404),
    "auth.logout": Row("signed-in", post=303),
    # -- lists of the user's sites
    "staff.home": Row("staff-list", get=200),
    "triage.board": Row("staff-list", get=200, query=SITE),
    "triage.updates": Row("staff-list", get=200, query=SITE + "&since=0", htmx=True),
    "triage.column": Row("staff-list", get=200, query=SITE + "&shown=0"),
    "closeout.column": Row("staff-list", get=200, query=SITE + "&shown=0"),
    "closeout.board": Row("staff-list", get=200, query=SITE),
    "insights.leadership": Row("staff-list", get=200, query=SITE),
    "insights.supervisor": Row("staff-list", get=200, query=SITE),
    "insights.details": Row("staff-list", get=200, query=SITE),
    "insights.review": Row("staff-list", get=200, query=SITE),
    "insights.export_reports": Row("staff-list", get=200, query=SITE),
    "insights.export_actions": Row("staff-list", get=200, query=SITE),
    # -- reading an object
    "staff.photo": Row("read", get=200),
    "report_page.show": Row("read", get=200),
    "triage.card": Row("read", get=200),
    "closeout.card": Row("read", get=200),
    "closeout.photo": Row("read", get=200, args=DONE),
    "insights.theme": Row("read", get=200, query=THEME),
    "insights.talk": Row("read", get=200, query=THEME),
    # -- acting on a report
    "triage.acknowledge": Row("act", post=422),
    "triage.classify": Row("act", get=200, post=422),
    "triage.assign": Row("act", get=200, post=422),
    "triage.merge": Row("act", get=200, post=422),
    "triage.dismiss": Row("act", get=200, post=422),
    "triage.ask": Row("act", get=200, post=422),
    "report_page.message": Row("act", post=422),
    "report_page.investigate": Row("act", post=422),
    "report_page.answers_read": Row("act", post=303),
    "report_page.add_action": Row("act", post=422),
    "report_page.summary": Row("act", post=422),
    "report_page.answer_doubt": Row("act", post=422),
    "report_page.publish": Row("act", post=422),
    # the sample report is not published: a conflict, once the access is granted
    "report_page.unpublish": Row("act", post=409),
    "report_page.photo_public": Row("act", post=422),
    # entering a report on someone's behalf at a location (without ?location=: the choice of
    # places, tests/report_page/test_access.py)
    "report_page.new": Row("act", get=200, post=422, query="location={location_id}"),
    # -- acting on a corrective action
    "closeout.complete": Row("complete", get=200, post=422),
    "closeout.verify": Row("act", get=200, post=422, args=DONE),
    "closeout.reopen": Row("act", post=422, args=DONE),
    "closeout.reassign": Row("act", get=200, post=422),
    "closeout.due": Row("act", get=200, post=422),
    "closeout.cancel": Row("act", get=200, post=422),
    # -- administration: admins only (an edit form posted with the CSRF token alone keeps the
    # object's values, so it is saved unchanged: 303)
    "admin.sites": Row("admin", get=200),
    "admin.new_site": Row("admin", get=200, post=422),
    "admin.edit_site": Row("admin", get=200, post=303),
    "admin.shifts": Row("admin", get=200, post=422),
    "admin.default_shifts": Row("admin", post=303),
    "admin.new_location": Row("admin", get=200, post=422, query=SITE),
    "admin.edit_location": Row("admin", get=200, post=303),
    "admin.categories": Row("admin", get=200, post=422),
    "admin.edit_category": Row("admin", get=200, post=303),
    "admin.move_category_view": Row("admin", post=303),
    "admin.retire_category": Row("admin", post=303),
    # an empty grid changes no hours: saved
    "admin.exposure": Row("admin", get=200, post=303),
    # -- a site's posters and asset lists: the site's triage staff
    "admin.site_posters": Row("site-keepers", get=200),
    "admin.location_poster": Row("site-keepers", get=200),
    "admin.location_qr_png": Row("site-keepers", get=200),
    "admin.location_qr_svg": Row("site-keepers", get=200),
    "admin.posters": Row("printers", get=200),
    "admin.assets": Row("site-keepers", get=200, post=422),
    "admin.edit_asset": Row("site-keepers", get=200, post=303),
    "admin.retire_asset": Row("site-keepers", post=303),
    # -- a site's extra recipients: admins and the site's safety managers
    "admin.recipients": Row("recipients", get=200, post=422),
    "admin.retire_recipient": Row("recipients", post=303),
    # -- staff accounts (portal/people/): the sample person is a viewer of the site who was
    # invited and has not joined yet; renewing the invitation shows the new link (200)
    "people.index": Row("people", get=200),
    "people.invite": Row("people", get=200, post=422),
    "people.person": Row("person", get=200, post=422),
    "people.access": Row("person", post=303),
    "people.renew": Row("person", post=200),
    "people.changes": Row("admin", get=200),
    "people.export_changes": Row("admin", get=200),
    # -- a person's own account through a one-time link (another invited viewer's): anyone holding
    # the link; a post without a password is sent back
    "account.welcome": Row("public", get=200, post=422),
    "account.reset": Row("public", get=200, post=422),
    "account.forgot": Row("public", get=200, post=422),
    "account.profile": Row("signed-in", get=200, post=422),
    "account.change_password": Row("signed-in", post=422),
    # two-step sign-in of one's own account: set up (a page; a post without the password and
    # code is sent back), turn off and new recovery codes (the password first)
    "account.two_factor_setup": Row("signed-in", get=200, post=422),
    "account.two_factor_off": Row("signed-in", post=422),
    "account.recovery_codes": Row("signed-in", post=422),
    # turning off a managed person's two-step sign-in (the sample person has none: said so)
    "people.two_factor_reset": Row("person", post=303),
}

# served by Flask itself, to anyone: not an access decision of the app
UNLISTED = frozenset({"static"})
