"""The public report form, by QR poster (/r/<code>) and on a shared tablet (/kiosk/<code>)."""

from __future__ import annotations

from flask import Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter import RequestLimit

from portal.database import own_write_transaction
from portal.domain import intake
from portal.extensions import limiter
from portal.lib import codes, qr, tokens
from portal.models import Channel
from portal.report_form import bp
from portal.report_form.forms import ReportForm
from portal.report_form.posters import Place, active_place
from portal.web import pagecache
from portal.web.i18n import current_language
from portal.web.security import mark_public


def _report_limit() -> str:
    return current_app.config["REPORT_RATE_LIMIT"]


def _render_form(
    location: Place, form: ReportForm, channel: str, status: int = 200, notice: str | None = None
) -> tuple[str, int]:
    if not form.token.data:
        form.token.data = tokens.issue(location.code)
    form.lang.data = current_language()
    return (
        render_template(
            "report_form/form.html",
            form=form,
            location=location,
            channel=channel,
            notice=notice,
            photos_again=_photos_sent(form),
            action=url_for(f"report_form.{channel}_form", code=location.code),
            kiosk=_kiosk_settings(location),
        ),
        status,
    )


def _photos_sent(form: ReportForm) -> list[str]:
    """The names of the photos a form that comes back had chosen: a browser cannot be given
    them again, so the page names them (app.js puts them back in the field where it can)."""
    if request.method != "POST":
        return []
    return [upload.filename for upload in form.photos.data or [] if upload and upload.filename]


def _kiosk_settings(location: Place) -> dict[str, object]:
    """What the kiosk's script needs: its waits, and the addresses that hold nothing."""
    config = current_app.config
    return {
        "idle": config["KIOSK_IDLE_SECONDS"],
        "warning": config["KIOSK_IDLE_WARNING_SECONDS"],
        "receipt": config["KIOSK_RECEIPT_SECONDS"],
        # a blank form for the next person, in the tablet's own language
        "fresh": url_for("report_form.kiosk_form", code=location.code),
        # what the history entry of any kiosk page becomes: a blank form in this language
        "here": url_for("report_form.kiosk_form", code=location.code, lang=current_language()),
    }


def _blank_form(place: Place, channel: str, sent: bool = False) -> str:
    """The empty form: rendered once per location, channel and language; the token is new."""

    def build() -> str:
        form = ReportForm(formdata=None, where=place.name)
        form.token.data = pagecache.slot("token")
        notice = _("That report was sent and is safe with the safety team.") if sent else None
        return _render_form(place, form, channel, notice=notice)[0]

    key = ("form", place, channel, current_language(), sent)
    return pagecache.render(key, build, token=tokens.issue(place.code))


def _kiosk_forgets(location: Place) -> Response:
    """A kiosk form sent again (Back, Reload, a resubmission): no receipt and no words of
    whoever sent it, only a blank form. A kiosk's receipt is shown once, in the answer to the
    request that stored the report."""
    return redirect(url_for("report_form.kiosk_form", code=location.code, sent=1), code=303)


def _render_receipt(receipt: intake.Receipt, location: Place, channel: str) -> Response:
    base = current_app.config["BASE_URL"]
    # the code rides in the fragment, which a browser never sends: no server log holds it
    followup_url = f"{base}{url_for('followup.lookup')}#code={receipt.code}"

    def build() -> str:
        return render_template(
            "report_form/receipt.html",
            code=pagecache.slot("code"),
            qr_uri=pagecache.slot("qr"),
            location=location,
            channel=channel,
            is_anonymous=receipt.anonymous,
            kiosk=_kiosk_settings(location),
        )

    key = ("receipt", location, channel, receipt.anonymous, current_language())
    if channel == Channel.KIOSK and receipt.repeated:
        return _kiosk_forgets(location)
    html = pagecache.render(
        key, build, code=codes.group(receipt.code), qr=qr.svg_data_uri(followup_url)
    )
    response = current_app.make_response(html)
    if channel == Channel.KIOSK:
        # The next person at the tablet must find nothing of this report.
        response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


