"""Admin forms: a site, a location, a category and an asset."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from portal.extensions import db
from portal.lib.lazytext import lazy_gettext as _l
from portal.lib.timeutil import is_valid_timezone
from portal.models import Asset, Category, Site

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_TAKEN = _l("Another site already uses this short name. Choose a different one.")


@cache
def timezone_names() -> list[str]:
    """Every IANA time zone name, sorted: the suggestions under the time zone field."""
    return sorted(available_timezones())


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _strip_lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _int_or_none(value: object) -> int | None:
    """Coerce a posted site id without raising, so a bad one gets our message, not WTForms'."""
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


class SiteForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please enter the site's name.")),
            Length(max=120, message=_l("Use at most %(max)d characters.")),
        ],
    )
    slug = StringField(
        _l("Short name"),
        filters=[_strip_lower],
        validators=[
            DataRequired(message=_l("Please enter a short name.")),
            Length(max=60, message=_l("Use at most %(max)d characters.")),
            Regexp(
                SLUG_PATTERN,
                message=_l(
                    "Use only lowercase letters, digits and single dashes, like north-plant."
                ),
            ),
        ],
    )
    timezone = StringField(
        _l("Time zone"),
        default="UTC",
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please enter the site's time zone.")),
            Length(max=64, message=_l("Use at most %(max)d characters.")),
        ],
    )

    def __init__(self, *args: object, site: Site | None = None, **kwargs: object) -> None:
        super().__init__(*args, obj=site, **kwargs)
        self._site_id = site.id if site is not None else None

    def validate_slug(self, field: StringField) -> None:
        query = select(Site.id).where(Site.slug == field.data)
        if self._site_id is not None:
            query = query.where(Site.id != self._site_id)
        if db.session.scalar(query) is not None:
            raise ValidationError(SLUG_TAKEN)

    def validate_timezone(self, field: StringField) -> None:
        if not is_valid_timezone(field.data or ""):
            raise ValidationError(
                _l("Not a time zone we know. Use a name like Europe/Madrid or America/Chicago.")
            )


class LocationForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please enter the location's name.")),
            Length(max=120, message=_l("Use at most %(max)d characters.")),
        ],
    )
    site_id = SelectField(_l("Site"), coerce=_int_or_none, validate_choice=False)
    description = TextAreaField(
        _l("Description (optional)"),
        filters=[_strip],
        validators=[Optional(), Length(max=500, message=_l("Use at most %(max)d characters."))],
    )
    active = BooleanField(_l("Active: the poster's QR code opens the report form"), default=True)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        sites = db.session.execute(select(Site.id, Site.name).order_by(Site.name)).all()
        self.site_id.choices = [(site_id, name) for site_id, name in sites]

    def validate_site_id(self, field: SelectField) -> None:
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose one of the sites."))


CATEGORY_TAKEN = _l("There is already a category with this name. Choose a different one.")


class CategoryForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please enter the category's name.")),
            Length(max=80, message=_l("Use at most %(max)d characters.")),
        ],
    )

    def __init__(self, *args: object, category: Category | None = None, **kwargs: object) -> None:
        super().__init__(*args, obj=category, **kwargs)
        self._category_id = category.id if category is not None else None

    def validate_name(self, field: StringField) -> None:
        # Compared in Python with casefold(): "Ergonomía" and "ERGONOMÍA" are one category to
        # a reader, and SQLite's lower() only folds ASCII.
        others = db.session.execute(select(Category.id, Category.name)).all()
        wanted = field.data.casefold()
        if any(name.casefold() == wanted and id_ != self._category_id for id_, name in others):
            raise ValidationError(CATEGORY_TAKEN)


class AssetForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please enter the asset's name.")),
            Length(max=120, message=_l("Use at most %(max)d characters.")),
        ],
    )

    def __init__(
        self, *args: object, location_id: int, asset: Asset | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, obj=asset, **kwargs)
        self._location_id = location_id
        self._asset_id = asset.id if asset is not None else None

    def validate_name(self, field: StringField) -> None:
        query = select(Asset.id, Asset.name, Asset.active).where(
            Asset.location_id == self._location_id
        )
        wanted = field.data.casefold()
        for id_, name, active in db.session.execute(query):
            if name.casefold() == wanted and id_ != self._asset_id:
                if active:
                    raise ValidationError(_l("This location already has an asset with this name."))
                raise ValidationError(
                    _l("A retired asset at this location has this name: restore it instead.")
                )
