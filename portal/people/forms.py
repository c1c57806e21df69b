"""The People page's forms: invite someone; change a person's name, role and sites."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.domain import labels
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import Role, Site, User
from portal.web.fields import strip, too_long

# one @, something before it, a dotted domain after it, no spaces: what a mail server accepts
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


class SiteChoices(SelectMultipleField):
    """Sites as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AccessForm(FlaskForm):
    """A person's name, role and sites: what an invitation gives, and what an edit changes."""

    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Please enter the person's name.")),
            Length(max=120, message=too_long(120)),
        ],
    )
    role = RadioField(_l("Role"), validate_choice=False)
    sites = SiteChoices(_l("Sites"), coerce=int, validate_choice=False)

    def offer(self, roles: list[Role], sites: list[Site]) -> AccessForm:
        """The roles and sites this user may give."""
        self.role.choices = [(role.value, labels.STAFF_ROLE[role.value]) for role in roles]
        self.sites.choices = [(site.id, site.name) for site in sites]
        self._offered_roles = {role.value for role in roles}
        self._offered_sites = {site.id for site in sites}
        return self

    def validate_role(self, field: RadioField) -> None:
        if field.data not in self._offered_roles:
            raise ValidationError(_l("Choose one of the roles."))

    def validate_sites(self, field: SelectMultipleField) -> None:
        if not set(field.data or []) <= self._offered_sites:
            raise ValidationError(_l("Choose sites from the list."))
        if self.role.data != Role.ADMIN and not field.data:
            raise ValidationError(_l("Choose at least one site: this role sees only its sites."))

    def fill(self, person: User) -> AccessForm:
        """Start from the person's current values (on a first visit)."""
        self.name.data = person.name
        self.role.data = person.role
        self.sites.data = sorted(person.site_ids)
        return self


class InviteForm(AccessForm):
    email = EmailField(
        _l("Email"),
        filters=[_lower],
        validators=[
            DataRequired(message=_l("Please enter their email address.")),
            Length(max=254, message=too_long(254)),
        ],
    )

    def validate_email(self, field: EmailField) -> None:
        if not EMAIL_PATTERN.match(field.data or ""):
            raise ValidationError(_l("Enter an email address like name@example.com."))
