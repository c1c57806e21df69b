"""`make bench`: the worker's report path against a hello world, on the production server.

Makes a scratch instance folder and SQLite database in a temporary directory, migrates it and
adds one site and location, starts `gunicorn -c gunicorn.conf.py wsgi:app` on 127.0.0.1 with
production settings, and measures, side by side in one run, with bench/loadgen.py running in
a separate process:

    GET  /healthz     hello world: the baseline
    GET  /r/<code>    the report form              target >= 0.50 x hello world
    POST /r/<code>    a report without a photo     target >= 0.25 x hello world

Then it checks that nothing failed and nothing was lost (reports in the database == POSTs that
showed a receipt, and every receipt shown finds its report), that the access log holds no
client address and no query string, and stops gunicorn. About a minute.
Exit status 1 when a check fails; the targets are reported, not enforced.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOADGEN = ROOT / "bench" / "loadgen.py"
HOST = "127.0.0.1"
TARGETS = {"form": 0.50, "submit": 0.25}
LABELS = {
    "healthz": "GET /healthz (hello world)",
    "form": "GET /r/<code> (report form)",
    "submit": "POST /r/<code> (report)",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def production_environment(scratch: Path, port: int) -> dict[str, str]:
    """Production settings on a scratch instance; nothing inherited from the caller's PORTAL_*."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PORTAL_", "FLASK_", "FORWARDED_ALLOW_IPS"))
    }
    env.update(
        {
            "PORTAL_ENV": "production",
            "PORTAL_INSTANCE_PATH": str(scratch / "instance"),
            "PORTAL_SECRET_KEY": secrets.token_urlsafe(48),
            "PORTAL_BASE_URL": f"http://{HOST}:{port}",
            # the whole benchmark is one client address
            "PORTAL_REPORT_RATE_LIMIT": "100000 per minute",
            "GUNICORN_BIND": f"{HOST}:{port}",
            "GUNICORN_ACCESS_LOG": str(scratch / "access.log"),
        }
    )
    return env


def prepare_database() -> str:
    """Migrate the scratch database to head and add a site with one location; its code."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from portal.models import Location, Site

    app = create_app()
    with app.app_context():
        upgrade()
        site = Site(name="Bench Plant", slug="bench", timezone="UTC")
        location = Location(site=site, name="Dock 1")
        db.session.add_all([site, location])
        db.session.commit()
        code = location.code
        db.engine.dispose()
    return code


def stored_reports(receipts: list[str]) -> tuple[int, int]:
    """How many reports the database holds, and how many of the receipts shown find one."""
    from sqlalchemy import func, select

    from portal import create_app
    from portal.extensions import db
    from portal.lib import codes
    from portal.models import Report

    app = create_app()
    with app.app_context():
        total = db.session.scalar(select(func.count(Report.id))) or 0
        digests = [codes.receipt_hash(app.config["SECRET_KEY"], code) for code in receipts]
        found = 0
        for start in range(0, len(digests), 500):
            chunk = digests[start : start + 500]
            found += db.session.scalar(
                select(func.count(Report.id)).where(Report.receipt_hash.in_(chunk))
            )
        db.engine.dispose()
    return total, found


def fetch(port: int, path: str) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@contextmanager
def gunicorn(scratch: Path, port: int) -> Iterator[subprocess.Popen]:
    """The production server, started as operators start it; stopped (SIGTERM) at the end."""
    log_path = scratch / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"gunicorn exited early:\n{log_path.read_text()}")
                try:
                    if fetch(port, "/healthz") == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not answer /healthz:\n{log_path.read_text()}")
                time.sleep(0.2)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def load(port: int, mode: str, path: str, args: argparse.Namespace, posts: int = 0) -> dict:
    """Run the load generator in its own process; its JSON summary."""
    command = [
        sys.executable,
        str(LOADGEN),
        f"--port={port}",
        f"--mode={mode}",
        f"--path={path}",
        f"--seconds={args.seconds}",
        f"--warmup={args.warmup}",
        f"--connections={args.connections}",
    ]
    if posts:
        command.append(f"--posts={posts}")
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the load generator failed ({mode}):\n{done.stderr}")
    return json.loads(done.stdout)


def access_log_leaks(path: Path) -> list[str]:
    """Access-log lines that carry a client address or a query string."""
    if not path.exists():
        return ["no access log was written"]
    lines = path.read_text().splitlines()
    return [line for line in lines if HOST in line or "?" in line]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="timed seconds per figure")
    parser.add_argument("--warmup", type=float, default=2.0, help="untimed seconds before each")
    parser.add_argument("--connections", type=int, default=8, help="concurrent keep-alive clients")
    args = parser.parse_args()

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="closecall-bench-") as tmp:
        scratch = Path(tmp)
        env = production_environment(scratch, port)
        os.environ.clear()
        os.environ.update(env)
        code = prepare_database()
        form = f"/r/{code}"

        with gunicorn(scratch, port):
            # One page with a query string, so the access-log check below means something.
            assert fetch(port, f"{form}?lang=es") == 200
            results = {"healthz": load(port, "healthz", form, args)}
            results["form"] = load(port, "form", form, args)
            # Enough one-time tokens for the timed seconds at up to 60% of the form's rate.
            posts = int(min(max(results["form"]["rps"] * args.seconds * 0.6, 500), 20000))
            results["submit"] = load(port, "submit", form, args, posts=posts)

        receipts = results["submit"].pop("receipts")
        total, found = stored_reports(receipts)
        leaks = access_log_leaks(scratch / "access.log")
        log_lines = len((scratch / "access.log").read_text().splitlines())

    hello = results["healthz"]["rps"]
    print(
        f"Closecall report path: gunicorn gthread, {env.get('GUNICORN_WORKERS', '1')} worker x "
        f"{env.get('GUNICORN_THREADS', '8')} threads, SQLite {sqlite3.sqlite_version} "
        f"(WAL, synchronous=FULL), production settings"
    )
    print(
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}; {args.connections} keep-alive clients, "
        f"{args.seconds:g} s timed per figure\n"
    )
    print(f"{'':30} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x hello':>8}")
    for mode, result in results.items():
        ratio = result["rps"] / hello if hello else 0.0
        print(
            f"{LABELS[mode]:30} {result['requests']:>9} {result['rps']:>8.0f} "
            f"{result['p50_ms']:>8.2f} {result['p99_ms']:>8.2f} {ratio:>7.2f}x"
        )
    print()
    for mode, target in TARGETS.items():
        ratio = results[mode]["rps"] / hello if hello else 0.0
        verdict = "met" if ratio >= target else "MISSED"
        print(f"target {LABELS[mode]:30} >= {target:.2f}x hello world: {ratio:.2f}x  {verdict}")

    errors = sum(result["errors"] for result in results.values())
    lost = len(receipts) - total
    checks = {
        f"errors: {errors}": errors == 0,
        f"reports stored {total} == receipts shown {len(receipts)} (lost: {lost})": lost == 0,
        f"receipts that find their report: {found} of {len(receipts)}": found == len(receipts),
        f"access log ({log_lines} lines) without client address or query string": not leaks,
    }
    print()
    for text, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {text}")
    for result in results.values():
        for sample in result["error_samples"]:
            print(f"     {sample}")
    for line in leaks[:5]:
        print(f"     {line}")
    if results["submit"].get("ran_out_of_tokens"):
        print(f"note: the POSTs used all {results['submit']['tokens_fetched']} tokens early")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
