"""/followup: type the receipt code, see what happened to the report."""

from __future__ import annotations

from flask import Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_limiter import RequestLimit

from portal.extensions import limiter
from portal.followup import bp, status
from portal.followup.forms import LookupForm
from portal.i18n import current_language
from portal.security import mark_public


def _followup_limit() -> str:
    return current_app.config["FOLLOWUP_RATE_LIMIT"]


def _no_code_given() -> bool:
    return not request.values.get("code")


def _render(
    form: LookupForm,
    view: status.PublicView | None = None,
    problem: str | None = None,
    code: int = 200,
) -> tuple[str, int]:
    form.lang.data = current_language()
    return render_template("followup/lookup.html", form=form, view=view, problem=problem), code


def _on_breach(_limit: RequestLimit) -> Response:
    mark_public()
    problem = _("Too many tries from this device. Please wait a few minutes and try again.")
    return current_app.make_response(_render(LookupForm(request.values), problem=problem, code=429))


@bp.route("/followup", methods=["GET", "POST"])
@limiter.limit(_followup_limit, exempt_when=_no_code_given, on_breach=_on_breach)
def lookup() -> tuple[str, int]:
    """Look a report up by its receipt code (POST keeps the code out of URLs and logs)."""
    mark_public()
    form = LookupForm(request.values if request.values.get("code") else None)
    if not request.values.get("code"):
        return _render(form)
    if not form.validate():
        return _render(form, code=422)
    report = status.find_by_code(form.code.data)
    if report is None:
        problem = _("We could not find a report with this code. Please check it and try again.")
        return _render(form, problem=problem, code=404)
    return _render(form, view=status.public_view(report))
