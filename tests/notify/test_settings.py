"""Mail and webhook settings from PORTAL_SMTP_* and friends."""

from __future__ import annotations

import pytest

from portal import config

LONG = "x" * 40


def _load(tmp_path, **env):
    return config.load({"PORTAL_SECRET_KEY": LONG, "PORTAL_INSTANCE_PATH": str(tmp_path), **env})


def test_without_settings_mail_is_off_and_would_use_starttls(tmp_path):
    settings = _load(tmp_path)
    assert settings["SMTP_HOST"] is None
    assert (settings["SMTP_PORT"], settings["SMTP_STARTTLS"], settings["SMTP_SSL"]) == (
        587,
        True,
        False,
    )
    assert settings["SMTP_FROM"] == "closecall@localhost"
    assert (settings["SMTP_TIMEOUT"], settings["WEBHOOK_TIMEOUT"]) == (30, 10)
    assert settings["NOTIFY_MAX_ATTEMPTS"] == 8


def test_ssl_defaults_to_port_465_without_starttls(tmp_path):
    settings = _load(tmp_path, PORTAL_SMTP_SSL="1", PORTAL_SMTP_HOST="mail.example.com")
    assert (settings["SMTP_PORT"], settings["SMTP_STARTTLS"], settings["SMTP_SSL"]) == (
        465,
        False,
        True,
    )


def test_every_setting_is_read(tmp_path):
    settings = _load(
        tmp_path,
        PORTAL_SMTP_HOST="mail.example.com",
        PORTAL_SMTP_PORT="2525",
        PORTAL_SMTP_USER="portal@example.com",
        PORTAL_SMTP_PASSWORD="pw",
        PORTAL_SMTP_STARTTLS="0",
        PORTAL_SMTP_TIMEOUT="7",
        PORTAL_WEBHOOK_TIMEOUT="3",
        PORTAL_NOTIFY_MAX_ATTEMPTS="4",
    )
    assert settings["SMTP_HOST"] == "mail.example.com" and settings["SMTP_PORT"] == 2525
    assert settings["SMTP_FROM"] == "portal@example.com"  # the login, when no sender is set
    assert settings["SMTP_PASSWORD"] == "pw" and settings["SMTP_STARTTLS"] is False
    assert (settings["SMTP_TIMEOUT"], settings["WEBHOOK_TIMEOUT"]) == (7, 3)
    assert settings["NOTIFY_MAX_ATTEMPTS"] == 4


def test_ssl_and_starttls_together_are_refused(tmp_path):
    with pytest.raises(config.ConfigError, match="exclude each other"):
        _load(tmp_path, PORTAL_SMTP_SSL="1", PORTAL_SMTP_STARTTLS="1")


def test_a_port_that_is_not_a_number_is_refused(tmp_path):
    with pytest.raises(config.ConfigError, match="PORTAL_SMTP_PORT"):
        _load(tmp_path, PORTAL_SMTP_PORT="smtp")
