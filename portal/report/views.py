"""The public report form, by QR poster (/r/<code>) and on a shared tablet (/kiosk/<code>)."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from sqlalchemy import select

from portal import codes, qr, tokens
from portal.database import own_write_transaction
from portal.extensions import db, limiter
from portal.i18n import current_language
from portal.models import Channel, Location
from portal.report import bp, intake
from portal.report.forms import ReportForm
from portal.security import mark_public


def _report_limit() -> str:
    return current_app.config["REPORT_RATE_LIMIT"]


def active_location(code: str) -> Location:
    """The active location behind a poster code, or the friendly 'poster not active' page."""
    location = db.session.scalar(
        select(Location).where(Location.code == codes.normalize(code), Location.active.is_(True))
    )
    if location is None:
        abort(404, description="unknown_location")
    return location


def _render_form(
    location: Location, form: ReportForm, channel: str, status: int = 200, notice: str | None = None
) -> tuple[str, int]:
    if not form.token.data:
        form.token.data = tokens.issue(location.code)
    form.lang.data = current_language()
    return (
        render_template(
            "report/form.html",
            form=form,
            location=location,
            channel=channel,
            notice=notice,
            action=url_for(f"report.{channel}_form", code=location.code),
        ),
        status,
    )


TOKEN_SLOT = "__closecall_form_token__"  # noqa: S105 - a placeholder, not a secret
BLANK_FORM_CACHE_SIZE = 512


def _blank_form(location: Location, channel: str) -> str:
    """The empty form, rendered once per location, language and channel; only the token is new.

    Rendering the WTForms widgets costs ~8 ms; the form is the same for everyone at a poster.
    The key holds every value the page shows, so a renamed location or site renders afresh.
    """
    cache: dict[tuple[object, ...], str] = current_app.extensions.setdefault("blank_forms", {})
    key = (
        location.id,
        location.code,
        location.name,
        location.site.name,
        channel,
        current_language(),
    )
    html = cache.get(key)
    if html is None:
        form = ReportForm(formdata=None, where=location.name)
        form.token.data = TOKEN_SLOT
        html, _status = _render_form(location, form, channel)
        if len(cache) >= BLANK_FORM_CACHE_SIZE:
            cache.clear()
        cache[key] = html
    return html.replace(TOKEN_SLOT, tokens.issue(location.code), 1)


def _render_receipt(receipt: intake.Receipt, location: Location, channel: str) -> Response:
    followup_url = (
        f"{current_app.config['BASE_URL']}{url_for('followup.lookup')}?code={receipt.code}"
    )
    response = current_app.make_response(
        render_template(
            "report/receipt.html",
            code=codes.group(receipt.code),
            qr_uri=qr.svg_data_uri(followup_url),
            location=location,
            channel=channel,
            is_anonymous=receipt.report.is_anonymous,
            kiosk_seconds=current_app.config["KIOSK_RECEIPT_SECONDS"],
        )
    )
    if channel == Channel.KIOSK:
        # The next person at the tablet must find nothing of this report.
        response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


def _on_breach(_limit: RequestLimit) -> Response:
    """Too many reports from one client: keep what was typed and ask to wait."""
    location = active_location(request.view_args["code"])
    channel = Channel.KIOSK if request.endpoint == "report.kiosk_form" else Channel.QR
    mark_public()
    form = ReportForm()
    notice = _(
        "Too many reports from this device in a short time. Please wait a minute and send again."
    )
    return current_app.make_response(_render_form(location, form, channel, 429, notice))


def _handle(code: str, channel: str) -> Response | tuple[str, int]:
    mark_public()
    location = active_location(code)
    if request.method == "GET":
        return _blank_form(location, channel), 200

    form = ReportForm()
    if request.form.get("switch_lang"):
        return _render_form(location, form, channel)
    token = tokens.read(form.token.data or "", location.code)
    if token is not None:
        earlier = intake.receipt_of(token.nonce)
        if earlier is not None:
            return _render_receipt(earlier, location, channel)
    if token is None or token.expired:
        form.token.data = tokens.issue(location.code)
        form.validate()
        notice = _("This form was open for a long time. Please check your answers and send again.")
        return _render_form(location, form, channel, status=422, notice=notice)
    if not form.validate():
        return _render_form(location, form, channel, status=422)
    cleaned = intake.clean_photos(form)
    if cleaned is None:
        return _render_form(location, form, channel, status=422)
    receipt = intake.submit(location, form, token.nonce, cleaned, channel, current_language())
    return _render_receipt(receipt, location, channel)


@bp.route("/r/<code>", methods=["GET", "POST"])
@own_write_transaction
@limiter.limit(_report_limit, methods=["POST"], on_breach=_on_breach)
def qr_form(code: str) -> Response | tuple[str, int]:
    """The form a worker reaches by scanning the QR poster at a spot."""
    return _handle(code, Channel.QR)


@bp.route("/kiosk/<code>", methods=["GET", "POST"])
@own_write_transaction
@limiter.limit(_report_limit, methods=["POST"], on_breach=_on_breach)
def kiosk_form(code: str) -> Response | tuple[str, int]:
    """The same form on a shared tablet: remembers nothing between people."""
    return _handle(code, Channel.KIOSK)


@bp.route("/")
def index() -> str:
    """The start page: how to report, follow up, or sign in."""
    mark_public()
    return render_template("report/index.html")
