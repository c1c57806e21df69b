"""`flask --app wsgi portal ...`: accounts, demo data, set-up, notifications."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

import click
from flask import current_app, url_for
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from portal.database import begin_write
from portal.domain import accounts, people
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
    people.record(None, user, "created", None, people.describe(user))
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
            path = url_for("report_form.qr_form", code=location.code)
        click.echo(f"\nA poster URL ({location.name}): {current_app.config['BASE_URL']}{path}")


def _pause(stop: threading.Event, seconds: float) -> bool:
    """Wait between rounds; True when asked to stop meanwhile."""
    return stop.wait(seconds)


@portal_cli.command("notify")
@click.option("--loop", "keep_going", is_flag=True, help="Keep delivering until stopped.")
@click.option("--interval", default=30, show_default=True, help="Seconds between rounds.")
@click.option("--limit", default=100, show_default=True, help="Messages per round at most.")
@click.option("--retry-failed", is_flag=True, help="First put given-up messages back in line.")
@with_appcontext
def notify_command(keep_going: bool, interval: int, limit: int, retry_failed: bool) -> None:
    """Deliver the outbox once (or every --interval seconds with --loop); print counts."""
    from portal.notify import outbox

    if retry_failed:
        click.echo(f"{outbox.retry_failed()} given-up message(s) back in line")
    if not keep_going:
        click.echo(str(outbox.deliver_pending(limit=limit)))
        return
    stop = threading.Event()

    def _on_term(_signum: int, _frame: FrameType | None) -> None:
        stop.set()  # systemd stops us with SIGTERM: end after the current round

    previous = signal.signal(signal.SIGTERM, _on_term)
    waiting = 0
    try:
        while not stop.is_set():
            try:
                stats = outbox.deliver_pending(limit=limit)
            except Exception:  # a database hiccup must not end the service: next round
                db.session.rollback()
                current_app.logger.exception("notify round failed; trying again")
            else:
                # quiet rounds print nothing; mail waiting for settings is said when it changes
                if stats.sent or stats.retrying or stats.failed or stats.waiting != waiting:
                    click.echo(str(stats))
                waiting = stats.waiting
            if _pause(stop, interval):
                break
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)


@portal_cli.command("remind")
@click.option(
    "--digests/--no-digests",
    default=True,
    show_default=True,
    help="Also queue the daily digests (--no-digests for the hourly escalation run).",
)
@with_appcontext
def remind_command(digests: bool) -> None:
    """Queue the daily digests and the escalations that are due; print counts."""
    from portal.notify import reminders

    click.echo(str(reminders.queue_reminders(with_digests=digests)))


@portal_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH when it exists.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Copy the SQLite database to PATH while serving; check the copy and print its counts."""
    from portal.ops import backup

    try:
        snapshot = backup.run_backup(path, force=force)
    except backup.BackupError as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"Backed up to {snapshot.describe()}")


@portal_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a <database>.before-restore left earlier.")
@click.confirmation_option(prompt="Replace the database with PATH? The server must be stopped.")
@with_appcontext
def restore_command(path: Path, force: bool) -> None:
    """Put a backup made by `portal backup` in place of the database (server stopped)."""
    from portal.ops import backup

    try:
        snapshot, kept = backup.run_restore(path, force=force)
    except backup.BackupError as problem:
        raise click.ClickException(str(problem)) from problem
    if kept is not None:
        click.echo(f"The replaced database is kept as {kept}")
    click.echo(f"Restored {snapshot.describe()}")


@portal_cli.command("copy-to")
@click.argument("url")
@click.option("--batch", default=1000, show_default=True, help="Rows per insert.")
@with_appcontext
def copy_to_command(url: str, batch: int) -> None:
    """Copy every row to an EMPTY database at URL (migrated to head first); compare counts."""
    from portal.ops import copying

    try:
        result = copying.copy_to(url, batch_size=batch, echo=click.echo)
    except copying.CopyError as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(result.describe())
