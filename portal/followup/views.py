"""/followup: type the receipt code, see what happened to the report, answer a question,
say whether it is really fixed."""

from __future__ import annotations

from flask import Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_limiter import RequestLimit

from portal.extensions import limiter
from portal.followup import bp, replies, status, verdicts
from portal.followup.forms import AnswerForm, LookupForm, VerdictForm
from portal.lib import tokens
from portal.models import Report
from portal.web.i18n import current_language
from portal.web.security import mark_public

# Lookups and answers draw on one budget per client: both take a receipt code.
LIMIT_SCOPE = "followup"


def _followup_limit() -> str:
    return current_app.config["FOLLOWUP_RATE_LIMIT"]


def _no_code_given() -> bool:
    return not request.values.get("code")


def _not_found() -> str:
    return _("We could not find a report with this code. Please check it and try again.")


def _render(
    form: LookupForm,
    view: status.PublicView | None = None,
    problem: str | None = None,
    code: int = 200,
    **context: object,
) -> tuple[str, int]:
    form.lang.data = current_language()
    page = render_template("followup/lookup.html", form=form, view=view, problem=problem, **context)
    return page, code


def _render_report(
    report: Report,
    receipt: str,
    answer: AnswerForm | None = None,
    problem: str | None = None,
    status_code: int = 200,
    *,
    verdict: VerdictForm | None = None,
    **context: object,
) -> tuple[str, int]:
    """The report's page, its forms carrying the code and fresh one-time tokens."""
    answer = answer or AnswerForm(formdata=None)
    answer.code.data = receipt
    answer.token.data = tokens.issue(replies.purpose(report))
    answer.lang.data = current_language()
    view = status.public_view(report)
    if view.asks_if_fixed:
        verdict = verdict or VerdictForm(formdata=None)
        verdict.code.data = receipt
        verdict.token.data = tokens.issue(verdicts.purpose(status.followed(report)))
        verdict.lang.data = current_language()
    lookup = LookupForm(formdata=None, code=receipt)
    return _render(lookup, view, problem, status_code, answer=answer, verdict=verdict, **context)


def _on_breach(_limit: RequestLimit) -> Response:
    mark_public()
    problem = _("Too many tries from this device. Please wait a few minutes and try again.")
    typed = {"followup.answer": "body", "followup.fixed": "words"}.get(request.endpoint or "")
    kept = request.form.get(typed) if typed else None
    page = _render(LookupForm(request.values), problem=problem, code=429, kept_answer=kept)
    return current_app.make_response(page)


@bp.route("/followup", methods=["GET", "POST"])
@limiter.shared_limit(
    _followup_limit, LIMIT_SCOPE, exempt_when=_no_code_given, on_breach=_on_breach
)
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
        return _render(form, problem=_not_found(), code=404)
    return _render_report(report, form.code.data)


@bp.post("/followup/answer")
@limiter.shared_limit(_followup_limit, LIMIT_SCOPE, on_breach=_on_breach)
def answer() -> tuple[str, int]:
    """The reporter answers the safety team's question; sending the same answer twice stores one."""
    mark_public()
    form = AnswerForm()
    report = status.find_by_code(form.code.data or "")
    if report is None:
        return _render(LookupForm(formdata=None), problem=_not_found(), code=404)
    token = tokens.read(form.token.data or "", replies.purpose(report))
    if token is None or token.expired:
        again = _("This page was open for a long time. Please check your answer and send it again.")
        return _render_report(report, form.code.data, form, again, 422)
    if not form.validate():
        return _render_report(report, form.code.data, form, status_code=422)
    if not status.can_answer(report):
        closed = _("This report does not take answers any more.")
        return _render_report(report, form.code.data, form, closed, 409, kept_answer=form.body.data)
    replies.record(report, form.body.data)
    return _render_report(report, form.code.data, answered=True)


def _not_asked(report: Report, target: Report, form: VerdictForm, fresh: bool) -> tuple[str, int]:
    """The question is not open (any more): this same form's answer was stored already, or the
    report moved on (answered, or reopened); the words come back to copy."""
    if fresh and target.reporter_verdict == form.verdict.data:
        return _render_report(report, form.code.data, verdict_given=form.verdict.data)
    closed = _("This question is not open any more, so your answer was not stored.")
    return _render_report(report, form.code.data, None, closed, 409, kept_answer=form.words.data)


@bp.post("/followup/fixed")
@limiter.shared_limit(_followup_limit, LIMIT_SCOPE, on_breach=_on_breach)
def fixed() -> tuple[str, int]:
    """The reporter answers "Is it fixed?" for the report they follow; a repeat counts once."""
    mark_public()
    form = VerdictForm()
    report = status.find_by_code(form.code.data or "")
    if report is None:
        return _render(LookupForm(formdata=None), problem=_not_found(), code=404)
    target = status.followed(report)
    token = tokens.read(form.token.data or "", verdicts.purpose(target))
    fresh = token is not None and not token.expired
    if not verdicts.is_asked(target):
        return _not_asked(report, target, form, fresh)
    if not fresh:
        again = _("This page was open for a long time. Please answer again.")
        return _render_report(report, form.code.data, None, again, 422, verdict=form)
    if not form.validate():
        return _render_report(report, form.code.data, status_code=422, verdict=form)
    if not verdicts.record(target, form.verdict.data, form.words.data):
        return _not_asked(report, target, form, fresh)
    return _render_report(report, form.code.data, verdict_given=form.verdict.data)
