"""Configuration comes from PORTAL_* variables; unsafe production settings refuse to start."""

from __future__ import annotations

import pytest

from portal import config, create_app

LONG = "x" * 40


def test_production_refuses_debug(tmp_path):
    with pytest.raises(config.ConfigError, match="debug"):
        config.load({"PORTAL_ENV": "production", "FLASK_DEBUG": "1", "PORTAL_SECRET_KEY": LONG})


def test_a_short_secret_is_refused(tmp_path):
    with pytest.raises(config.ConfigError, match="too short"):
        config.load({"PORTAL_SECRET_KEY": "short", "PORTAL_INSTANCE_PATH": str(tmp_path)})


def test_an_unknown_environment_is_refused(tmp_path):
    with pytest.raises(config.ConfigError):
        config.load({"PORTAL_ENV": "staging", "PORTAL_INSTANCE_PATH": str(tmp_path)})


def test_without_a_secret_development_generates_one_once_and_reuses_it(tmp_path):
    env = {"PORTAL_ENV": "development", "PORTAL_INSTANCE_PATH": str(tmp_path)}
    first = config.load(env)["SECRET_KEY"]
    second = config.load(env)["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_without_a_secret_refuses_to_start(tmp_path):
    with pytest.raises(config.ConfigError, match="no secret key"):
        config.load({"PORTAL_INSTANCE_PATH": str(tmp_path)})
    assert not (tmp_path / "secret_key").exists()


def test_production_uses_a_key_left_in_the_instance_folder(tmp_path):
    (tmp_path / "secret_key").write_text("k" * 48)
    assert config.load({"PORTAL_INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"] == "k" * 48


def test_defaults_are_safe(tmp_path):
    settings = config.load({"PORTAL_INSTANCE_PATH": str(tmp_path), "PORTAL_SECRET_KEY": LONG})
    assert settings["PORTAL_ENV"] == "production"
    assert settings["DEBUG"] is False
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path.resolve() / 'closecall.db'}"


def test_postgresql_urls_use_psycopg(tmp_path):
    settings = config.load(
        {
            "PORTAL_INSTANCE_PATH": str(tmp_path),
            "PORTAL_DATABASE_URL": "postgresql://u@h/db",
            "PORTAL_SECRET_KEY": LONG,
        }
    )
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_bad_numbers_are_explained(tmp_path):
    with pytest.raises(config.ConfigError, match="PORTAL_ACK_HOURS"):
        config.load(
            {
                "PORTAL_INSTANCE_PATH": str(tmp_path),
                "PORTAL_ACK_HOURS": "soon",
                "PORTAL_SECRET_KEY": LONG,
            }
        )


def test_the_app_refuses_to_start_in_production_with_debug(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(config.ConfigError):
        create_app()


def test_sqlite_runs_wal_full_sync_and_foreign_keys(app):
    from sqlalchemy import text

    from portal.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite pragmas only")
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_behind_a_proxy_the_rate_limit_keys_on_the_forwarded_client(app_env, monkeypatch):
    from portal.extensions import client_key

    monkeypatch.setenv("PORTAL_PROXY_COUNT", "1")
    proxied = create_app()
    proxied.add_url_rule("/_key", "key", client_key)
    client = proxied.test_client()
    keys = set()
    for forwarded in ("198.51.100.1", "198.51.100.2", "198.51.100.2"):
        response = client.get(
            "/_key",
            headers={"X-Forwarded-For": forwarded},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
        )
        keys.add(response.get_data(as_text=True))
    assert len(keys) == 2
    assert all("198.51" not in key for key in keys)


OIDC = {
    "PORTAL_SECRET_KEY": LONG,
    "PORTAL_OIDC_ISSUER": "https://login.example.com/",
    "PORTAL_OIDC_CLIENT_ID": "closecall",
    "PORTAL_OIDC_CLIENT_SECRET": "s3cret",
    "PORTAL_OIDC_ALLOWED_DOMAINS": "Example.com, @plant.example.com",
}


def test_company_sign_in_is_off_by_default(tmp_path):
    settings = config.load({"PORTAL_SECRET_KEY": LONG, "PORTAL_INSTANCE_PATH": str(tmp_path)})
    assert settings["OIDC_ISSUER"] is None
    assert settings["REQUIRE_ADMIN_2FA"] is False


def test_company_sign_in_settings_are_read(tmp_path):
    settings = config.load({**OIDC, "PORTAL_INSTANCE_PATH": str(tmp_path)})
    assert settings["OIDC_ISSUER"] == "https://login.example.com"
    assert settings["OIDC_ALLOWED_DOMAINS"] == {"example.com", "plant.example.com"}
    assert settings["OIDC_CREATE_ACCOUNTS"] is False
    assert settings["OIDC_NEW_ACCOUNT_ROLE"] == "viewer"
    assert settings["OIDC_PASSWORD_OFF_DOMAINS"] == frozenset()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"PORTAL_OIDC_ISSUER": "http://login.example.com"}, "https://"),
        ({"PORTAL_OIDC_CLIENT_SECRET": ""}, "PORTAL_OIDC_CLIENT_SECRET is needed"),
        ({"PORTAL_OIDC_CLIENT_ID": ""}, "PORTAL_OIDC_CLIENT_ID is needed"),
        ({"PORTAL_OIDC_ALLOWED_DOMAINS": ""}, "PORTAL_OIDC_ALLOWED_DOMAINS is needed"),
        ({"PORTAL_OIDC_NEW_ACCOUNT_ROLE": "admin"}, "must be one of"),
        ({"PORTAL_OIDC_ISSUER": ""}, "PORTAL_OIDC_ISSUER is not"),
    ],
)
def test_incomplete_or_unsafe_company_sign_in_refuses_to_start(tmp_path, change, message):
    with pytest.raises(config.ConfigError, match=message):
        config.load({**OIDC, **change, "PORTAL_INSTANCE_PATH": str(tmp_path)})


def test_a_provider_on_this_machine_may_use_plain_http(tmp_path):
    env = {**OIDC, "PORTAL_OIDC_ISSUER": "http://127.0.0.1:8080"}
    assert config.load({**env, "PORTAL_INSTANCE_PATH": str(tmp_path)})["OIDC_ISSUER"]
