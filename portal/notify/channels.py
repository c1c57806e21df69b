"""The two ways out of the outbox: email through an SMTP server, JSON POSTed to a webhook.

Nothing here touches the database; portal/notify/outbox.py claims rows and records the outcome.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import json
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from email.message import EmailMessage
from email.utils import format_datetime
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import urlsplit


class DeliveryError(Exception):
    """A try failed; `permanent` when trying again cannot help (a refused address, a 404)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Row(Protocol):
    id: int
    kind: str
    recipient: str
    subject: str
    body: str
    created_at: Any


def build_email(row: Row, sender: str, message_id: str) -> EmailMessage:
    """The email of one outbox row; identical on every try (Message-ID and Date included)."""
    message = EmailMessage()
    try:
        message["Subject"] = row.subject
        message["From"] = sender
        message["To"] = row.recipient
        message["Message-ID"] = message_id
        message["Date"] = format_datetime(row.created_at.replace(tzinfo=UTC))
    except ValueError as problem:  # a line break smuggled into a header
        raise DeliveryError(f"bad header: {problem}", permanent=True) from problem
    # RFC 3834: out-of-office robots must not answer
    message["Auto-Submitted"] = "auto-generated"
    message["X-Closecall-Kind"] = row.kind
    message.set_content(row.body)
    return message


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None
    port: int
    user: str | None
    password: str | None
    starttls: bool
    use_ssl: bool
    timeout: int


class Mailer:
    """One SMTP connection per round, opened on the first email and closed at the end.

    When the server cannot be reached, the other emails of the round fail at once with the
    same error instead of each waiting for the timeout.
    """

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._down: str | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Mailer:
        return cls(
            SmtpSettings(
                host=config.get("SMTP_HOST"),
                port=config["SMTP_PORT"],
                user=config.get("SMTP_USER"),
                password=config.get("SMTP_PASSWORD"),
                starttls=config["SMTP_STARTTLS"],
                use_ssl=config["SMTP_SSL"],
                timeout=config["SMTP_TIMEOUT"],
            )
        )

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if not s.host:
            raise DeliveryError("PORTAL_SMTP_HOST is not set")
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.use_ssl:
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.starttls:
                smtp.starttls(context=context)
            if s.user:
                smtp.login(s.user, s.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Send one email, or raise DeliveryError."""
        if self._down is not None:
            raise DeliveryError(self._down)
        if self._smtp is None:
            try:
                self._smtp = self._connect()
            except (smtplib.SMTPException, OSError) as problem:
                self._down = f"cannot reach the mail server: {_describe(problem)}"
                raise DeliveryError(self._down) from problem
        try:
            self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as problem:
            codes = [code for code, _text in problem.recipients.values()]
            permanent = all(code >= 500 for code in codes)
            raise DeliveryError(
                f"recipient refused: {problem.recipients}", permanent=permanent
            ) from None
        except smtplib.SMTPResponseException as problem:
            if problem.smtp_code == 421:  # the server is closing the connection
                self.close()
            raise DeliveryError(_describe(problem), permanent=problem.smtp_code >= 500) from None
        except (smtplib.SMTPException, OSError) as problem:
            # the connection broke: unknown whether the message went out; the next email
            # reconnects, and this one is tried again later with the same Message-ID
            self.close()
            raise DeliveryError(f"connection lost: {_describe(problem)}") from problem

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()
        self._smtp = None


def _describe(problem: BaseException) -> str:
    return f"{problem.__class__.__name__}: {problem}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would turn the POST into a body-less GET: treat it as a failure instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def is_public_address(address: str) -> bool:
    """An address on the internet: not loopback, private, link-local (cloud metadata at
    169.254.169.254), multicast, reserved or unspecified."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _guarded_connection(allowed: frozenset[str]) -> Callable[..., socket.socket]:
    """socket.create_connection, refusing every resolved address that is not public unless
    the host is allowed by configuration. The address checked is the one connected to, so a
    name that resolves differently a moment later (DNS rebinding) gains nothing."""

    def connect(
        address: tuple[str, int], timeout: Any = socket._GLOBAL_DEFAULT_TIMEOUT, *_: Any
    ) -> socket.socket:
        host, port = address
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        if host.lower() not in allowed:
            refused = [info[4][0] for info in found if not is_public_address(info[4][0])]
            if refused:
                raise DeliveryError(
                    f"a webhook may not reach {host} ({refused[0]}): not a public address",
                    permanent=True,
                )
        problem: OSError | None = None
        for family, kind, proto, _name, sockaddr in found:
            sock = socket.socket(family, kind, proto)
            try:
                if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                    sock.settimeout(timeout)
                sock.connect(sockaddr)
                return sock
            except OSError as error:
                sock.close()
                problem = error
        raise problem or OSError(f"no address for {host}")

    return connect


@functools.lru_cache(maxsize=4)
def _opener(allowed: frozenset[str]) -> urllib.request.OpenerDirector:
    """An opener that follows no redirect and reaches only public addresses (or allowed hosts)."""
    connect = _guarded_connection(allowed)

    class Http(http.client.HTTPConnection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    class Https(http.client.HTTPSConnection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    class HttpHandler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(Http, req)

    class HttpsHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(Https, req)

    return urllib.request.build_opener(_NoRedirects, HttpHandler, HttpsHandler)


def post_webhook(
    url: str,
    payload: dict[str, Any],
    message_id: str,
    timeout: int,
    allowed_hosts: frozenset[str] = frozenset(),
) -> None:
    """POST the payload as JSON; any 2xx answer is a delivery, anything else a DeliveryError.
    Only public addresses are reached, or the hosts PORTAL_WEBHOOK_ALLOWED_HOSTS names."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError("a webhook needs an http or https URL", permanent=True)
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Closecall-outbox",
            # the same on every try of one row, so receivers can de-duplicate
            "X-Closecall-Message-Id": message_id,
        },
    )
    try:
        with _opener(allowed_hosts).open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as problem:
        problem.close()
        # 4xx (but a timeout or rate limit) will not get better by itself
        permanent = 400 <= problem.code < 500 and problem.code not in (408, 429)
        raise DeliveryError(f"HTTP {problem.code} {problem.reason}", permanent=permanent) from None
    except urllib.error.URLError as problem:
        if isinstance(problem.reason, DeliveryError):
            raise problem.reason from None
        raise DeliveryError(f"cannot reach the webhook: {_describe(problem)}") from problem
    except OSError as problem:
        raise DeliveryError(f"cannot reach the webhook: {_describe(problem)}") from problem
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}")
