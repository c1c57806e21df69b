"""Production server settings: `gunicorn -c gunicorn.conf.py wsgi:app`.

The embedded default (SQLite, rate-limit counters in memory) serves from ONE process with
threads, so every request counts against the same rate-limit counters. Several processes or
hosts need the counters in Redis (PORTAL_RATELIMIT_STORAGE_URL): with in-memory counters this
file refuses to start more than one worker, or each would allow the full limit on its own.

Environment:
    GUNICORN_BIND         address to listen on (default 127.0.0.1:8000; a proxy sits in front)
    GUNICORN_WORKERS      processes (default 1; more need PORTAL_RATELIMIT_STORAGE_URL=redis://)
    GUNICORN_THREADS      threads per process (default 8)
    GUNICORN_ACCESS_LOG   access log file, "-" for stdout (default "-")
    FORWARDED_ALLOW_IPS   proxies trusted for X-Forwarded-Proto (default: none)
"""

from __future__ import annotations

import os
import re

from gunicorn.glogging import Logger


def _whole_number(name: str, default: int) -> int:
    raw = os.environ.get(name) or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise SystemExit(f"{name} must be at least 1")
    return value


bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"
worker_class = "gthread"
workers = _whole_number("GUNICORN_WORKERS", 1)
threads = _whole_number("GUNICORN_THREADS", 8)
proc_name = "closecall"

_ratelimit_storage = os.environ.get("PORTAL_RATELIMIT_STORAGE_URL") or "memory://"
if workers > 1 and _ratelimit_storage.startswith("memory://"):
    raise SystemExit(
        "GUNICORN_WORKERS > 1 needs shared rate-limit counters: "
        "set PORTAL_RATELIMIT_STORAGE_URL=redis://... (or serve from one process with threads)"
    )

_SHARED_COUNTERS = (
    "more than one worker needs shared rate-limit counters: "
    "set PORTAL_RATELIMIT_STORAGE_URL=redis://... (or serve from one process with threads)"
)


def _refuse_private_counters(server) -> None:
    """However the workers were asked for (-w, GUNICORN_CMD_ARGS, a TTIN signal), several of
    them with in-memory counters would each allow the full rate limit."""
    if server.cfg.workers > 1 and _ratelimit_storage.startswith("memory://"):
        server.log.error(_SHARED_COUNTERS)
        raise SystemExit(_SHARED_COUNTERS)


def on_starting(server) -> None:
    _refuse_private_counters(server)


def nworkers_changed(server, new_value, old_value) -> None:
    _refuse_private_counters(server)


# Anonymity: no client address (%(h)s), no query string (%(r)s, %(q)s), no referrer (%(f)s,
# which can carry another page's query string) and no user agent (%(a)s) in the access log.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or "-"
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"

# Trust X-Forwarded-Proto only from proxies named in the environment (gunicorn's own default
# trusts 127.0.0.1). The app's PORTAL_PROXY_COUNT decides which X-Forwarded-For it believes.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")

# gunicorn >= 25 opens a control socket under $HOME by default; nothing here needs it.
control_socket_disable = True


# The worker's pages are not in the access log at all: "POST /r/<poster code>" with its second
# is the place and the minute of a report, and an anonymous report is known only to the hour
# (docs/decisions.md, "Anonymous in time"). Their static files go unlogged too, or the page's
# CSS fetched at 19:13 would say the same. Staff pages are logged as before.
UNLOGGED_PATHS = re.compile(r"^/(?:$|r/|kiosk/|followup(?:/|$)|static/)")


class AnonymousLogger(Logger):
    """gunicorn's logger without the client address its "Invalid request from ip=..." warning
    carries (a malformed request would otherwise put an address in the error log), and without
    an access line for a worker's page (UNLOGGED_PATHS)."""

    def warning(self, msg: object, *args: object, **kwargs: object) -> None:
        super().warning(re.sub(r"\bip=\S*?: ", "ip=-: ", str(msg)), *args, **kwargs)

    def access(self, resp, req, environ, request_time) -> None:
        if UNLOGGED_PATHS.match(environ.get("PATH_INFO") or "/"):
            return
        super().access(resp, req, environ, request_time)


logger_class = AnonymousLogger
