"""`make run`: the development server. Its log holds no client address and no query string,
while the portal still sees each client's address (rate limits key on it); the interactive
debugger is off unless asked for (PORTAL_DEBUGGER=1), and it listens on loopback unless
HOST says otherwise (`make run HOST=0.0.0.0` to try it from a phone on the same network)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from werkzeug.serving import WSGIRequestHandler, _log, run_simple


class AnonymousRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, minus the client address and the query string in its log lines.

    Only the log forgets the address: REMOTE_ADDR still reaches the app, so one person's
    failed sign-ins or reports never use up everybody's rate limit."""

    def log(self, type: str, message: str, *args: Any) -> None:
        _log(type, f"[{self.log_date_time_string()}] {message}\n", *args)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = self.path.split("?", 1)[0]
        self.log("info", '"%s %s" %s %s', self.command, path, code, size)


def options(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """How `make run` serves: threads, the reloader, and the debugger only when asked for
    (it runs any code typed into an error page, so never by default)."""
    environ = os.environ if environ is None else environ
    debugger = environ.get("PORTAL_DEBUGGER", "").strip().lower() in {"1", "true", "yes", "on"}
    return {
        "use_reloader": True,
        "use_debugger": debugger,
        "threaded": True,
        "request_handler": AnonymousRequestHandler,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    args = parser.parse_args()
    os.environ.setdefault("PORTAL_ENV", "development")
    from portal import create_app

    run_simple(args.host, args.port, create_app(), **options())


if __name__ == "__main__":
    main()
