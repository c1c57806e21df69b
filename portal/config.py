"""Settings read from PORTAL_* environment variables, with safe defaults."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """The environment asks for something unsafe or impossible; the portal refuses to start."""


@dataclass(frozen=True)
class Env:
    """A view of the environment, so tests can pass their own mapping."""

    values: dict[str, str]

    def get(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        return value if value not in (None, "") else default

    def int(self, name: str, default: int) -> int:
        raw = self.get(name)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"{name} must be a whole number, not {raw!r}") from exc

    def bool(self, name: str, default: bool) -> bool:
        raw = self.get(name)
        if raw is None:
            return default
        return raw.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(env: Env, instance_path: Path, mode: str) -> str:
    """PORTAL_SECRET_KEY, or the key in the instance folder.

    Development and tests generate that key once and reuse it. Production never makes one up:
    a key invented on first start would differ on every host of a cluster (sessions and form
    tokens failing between them) and be lost with the folder (every receipt with it), so
    production without a key refuses to start and says how to make one."""
    key = env.get("PORTAL_SECRET_KEY")
    if key is not None:
        if len(key) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"PORTAL_SECRET_KEY is too short: use at least {MIN_SECRET_LENGTH} characters"
            )
        return key
    key_file = instance_path / "secret_key"
    if not key_file.exists() and mode == "production":
        raise ConfigError(
            "no secret key: set PORTAL_SECRET_KEY to at least "
            f"{MIN_SECRET_LENGTH} random characters (for example the output of "
            '`python3 -c "import secrets; print(secrets.token_urlsafe(48))"`), '
            f"the same on every server, or put one in {key_file}"
        )
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    key = key_file.read_text().strip()
    if len(key) < MIN_SECRET_LENGTH:
        raise ConfigError(f"{key_file} holds a key that is too short; delete it to regenerate")
    return key


def _notify_settings(env: Env) -> dict[str, object]:
    """Outgoing mail and webhooks (portal/notify/outbox.py); no PORTAL_SMTP_HOST: email waits."""
    ssl = env.bool("PORTAL_SMTP_SSL", False)
    starttls = env.bool("PORTAL_SMTP_STARTTLS", not ssl)
    if ssl and starttls:
        raise ConfigError("PORTAL_SMTP_SSL and PORTAL_SMTP_STARTTLS exclude each other")
    user = env.get("PORTAL_SMTP_USER")
    return {
        "SMTP_HOST": env.get("PORTAL_SMTP_HOST"),
        "SMTP_PORT": env.int("PORTAL_SMTP_PORT", 465 if ssl else 587),
        "SMTP_USER": user,
        "SMTP_PASSWORD": env.get("PORTAL_SMTP_PASSWORD"),
        "SMTP_STARTTLS": starttls,
        "SMTP_SSL": ssl,
        "SMTP_FROM": env.get("PORTAL_SMTP_FROM", user or "closecall@localhost"),
        "SMTP_TIMEOUT": env.int("PORTAL_SMTP_TIMEOUT", 30),
        "WEBHOOK_TIMEOUT": env.int("PORTAL_WEBHOOK_TIMEOUT", 10),
        # hosts a webhook may reach although they resolve to a private or loopback address
        "WEBHOOK_ALLOWED_HOSTS": frozenset(
            host.strip().lower()
            for host in (env.get("PORTAL_WEBHOOK_ALLOWED_HOSTS") or "").split(",")
            if host.strip()
        ),
        # tries per message before it is marked failed (about 13 hours with the back-off)
        "NOTIFY_MAX_ATTEMPTS": max(1, env.int("PORTAL_NOTIFY_MAX_ATTEMPTS", 8)),
    }


def _domains(env: Env, name: str) -> frozenset[str]:
    return frozenset(
        part.strip().lower().lstrip("@")
        for part in (env.get(name) or "").split(",")
        if part.strip()
    )


# roles company sign-in may give a new account: never admin (admins are made on the People page)
OIDC_NEW_ACCOUNT_ROLES = ("viewer", "supervisor", "safety_manager")


def _oidc_settings(env: Env) -> dict[str, object]:
    """Company sign-in with OpenID Connect (portal/auth/company.py): off unless
    PORTAL_OIDC_ISSUER is set; then the client id, secret and allowed email domains must be."""
    issuer = (env.get("PORTAL_OIDC_ISSUER") or "").rstrip("/")
    settings: dict[str, object] = {
        "OIDC_ISSUER": issuer or None,
        "OIDC_CLIENT_ID": env.get("PORTAL_OIDC_CLIENT_ID"),
        "OIDC_CLIENT_SECRET": env.get("PORTAL_OIDC_CLIENT_SECRET"),
        "OIDC_ALLOWED_DOMAINS": _domains(env, "PORTAL_OIDC_ALLOWED_DOMAINS"),
        "OIDC_CREATE_ACCOUNTS": env.bool("PORTAL_OIDC_CREATE_ACCOUNTS", False),
        "OIDC_NEW_ACCOUNT_ROLE": env.get("PORTAL_OIDC_NEW_ACCOUNT_ROLE", "viewer"),
        "OIDC_PASSWORD_OFF_DOMAINS": _domains(env, "PORTAL_OIDC_PASSWORD_OFF_DOMAINS"),
        "OIDC_PROVIDER_NAME": env.get("PORTAL_OIDC_PROVIDER_NAME"),
        "OIDC_TIMEOUT": env.int("PORTAL_OIDC_TIMEOUT", 10),
    }
    if not issuer:
        for name in (
            "PORTAL_OIDC_CLIENT_ID",
            "PORTAL_OIDC_ALLOWED_DOMAINS",
            "PORTAL_OIDC_PASSWORD_OFF_DOMAINS",
        ):
            if env.get(name):
                raise ConfigError(f"{name} is set but PORTAL_OIDC_ISSUER is not")
        return settings
    parts = urlsplit(issuer)
    loopback = parts.hostname in {"127.0.0.1", "localhost", "::1"}
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise ConfigError("PORTAL_OIDC_ISSUER must be an https:// address")
    for name in ("PORTAL_OIDC_CLIENT_ID", "PORTAL_OIDC_CLIENT_SECRET"):
        if not env.get(name):
            raise ConfigError(f"PORTAL_OIDC_ISSUER is set: {name} is needed too")
    if not settings["OIDC_ALLOWED_DOMAINS"]:
        raise ConfigError(
            "PORTAL_OIDC_ALLOWED_DOMAINS is needed with PORTAL_OIDC_ISSUER: the email domains "
            "(comma-separated) whose people may sign in with the company account"
        )
    if settings["OIDC_NEW_ACCOUNT_ROLE"] not in OIDC_NEW_ACCOUNT_ROLES:
        raise ConfigError(
            "PORTAL_OIDC_NEW_ACCOUNT_ROLE must be one of " + ", ".join(OIDC_NEW_ACCOUNT_ROLES)
        )
    return settings


def load(environ: dict[str, str] | None = None) -> dict[str, object]:
    """Build the Flask config mapping from the environment."""
    env = Env(dict(os.environ if environ is None else environ))
    mode = env.get("PORTAL_ENV", "production")
    if mode not in {"production", "development", "testing"}:
        raise ConfigError("PORTAL_ENV must be production, development or testing")
    debug = env.bool("FLASK_DEBUG", False) or env.bool("PORTAL_DEBUG", False)
    if mode == "production" and debug:
        raise ConfigError("debug mode is refused in production (unset FLASK_DEBUG/PORTAL_DEBUG)")

    instance_path = Path(env.get("PORTAL_INSTANCE_PATH", str(PROJECT_ROOT / "instance")))
    instance_path = instance_path.resolve()
    database_url = env.get("PORTAL_DATABASE_URL", f"sqlite:///{instance_path / 'closecall.db'}")
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    secure_default = mode == "production"

    return {
        **_notify_settings(env),
        **_oidc_settings(env),
        "PORTAL_ENV": mode,
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": _secret_key(env, instance_path, mode),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # pre-ping catches PostgreSQL connections dropped by the server; SQLite has none to drop
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database_url.startswith("sqlite")},
        "BASE_URL": env.get("PORTAL_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "UPLOAD_DIR": str(Path(env.get("PORTAL_UPLOAD_DIR", str(instance_path / "uploads")))),
        "RATELIMIT_STORAGE_URI": env.get("PORTAL_RATELIMIT_STORAGE_URL", "memory://"),
        "RATELIMIT_ENABLED": env.bool("PORTAL_RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": False,
        "RATELIMIT_KEY_PREFIX": "closecall",
        "REPORT_RATE_LIMIT": env.get("PORTAL_REPORT_RATE_LIMIT", "10 per minute; 100 per hour"),
        "FOLLOWUP_RATE_LIMIT": env.get("PORTAL_FOLLOWUP_RATE_LIMIT", "30 per hour; 10 per minute"),
        "LOGIN_RATE_LIMIT": env.get("PORTAL_LOGIN_RATE_LIMIT", "10 per 15 minutes"),
        "LOGIN_BURST_LIMIT": env.get("PORTAL_LOGIN_BURST_LIMIT", "30 per 15 minutes"),
        # two-step sign-in (portal/domain/two_factor.py): admins without it are sent to set it
        # up before anything else
        "REQUIRE_ADMIN_2FA": env.bool("PORTAL_REQUIRE_ADMIN_2FA", False),
        # one-time account links (portal/domain/links.py): invitations and password resets
        "INVITE_HOURS": max(1, env.int("PORTAL_INVITE_HOURS", 72)),
        "RESET_MINUTES": max(5, env.int("PORTAL_RESET_MINUTES", 60)),
        "RESET_RATE_LIMIT": env.get("PORTAL_RESET_RATE_LIMIT", "5 per hour"),
        "FORM_TOKEN_MAX_AGE": env.int("PORTAL_FORM_TOKEN_MAX_AGE", 12 * 3600),
        # how many reverse proxies (load balancers) stand in front and set X-Forwarded-*
        "PROXY_COUNT": env.int("PORTAL_PROXY_COUNT", 0),
        # how long a process remembers a poster code's location (admin edits clear it at once)
        "PLACE_CACHE_SECONDS": env.int("PORTAL_PLACE_CACHE_SECONDS", 5),
        "ACK_HOURS": env.int("PORTAL_ACK_HOURS", 24),
        # a new corrective action's default due date, in days from the site's today
        "ACTION_DUE_DAYS_HIGH_POTENTIAL": env.int("PORTAL_ACTION_DUE_DAYS_HIGH_POTENTIAL", 7),
        "ACTION_DUE_DAYS": env.int("PORTAL_ACTION_DUE_DAYS", 30),
        # the kiosk's receipt clears itself after this; a form left alone for IDLE seconds
        # asks "Still there?" and is cleared WARNING seconds later (docs/kiosk.md)
        "KIOSK_RECEIPT_SECONDS": max(1, env.int("PORTAL_KIOSK_RECEIPT_SECONDS", 60)),
        "KIOSK_IDLE_SECONDS": max(1, env.int("PORTAL_KIOSK_IDLE_SECONDS", 90)),
        "KIOSK_IDLE_WARNING_SECONDS": max(1, env.int("PORTAL_KIOSK_IDLE_WARNING_SECONDS", 30)),
        "MAX_PHOTO_BYTES": env.int("PORTAL_MAX_PHOTO_BYTES", 10 * 1024 * 1024),
        "MAX_PHOTOS": 3,
        # three photos at the limit plus the text; a bigger body is refused with 413
        "MAX_CONTENT_LENGTH": env.int("PORTAL_MAX_REQUEST_BYTES", 32 * 1024 * 1024),
        "MAX_FORM_MEMORY_SIZE": 512 * 1024,
        "SESSION_COOKIE_NAME": "closecall_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.bool("PORTAL_SECURE_COOKIES", secure_default),
        "REMEMBER_COOKIE_SECURE": env.bool("PORTAL_SECURE_COOKIES", secure_default),
        "PERMANENT_SESSION_LIFETIME": env.int("PORTAL_SESSION_HOURS", 12) * 3600,
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": True,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": ("en", "es"),
        "TESTING": mode == "testing",
        "DEBUG": debug and mode != "production",
    }
