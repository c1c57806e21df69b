"""The demo company itself: sites, locations, assets, staff and categories in the database."""

from __future__ import annotations

from sqlalchemy import select

from portal.demo.roster import ASSETS, DEMO_LOGINS, DEMO_PASSWORD, RETIRED_ASSETS, SITES
from portal.demo.story import Story
from portal.domain import accounts
from portal.extensions import db
from portal.models import Asset, Category, Location, Site, User


class Company:
    """The sites, locations, staff, categories and assets the reports refer to."""

    def __init__(self) -> None:
        self.locations: list[Location] = []
        self.staff: dict[str, User] = {}
        self.assets: dict[tuple[int, str], Asset] = {}
        self.categories: dict[str, Category] = {}
        self.supervisors: dict[int, User] = {}

    @property
    def safety(self) -> User:
        return self.staff["safety@closecall.example"]

    def location(self, name: str) -> Location:
        return next(location for location in self.locations if location.name == name)

    def asset_for(self, story: Story, location: Location) -> Asset | None:
        for name in story.assets:
            asset = self.assets.get((location.id, name))
            if asset is not None:
                return asset
        return None

    def category(self, name: str) -> Category:
        """The category of that name; the migrations seed them, an edited list may lack one."""
        if name not in self.categories:
            category = Category(name=name, position=len(self.categories) + 100, active=True)
            db.session.add(category)
            self.categories[name] = category
        return self.categories[name]


def build_company() -> Company:
    company = Company()
    sites: dict[str, Site] = {}
    for name, slug, timezone, location_names in SITES:
        site = Site(name=name, slug=slug, timezone=timezone)
        sites[slug] = site
        db.session.add(site)
        for location_name in location_names:
            location = Location(site=site, name=location_name)
            db.session.add(location)
            company.locations.append(location)
    db.session.flush()
    for location in company.locations:
        for asset_name in ASSETS.get(location.name, []):
            asset = Asset(location=location, name=asset_name, active=True)
            company.assets[(location.id, asset_name)] = asset
            db.session.add(asset)
        for asset_name in RETIRED_ASSETS.get(location.name, []):
            db.session.add(Asset(location=location, name=asset_name, active=False))

    for email, label in DEMO_LOGINS:
        role = label.split(" ")[0]
        slugs = {"supervisor.riverside": ["riverside"], "supervisor.north": ["north-dc"]}
        slugs_for = slugs.get(
            email.split("@")[0], [] if role == "admin" else ["riverside", "north-dc"]
        )
        company.staff[email] = accounts.create_user(
            email=email,
            name=email.split("@")[0].replace(".", " ").title(),
            role=role,
            password=DEMO_PASSWORD,
            site_slugs=slugs_for,
        )
    company.supervisors = {
        sites["riverside"].id: company.staff["supervisor.riverside@closecall.example"],
        sites["north-dc"].id: company.staff["supervisor.north@closecall.example"],
    }
    company.categories = {c.name: c for c in db.session.scalars(select(Category))}
    return company
