"""`flask --app wsgi portal ...`: accounts, demo data, set-up."""

from __future__ import annotations

import click
from flask import current_app, url_for
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from portal import accounts
from portal.database import begin_write
from portal.extensions import db
from portal.models import Location, Report, Role


@click.group("portal")
def portal_cli() -> None:
    """Closecall administration commands."""


@portal_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--site", "sites", multiple=True, help="Site slug (repeat for several sites).")
@click.password_option(help="Prompted when not given.")
@with_appcontext
def create_user(email: str, name: str, role: str, sites: tuple[str, ...], password: str) -> None:
    """Create a staff account."""
    begin_write()
    try:
        user = accounts.create_user(
            email=email, name=name, role=role, password=password, site_slugs=sites
        )
    except accounts.AccountError as problem:
        db.session.rollback()
        raise click.ClickException(str(problem)) from problem
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")


@portal_cli.command("seed-demo")
@click.option("--reports", default=300, show_default=True, help="How many reports to invent.")
@click.option("--seed", default=7, show_default=True, help="Random seed, for repeatable data.")
@with_appcontext
def seed_demo(reports: int, seed: int) -> None:
    """Load a believable demo company (refuses when reports exist)."""
    from portal import demo

    if db.session.scalar(select(func.count(Report.id))):
        raise click.ClickException(
            "the database already holds reports; seed-demo needs an empty one"
        )
    begin_write()
    summary = demo.seed(report_count=reports, seed=seed)
    db.session.commit()
    click.echo(summary)


@portal_cli.command("init")
@with_appcontext
def init() -> None:
    """Migrate to the latest schema, load demo data when empty, print how to sign in."""
    from portal import demo

    upgrade()
    if not db.session.scalar(select(func.count(Report.id))):
        begin_write()
        click.echo(demo.seed(report_count=300, seed=7))
        db.session.commit()
    location = db.session.scalar(
        select(Location).where(Location.active.is_(True)).order_by(Location.id)
    )
    click.echo(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD}):")
    for email, role in demo.DEMO_LOGINS:
        click.echo(f"  {email:<40} {role}")
    if location is not None:
        with current_app.test_request_context():
            path = url_for("report.qr_form", code=location.code)
        click.echo(f"\nA poster URL ({location.name}): {current_app.config['BASE_URL']}{path}")
