"""`make run`: the development server, which logs no client address and no query string."""

from __future__ import annotations

import argparse
import os

from werkzeug.serving import WSGIRequestHandler, run_simple


class AnonymousRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, minus the client address and the query string in its log lines."""

    def address_string(self) -> str:
        return "-"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = self.path.split("?", 1)[0]
        self.log("info", '"%s %s" %s %s', self.command, path, code, size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    args = parser.parse_args()
    os.environ.setdefault("PORTAL_ENV", "development")
    from portal import create_app

    app = create_app()
    run_simple(
        args.host,
        args.port,
        app,
        use_reloader=True,
        use_debugger=True,
        threaded=True,
        request_handler=AnonymousRequestHandler,
    )


if __name__ == "__main__":
    main()
