"""The form for a site's extra recipient: an address (HR, Operations) or a team-chat webhook."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from portal.extensions import db
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import Delivery, SiteRecipient
from portal.notify.channels import is_public_address

# one @, something before it, a dotted domain after it, no spaces: what a mail server accepts
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def is_email(text: str) -> bool:
    return bool(EMAIL_PATTERN.match(text))


def is_web_address(text: str) -> bool:
    """An http(s) URL with a host and no spaces (the sender POSTs JSON to it)."""
    if any(char.isspace() for char in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def is_internal_address(text: str) -> bool:
    """A web address whose host is written as a loopback, private, link-local or reserved
    address, or is `localhost`, unless PORTAL_WEBHOOK_ALLOWED_HOSTS names it. (Names are
    checked again where they resolve, each time the sender connects.)"""
    host = (urlsplit(text).hostname or "").lower()
    if host in current_app.config["WEBHOOK_ALLOWED_HOSTS"]:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return not is_public_address(host)
    except ValueError:  # a name, not an address
        return False


def _same_target(channel: str, one: str, other: str) -> bool:
    """Addresses compare without case; a webhook URL's path is case-sensitive (its token)."""
    if channel == Delivery.EMAIL:
        return one.casefold() == other.casefold()
    return one == other


class RecipientForm(FlaskForm):
    label = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please name the recipient, like HR or Operations chat.")),
            Length(max=120, message=_l("Use at most %(max)d characters.")),
        ],
    )
    channel = RadioField(
        _l("How"),
        default=Delivery.EMAIL.value,
        choices=[
            SelectChoice(Delivery.EMAIL.value, _l("Email")),  # type: ignore[arg-type]
            SelectChoice(Delivery.WEBHOOK.value, _l("Webhook (team chat)")),  # type: ignore[arg-type]
        ],
        validate_choice=False,
    )
    target = StringField(
        _l("Address or webhook URL"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please enter an email address or a webhook URL.")),
            Length(max=500, message=_l("Use at most %(max)d characters.")),
        ],
    )
    high_potential_only = BooleanField(_l("Only high-potential reports"))

    def __init__(self, *args: object, site_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._site_id = site_id

    def validate_channel(self, field: RadioField) -> None:
        if field.data not in {Delivery.EMAIL.value, Delivery.WEBHOOK.value}:
            raise ValidationError(_l("Choose email or webhook."))

    def validate_target(self, field: StringField) -> None:
        if self.channel.data == Delivery.WEBHOOK and not is_web_address(field.data):
            raise ValidationError(
                _l("Enter the webhook's full web address, starting with https://.")
            )
        if self.channel.data == Delivery.WEBHOOK and is_internal_address(field.data):
            raise ValidationError(
                _l("A webhook must be on the internet, not an address inside this network.")
            )
        if self.channel.data != Delivery.WEBHOOK and not is_email(field.data):
            raise ValidationError(_l("Enter an email address like hr@example.com."))
        query = select(SiteRecipient.target, SiteRecipient.active).where(
            SiteRecipient.site_id == self._site_id, SiteRecipient.channel == self.channel.data
        )
        for target, active in db.session.execute(query):
            if _same_target(self.channel.data, target, field.data):
                if active:
                    raise ValidationError(_l("This site already sends to this address."))
                raise ValidationError(_l("A retired recipient has this address: restore it."))
