"""Card action forms. Each carries the report's version (optimistic locking) and the board URL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from portal.domain import labels, loop
from portal.domain.owners import owners_for
from portal.extensions import db
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import Asset, Category, Report
from portal.triage import choices, matrix
from portal.web import cardforms
from portal.web.cardforms import CardForm, int_or_none
from portal.web.fields import strip, too_long

AUTO, YES, NO = "auto", "yes", "no"
NOTE_MAX = 1000


class ActionForm(CardForm):
    """What every card action posts: the version of the report the user saw, and `next`."""

    def __init__(self, report: Report, next_url: str, **kwargs: Any) -> None:
        self.report = report
        super().__init__(report, next_url, **kwargs)


class AcknowledgeForm(ActionForm):
    """One click: "I have seen it"."""


class ClassifyForm(ActionForm):
    category = SelectField(_l("Category"), coerce=int_or_none, validate_choice=False)
    domain = SelectField(_l("Domain"), validate_choice=False)
    severity = SelectField(_l("Severity potential"), coerce=int_or_none, validate_choice=False)
    likelihood = SelectField(_l("Likelihood"), coerce=int_or_none, validate_choice=False)
    high_potential = RadioField(
        _l("High-potential (serious injury or fatality potential)"),
        choices=cardforms.choices(
            [
                (AUTO, _l("Automatic: yes when severity potential is 4 or 5")),
                (YES, _l("Override: high-potential")),
                (NO, _l("Override: not high-potential")),
            ]
        ),
        default=AUTO,
        validate_choice=False,
    )
    override_reason = TextAreaField(
        _l("Why override the automatic flag?"),
        filters=[strip],
        validators=[Length(max=NOTE_MAX, message=too_long(NOTE_MAX))],
    )

    def __init__(self, report: Report, next_url: str, **kwargs: Any) -> None:
        super().__init__(report, next_url, **kwargs)
        options = Category.choosable(report.category)
        self.category_ids = {c.id for c in options}
        self.category.choices = cardforms.choices(
            [("", _l("Choose a category")), *((c.id, c.name) for c in options)]
        )
        self.domain.choices = cardforms.choices(
            [("", _l("Choose a domain")), *labels.DOMAIN.items()]
        )
        self.severity.choices = cardforms.choices(
            [("", _l("Choose 1 to 5")), *matrix.SEVERITY_LABELS.items()]
        )
        self.likelihood.choices = cardforms.choices(
            [("", _l("Choose 1 to 5")), *matrix.LIKELIHOOD_LABELS.items()]
        )

    def prefill(self, report: Report) -> None:
        self.category.data = report.category_id
        self.domain.data = report.domain or "safety"
        self.severity.data = report.severity
        self.likelihood.data = report.likelihood
        if report.high_potential_override:
            self.high_potential.data = YES if report.high_potential else NO
            self.override_reason.data = report.high_potential_override

    def validate_category(self, field: SelectField) -> None:
        if field.data not in self.category_ids:
            raise ValidationError(_l("Choose a category."))

    def validate_domain(self, field: SelectField) -> None:
        if field.data not in labels.DOMAIN:
            raise ValidationError(
                _l("Choose a domain: safety, quality, environmental or security.")
            )

    def validate_severity(self, field: SelectField) -> None:
        if field.data not in matrix.SCALE:
            raise ValidationError(_l("Choose the severity potential, from 1 to 5."))

    def validate_likelihood(self, field: SelectField) -> None:
        if field.data not in matrix.SCALE:
            raise ValidationError(_l("Choose the likelihood, from 1 to 5."))

    def validate_high_potential(self, field: RadioField) -> None:
        if field.data not in (AUTO, YES, NO):
            raise ValidationError(_l("Choose automatic, or one of the two overrides."))

    def validate_override_reason(self, field: TextAreaField) -> None:
        wanted = self.flag()
        if wanted is None or self.severity.data not in matrix.SCALE:
            return
        if wanted != loop.auto_high_potential(self.severity.data) and not field.data:
            raise ValidationError(_l("Write why you override the automatic flag."))

    def flag(self) -> bool | None:
        """The high-potential flag asked for, or None to follow the severity."""
        return {YES: True, NO: False}.get(self.high_potential.data or AUTO)

    def changes(self) -> dict[str, Any]:
        """The keyword arguments of loop.classify."""
        return {
            "category": db.session.get(Category, self.category.data),
            "domain": self.domain.data,
            "severity": self.severity.data,
            "likelihood": self.likelihood.data,
            "high_potential": self.flag(),
            "override_reason": self.override_reason.data or None,
        }


class AssignForm(ActionForm):
    owner = SelectField(_l("Owner"), coerce=int_or_none, validate_choice=False)
    asset = SelectField(_l("Asset involved"), coerce=int_or_none, validate_choice=False)
    new_asset = StringField(
        _l("Or add a new asset at this location"),
        filters=[strip],
        validators=[Length(max=120, message=too_long(120))],
    )

    def __init__(self, report: Report, next_url: str, **kwargs: Any) -> None:
        super().__init__(report, next_url, **kwargs)
        self.owners = {user.id: user for user in owners_for(report)}
        self.assets = {asset.id: asset for asset in choices.assets_for(report)}
        people = ((i, u.name) for i, u in self.owners.items())
        things = ((i, asset_label(a)) for i, a in self.assets.items())
        self.owner.choices = cardforms.choices([("", _l("Nobody yet")), *people])
        self.asset.choices = cardforms.choices([("", _l("None")), *things])

    def prefill(self, report: Report) -> None:
        self.owner.data = report.owner_id
        self.asset.data = report.asset_id

    def validate_owner(self, field: SelectField) -> None:
        if field.raw_data and field.raw_data[0] != "" and field.data not in self.owners:
            raise ValidationError(_l("Choose a staff member of this site, or nobody."))

    def validate_asset(self, field: SelectField) -> None:
        if field.raw_data and field.raw_data[0] != "" and field.data not in self.assets:
            raise ValidationError(_l("Choose one of the assets of this site, or none."))

    def validate_new_asset(self, field: StringField) -> None:
        if field.data and self.asset.data is not None:
            raise ValidationError(_l("Choose an existing asset or name a new one, not both."))

    def suggestions(self) -> list[str]:
        """The type-ahead of the new-asset field: the site's assets, as the list shows them."""
        return [asset_label(asset) for asset in self.assets.values()]

    def asset_choice(self) -> tuple[Asset | None, str | None]:
        """The asset chosen, or the name of a new one. A typed name that is an asset's of the
        site already (as listed, or its name in other case and spacing) takes that asset:
        nobody adds "die cart dc-1" beside "Die cart DC-1"."""
        typed = self.new_asset.data
        if not typed:
            return self.assets.get(self.asset.data), None
        wanted = _same(typed)
        for asset in self.assets.values():
            if wanted in (_same(asset.name), _same(asset_label(asset))):
                return asset, None
        return None, typed


