"""Safe start and password storage: what tests/test_config.py and tests/auth/test_login.py do
not already check.

tests/test_config.py covers config.load refusing FLASK_DEBUG in production and a 5-character
secret, and create_app refusing FLASK_DEBUG in production; tests/auth/test_login.py checks a
stored hash starts with $argon2id$ (with the suite's cheap test parameters).
"""

from __future__ import annotations

import importlib.util

import argon2
import pytest

from portal import config, create_app

LONG = "s" * 40


@pytest.fixture
def production(monkeypatch, tmp_path):
    """A production environment with a strong secret, a throwaway instance and SQLite."""
    for name in ("FLASK_DEBUG", "PORTAL_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_SECRET_KEY", LONG)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PORTAL_DATABASE_URL", f"sqlite:///{tmp_path / 'start.db'}")
    return monkeypatch


def test_production_with_good_settings_starts(production):
    app = create_app()
    assert app.debug is False and app.config["SECRET_KEY"] == LONG


@pytest.mark.parametrize(
    ("variable", "value"),
    [("FLASK_DEBUG", "1"), ("FLASK_DEBUG", "true"), ("PORTAL_DEBUG", "yes"), ("PORTAL_DEBUG", "1")],
)
def test_production_refuses_to_start_in_debug_mode(production, variable, value):
    production.setenv(variable, value)
    with pytest.raises(config.ConfigError, match="debug"):
        create_app()


@pytest.mark.parametrize("secret", ["s" * 10, "s" * 31, "short"])
def test_production_refuses_to_start_with_a_short_secret(production, secret):
    production.setenv("PORTAL_SECRET_KEY", secret)
    with pytest.raises(config.ConfigError, match="too short"):
        create_app()


def test_production_refuses_a_short_secret_left_in_the_instance_folder(production, tmp_path):
    production.delenv("PORTAL_SECRET_KEY")
    (tmp_path / "secret_key").write_text("s" * 10)
    with pytest.raises(config.ConfigError, match="too short"):
        create_app()


def test_production_refuses_to_start_without_a_secret(production, tmp_path):
    """No PORTAL_SECRET_KEY and no key file: refused, never a built-in or invented key."""
    production.delenv("PORTAL_SECRET_KEY")
    with pytest.raises(config.ConfigError, match="no secret key"):
        create_app()
    assert not (tmp_path / "secret_key").exists()


def test_production_cookies_are_secure_by_default(production):
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["WTF_CSRF_SSL_STRICT"] is True


def test_production_password_hashes_are_argon2id_at_a_real_cost():
    """The module as production loads it (the suite swaps in a cheap hasher): argon2id with at
    least OWASP's minimum cost (19 MiB, 2 passes)."""
    spec = importlib.util.find_spec("portal.lib.passwords")
    assert spec is not None and spec.loader is not None
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    stored = fresh.hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    parameters = argon2.extract_parameters(stored)
    assert parameters.type is argon2.Type.ID
    assert parameters.memory_cost >= 19 * 1024
    assert parameters.time_cost >= 2
    assert fresh.verify_password(stored, "correct horse battery")
    assert not fresh.needs_rehash(stored)
