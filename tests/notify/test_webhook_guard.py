"""A site's webhook reaches the internet only: not this machine, not the private network, not
the cloud's metadata service — checked on the form, and again on the address the sender
actually connects to (issue 18, finding 5)."""

from __future__ import annotations

import pytest

from portal.admin.recipient_forms import is_internal_address
from portal.notify.channels import DeliveryError, is_public_address, post_webhook
from tests.factories import post


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0", "224.0.0.1",  # noqa: S104 - an address to refuse, not one to bind "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "::",
    ],
)  # fmt: skip
def test_inside_addresses_are_not_public(address):
    assert is_public_address(address) is False


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111"])
def test_internet_addresses_are_public(address):
    assert is_public_address(address) is True


def test_the_sender_does_not_reach_loopback_unless_it_is_allowed(webhook):
    for url in (webhook.url, webhook.url.replace("127.0.0.1", "localhost")):
        with pytest.raises(DeliveryError) as refused:
            post_webhook(url, {"text": "x"}, "m-1", timeout=5)
        assert refused.value.permanent and "not a public address" in str(refused.value)
    assert webhook.received == []  # nothing was sent to it
    post_webhook(
        webhook.url, {"text": "x"}, "m-2", timeout=5, allowed_hosts=frozenset({"127.0.0.1"})
    )
    assert webhook.received == [{"text": "x"}]


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:9999/internal/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/hook",
        "http://[::1]:8080/hook",
        "http://localhost:9999/hook",
        "https://api.localhost/hook",
    ],
)
def test_the_form_refuses_an_internal_webhook(app, login, world, ids, target, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", frozenset())
    login.as_(world.safety)
    url = f"/admin/sites/{ids.site['a']}/recipients"
    data = {"label": "Internal", "channel": "webhook", "target": target}
    response = post(login.client, url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "not an address inside this network" in html and "Internal" in html  # typed kept


def test_an_allowed_host_may_be_internal(app):
    with app.app_context():
        app.config["WEBHOOK_ALLOWED_HOSTS"] = frozenset({"chat.internal", "10.0.0.5"})
        assert is_internal_address("http://10.0.0.5/hook") is False
        assert is_internal_address("http://10.0.0.6/hook") is True
        assert is_internal_address("https://chat.example.com/hooks/x") is False
