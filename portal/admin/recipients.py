"""A site's extra recipients: HR or Operations addresses and team-chat webhooks that hear of
its new reports (every report, or only high-potential ones). Retired, never deleted.

Admins keep every site's list, and a site's safety managers keep theirs. Other staff of the
site get 403; a site the user cannot see answers 404, so its existence does not leak.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.admin import bp
from portal.admin.recipient_forms import RecipientForm
from portal.domain import permissions
from portal.extensions import db
from portal.models import Role, Site, SiteRecipient, User

Page = str | tuple[str, int]


def can_keep_recipients(user: User, site_id: int) -> bool:
    """Admins, and the safety managers of the site."""
    return permissions.can_administer(user) or (
        user.role == Role.SAFETY_MANAGER and permissions.can_view_site(user, site_id)
    )


def _check_keeper(site_id: int) -> None:
    if not permissions.can_view_site(current_user, site_id):
        abort(404)
    if not can_keep_recipients(current_user, site_id):
        abort(403)


def site_for_recipients(site_id: int) -> Site:
    """A site whose recipient list the user keeps."""
    site = db.get_or_404(Site, site_id)
    _check_keeper(site.id)
    return site


def recipient_to_edit(recipient_id: int) -> SiteRecipient:
    """A recipient the user may retire or restore."""
    recipient = db.get_or_404(SiteRecipient, recipient_id)
    _check_keeper(recipient.site_id)
    return recipient


def site_recipients(site: Site) -> list[SiteRecipient]:
    """The site's recipients, the active ones first, each group by name."""
    query = (
        select(SiteRecipient)
        .where(SiteRecipient.site_id == site.id)
        .order_by(SiteRecipient.active.desc(), SiteRecipient.label, SiteRecipient.id)
    )
    return list(db.session.scalars(query))


def add_recipient(site: Site, form: RecipientForm) -> SiteRecipient:
    """A new active recipient from a valid form; the caller commits."""
    recipient = SiteRecipient(
        site=site,
        label=form.label.data,
        channel=form.channel.data,
        target=form.target.data,
        high_potential_only=bool(form.high_potential_only.data),
        active=True,
    )
    db.session.add(recipient)
    return recipient


def _saved(message: str, recipient: SiteRecipient) -> Response:
    flash(message, "info")
    url = url_for(
        "admin.recipients", site_id=recipient.site_id, _anchor=f"recipient-{recipient.id}"
    )
    return redirect(url, 303)


@bp.route("/sites/<int:site_id>/recipients", methods=["GET", "POST"])
@login_required
def recipients(site_id: int) -> Page | Response:
    """The site's extra recipients, with the form to add one."""
    site = site_for_recipients(site_id)
    form = RecipientForm(site_id=site.id)
    if form.validate_on_submit():
        recipient = add_recipient(site, form)
        db.session.commit()
        return _saved(_("Recipient added."), recipient)
    page = render_template(
        "admin/recipients.html", form=form, site=site, recipients=site_recipients(site)
    )
    return (page, 422) if request.method == "POST" else page


@bp.route("/recipients/<int:recipient_id>/<any(retire, restore):action>", methods=["POST"])
@login_required
def retire_recipient(recipient_id: int, action: str) -> Response:
    """Retire a recipient (no more messages, kept in the list), or restore it."""
    recipient = recipient_to_edit(recipient_id)
    recipient.active = action == "restore"
    db.session.commit()
    if recipient.active:
        return _saved(_("%(label)s hears of new reports again.", label=recipient.label), recipient)
    return _saved(
        _("%(label)s is retired: it gets no more messages.", label=recipient.label), recipient
    )