def _on_breach(_limit: RequestLimit) -> Response:
    """Too many reports from one client: keep what was typed and ask to wait."""
    location = active_place(request.view_args["code"])
    channel = Channel.KIOSK if request.endpoint == "report_form.kiosk_submit" else Channel.QR
    mark_public()
    form = ReportForm()
    notice = _(
        "Too many reports from this device in a short time. Please wait a minute and send again."
    )
    return current_app.make_response(_render_form(location, form, channel, 429, notice))


def _submit(code: str, channel: str) -> Response | tuple[str, int]:
    """A posted report: checks, photo cleaning, then one short write transaction."""
    mark_public()
    location = active_place(code)
    form = ReportForm()
    token = tokens.read(form.token.data or "", location.code)
    if channel == Channel.KIOSK and token is not None and intake.was_sent(token.nonce):
        return _kiosk_forgets(location)  # a language switch of a sent form too
    if request.form.get("switch_lang"):
        return _render_form(location, form, channel)
    if token is not None and token.expired and form.validate():
        # the same form sent again a moment after its token expired gets the first receipt
        try:
            earlier = intake.receipt_of(token.nonce, form.answers(channel, current_language()))
        except intake.AlreadySent:
            return _already_sent(location, form, channel)
        if earlier is not None:
            return _render_receipt(earlier, location, channel)
    if token is None or token.expired:
        form.token.data = tokens.issue(location.code)
        form.validate()
        notice = _("This form was open for a long time. Please check your answers and send again.")
        return _render_form(location, form, channel, status=422, notice=notice)
    if not form.validate():
        return _render_form(location, form, channel, status=422)
    cleaned = form.clean_photos()
    if cleaned is None:
        return _render_form(location, form, channel, status=422)
    answers = form.answers(channel, current_language())
    try:
        receipt = intake.submit(location, answers, token.nonce, cleaned)
    except intake.AlreadySent:
        return _already_sent(location, form, channel)
    return _render_receipt(receipt, location, channel)


def _already_sent(location: Place, form: ReportForm, channel: str) -> Response | tuple[str, int]:
    """This form's token sent another report (or long ago): no receipt code for whoever holds
    it; the words stay, under a fresh token, to send as a new report (not on a kiosk)."""
    if channel == Channel.KIOSK:
        return _kiosk_forgets(location)
    form.token.data = tokens.issue(location.code)
    notice = _(
        "This form was already sent, and that report is safe with the safety team. "
        "To report something new, check your answers and send again."
    )
    return _render_form(location, form, channel, status=409, notice=notice)


@bp.get("/r/<code>")
def qr_form(code: str) -> tuple[str, int]:
    """The form a worker reaches by scanning the QR poster at a spot."""
    mark_public()
    return _blank_form(active_place(code), Channel.QR), 200


@bp.post("/r/<code>")
@own_write_transaction
@limiter.limit(_report_limit, on_breach=_on_breach)
def qr_submit(code: str) -> Response | tuple[str, int]:
    """A report sent from the poster's form."""
    return _submit(code, Channel.QR)


@bp.get("/kiosk/<code>")
def kiosk_form(code: str) -> tuple[str, int]:
    """The same form on a shared tablet: remembers nothing between people."""
    mark_public()
    sent = request.args.get("sent") == "1"
    return _blank_form(active_place(code), Channel.KIOSK, sent=sent), 200


@bp.post("/kiosk/<code>")
@own_write_transaction
@limiter.limit(_report_limit, on_breach=_on_breach)
def kiosk_submit(code: str) -> Response | tuple[str, int]:
    """A report sent from the shared tablet."""
    return _submit(code, Channel.KIOSK)


@bp.route("/")
def index() -> str:
    """The start page: how to report, follow up, see what was fixed, or sign in."""
    mark_public()
    return render_template("report_form/index.html")


@bp.get("/r")
def poster_code() -> Response | tuple[str, int]:
    """The code printed under a poster's QR, typed by hand: on to that spot's form."""
    mark_public()
    typed = request.args.get("poster", "")
    code = codes.normalize(typed.rsplit("/r/", 1)[-1].strip("/ "))  # the whole address too
    if not code.isalnum() or len(code) > 32:
        problem = _("Type the letters and digits after /r/ in the address under the QR code.")
        return render_template("report_form/index.html", problem=problem), 422
    place = active_place(code)  # an unknown code: the friendly "not active" page
    return redirect(url_for("report_form.qr_form", code=place.code, lang=current_language()), 303)
