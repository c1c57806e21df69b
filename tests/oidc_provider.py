"""A real OpenID Connect provider for the tests (PyPI `oidc-provider-mock`, an Authlib server)
served on 127.0.0.1 at a free port, with a switch to misbehave the way an attacker in the
middle, or a misconfigured provider, would:

- "tampered token": the ID token's claims are changed after signing (another email), so its
  signature no longer matches;
- "token issuer": the provider signs the ID token as another issuer (127.0.0.2);
- "discovery issuer": the discovery document names another issuer;
- "nonce": the provider is handed another nonce than the portal sent, and signs that one.

Its sign-in page lets a test pick any subject: the page's `sub` becomes the subject and, for
a subject that is not one of the predefined users, the email claim.
"""

from __future__ import annotations

import base64
import json
import threading
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

# The provider imports Authlib's deprecated modules (and Authlib then shows its deprecation
# warnings always): the provider's business, not the portal's, and not shown.
import authlib.deprecate  # noqa: F401 - first: it puts its "always" filter in front
from werkzeug.serving import make_server

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import oidc_provider_mock

CLIENT_ID = "closecall-test"
CLIENT_SECRET = "closecall-test-secret"
MODES = ("tampered token", "token issuer", "discovery issuer", "nonce")


@dataclass
class Provider:
    url: str
    mode: str | None = None
    seen: list[str] = field(default_factory=list)  # request paths, in order

    def env(self, **extra: str) -> dict[str, str]:
        """The portal's settings for this provider."""
        return {
            "PORTAL_OIDC_ISSUER": self.url,
            "PORTAL_OIDC_CLIENT_ID": CLIENT_ID,
            "PORTAL_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "PORTAL_OIDC_ALLOWED_DOMAINS": "test.example",
            **extra,
        }


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def tamper(id_token: str) -> str:
    """The same signed token with other claims: another person's email."""
    header, payload, signature = id_token.split(".")
    claims = json.loads(_b64decode(payload))
    claims["email"] = "admin@test.example"
    return ".".join([header, _b64encode(json.dumps(claims).encode()), signature])


class _Misbehaving:
    """WSGI middleware around the provider: switched by Provider.mode."""

    def __init__(self, app, provider: Provider) -> None:
        self.app, self.provider = app, provider

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        self.provider.seen.append(path)
        mode = self.provider.mode
        if mode == "token issuer" and path == "/oauth2/token":
            environ["HTTP_HOST"] = environ["HTTP_HOST"].replace("127.0.0.1", "127.0.0.2")
        if mode == "nonce" and path == "/oauth2/authorize":
            query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
            if "nonce" in query:
                query["nonce"] = "not-the-portals-nonce"
                environ["QUERY_STRING"] = urlencode(query)
        rewrite = (mode == "tampered token" and path == "/oauth2/token") or (
            mode == "discovery issuer" and path == "/.well-known/openid-configuration"
        )
        if not rewrite:
            return self.app(environ, start_response)
        captured: dict[str, object] = {}

        def keep(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda _data: None

        body = b"".join(self.app(environ, keep))
        document = json.loads(body)
        if "id_token" in document:
            document["id_token"] = tamper(document["id_token"])
        if "issuer" in document:
            document["issuer"] = "http://127.0.0.2:1"
        body = json.dumps(document).encode()
        headers = [
            (name, value)
            for name, value in captured["headers"]  # type: ignore[attr-defined]
            if name.lower() != "content-length"
        ]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]


@contextmanager
def running_provider(users: Iterable[tuple[str, dict[str, object]]] = ()) -> Iterator[Provider]:
    """The provider on 127.0.0.1, with these predefined users (subject, claims)."""
    app = oidc_provider_mock.app(
        require_nonce=True,
        user_claims=[oidc_provider_mock.User(sub=sub, claims=claims) for sub, claims in users],
    )
    provider = Provider(url="")
    server = make_server("127.0.0.1", 0, _Misbehaving(app, provider), threaded=True)
    provider.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