def asset_label(asset: Asset) -> str:
    """An asset as the list and the type-ahead show it: its name and where it is."""
    return f"{asset.name} ({asset.location.name})"


def _same(name: str) -> str:
    return " ".join(name.casefold().split())


class MergeForm(ActionForm):
    candidate = RadioField(_l("Recent reports at the same location"), validate_choice=False)
    into = StringField(_l("Or type the number of the report it repeats"), filters=[strip])

    def __init__(self, report: Report, next_url: str, **kwargs: Any) -> None:
        super().__init__(report, next_url, **kwargs)
        self.candidates = choices.merge_candidates(report)
        self.candidate.choices = cardforms.choices((str(r.id), f"#{r.id}") for r in self.candidates)
        self.target: Report | None = None

    def validate_into(self, field: StringField) -> None:
        picked, typed = self.candidate.data or "", field.data or ""
        if picked and typed and int_or_none(typed) != int_or_none(picked):
            raise ValidationError(_l("Pick a report from the list or type a number, not both."))
        if not (picked or typed):
            raise ValidationError(_l("Choose the report this one repeats, or type its number."))
        number = int_or_none(typed or picked)
        if number is None:
            raise ValidationError(_l("Type the report number, like 128."))
        if number == self.report.id:
            raise ValidationError(_l("A report cannot be merged into itself."))
        # the actor may act on this report's site, so a report of the same site is theirs to see
        target = db.session.scalar(select(Report).where(Report.id == number))
        if target is None or target.site_id != self.report.site_id:
            raise ValidationError(_l("There is no report #%(number)d at this site.", number=number))
        if target.is_set_aside:
            raise ValidationError(
                _l("Report #%(number)d was itself merged or dismissed.", number=number)
            )
        self.target = target


class AskForm(ActionForm):
    """A question to the reporter from the card: they read it on /followup with their code."""

    body = TextAreaField(
        _l("Question to the reporter"),
        filters=[strip],
        validators=[Length(max=loop.MAX_MESSAGE, message=too_long(loop.MAX_MESSAGE))],
    )

    def validate_body(self, field: TextAreaField) -> None:
        if not field.data:
            raise ValidationError(_l("Please write the question."))


class DismissForm(ActionForm):
    reason = RadioField(
        _l("Why is it dismissed?"),
        choices=cardforms.choices(labels.DISMISS_REASON_CHOICE.items()),
        validate_choice=False,
    )
    note = TextAreaField(
        _l("Note (optional)"),
        filters=[strip],
        validators=[Length(max=NOTE_MAX, message=too_long(NOTE_MAX))],
    )

    def validate_reason(self, field: RadioField) -> None:
        if field.data not in labels.DISMISS_REASON_CHOICE:
            raise ValidationError(_l("Choose why the report is dismissed."))
