"""Closecall: a near-miss reporting portal. create_app() wires config, extensions and blueprints."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from portal import config as portal_config
from portal.config import PROJECT_ROOT


def create_app(overrides: dict[str, object] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI, error pages."""
    settings = portal_config.load()
    if overrides:
        settings.update(overrides)
    app = Flask(
        __name__,
        instance_path=str(settings["INSTANCE_PATH"]),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(settings)
    Path(app.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]

    from portal import database
    from portal.extensions import csrf, db, htmx, limiter, login_manager, migrate
    from portal.web import errors, i18n, pages, security

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    database.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    pages.init_app(app)

    from portal.auth import init_login

    init_login(app, login_manager)

    from portal.account import bp as account_bp
    from portal.admin import bp as admin_bp
    from portal.auth import bp as auth_bp
    from portal.closeout import bp as closeout_bp
    from portal.display import bp as display_bp
    from portal.feed import bp as feed_bp
    from portal.followup import bp as followup_bp
    from portal.insights import bp as insights_bp
    from portal.people import bp as people_bp
    from portal.report_form import bp as report_form_bp
    from portal.report_page import bp as report_page_bp
    from portal.staff import bp as staff_bp
    from portal.triage import bp as triage_bp

    # The public pages set no cookie, so they cannot use cookie-bound CSRF tokens: their forms
    # carry a signed one-time submission token instead (portal/lib/tokens.py).
    csrf.exempt(report_form_bp)
    csrf.exempt(followup_bp)
    csrf.exempt(display_bp)
    csrf.exempt(feed_bp)
    for blueprint in (
        report_form_bp,
        followup_bp,
        auth_bp,
        staff_bp,
        admin_bp,
        report_page_bp,
        triage_bp,
        closeout_bp,
        feed_bp,
        display_bp,
        insights_bp,
        people_bp,
        account_bp,
    ):
        app.register_blueprint(blueprint)

    from portal.cli import portal_cli

    app.cli.add_command(portal_cli)
    return app
