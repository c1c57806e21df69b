"""Extensions, created unbound here and bound to the app in create_app()."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from portal.lib.daysalt import DaySalts

# Stable constraint names, so Alembic migrations read the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


_day_salts = DaySalts()


def client_key() -> str:
    """Rate-limit key for the client: a keyed hash with today's salt, so no address reaches
    storage or logs, and no key can be reversed with the secret alone or linked across days."""
    address = (request.remote_addr or "unknown").encode()
    secret = current_app.config["SECRET_KEY"].encode()
    namespace = "closecall:" + hmac.new(secret, b"salt-namespace", hashlib.sha256).hexdigest()[:12]
    salt = _day_salts.today(current_app.config["RATELIMIT_STORAGE_URI"], namespace)
    return hmac.new(secret, b"ratelimit|" + salt + b"|" + address, hashlib.sha256).hexdigest()[:24]


# Objects stay readable after commit: a request renders what it just saved without reloading.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = Htmx()
babel = Babel()
limiter = Limiter(key_func=client_key)
