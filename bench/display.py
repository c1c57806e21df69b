"""`make bench-display`: the breakroom display's poll against a hello world, on gunicorn.

Makes a scratch instance folder and SQLite database in a temporary directory, migrates it with
the Alembic migrations and publishes 50 fixed reports at one site through the domain (submit,
corrective action done and verified, summary, publish). Starts `gunicorn -c gunicorn.conf.py
wsgi:app` with production settings on 127.0.0.1 and measures, in one run:

    GET /healthz                          hello world: the baseline
    GET /display/<site>/content  (304)    a screen's poll that hits the ETag   target >= 0.5 x
    GET /display/<site>/content  (200)    a full render of the fragment        target p95 < 20 ms

The first two alternate in short rounds (side by side, so drift on a shared machine hits both),
each round --seconds long on --connections keep-alive connections in a closed loop (the
bench/loadgen.py connection and phases, run here in threads of this process, which is not the
server's). The full render is timed one request after another from one keep-alive client,
--requests times after a few untimed ones. Every answer must have the expected status.
Exit status 1 when a request failed; missing a target is reported, not an error.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import loadgen  # noqa: E402 - the keep-alive connection and closed-loop phases, shared
import report_path  # noqa: E402 - the scratch environment and gunicorn runner, shared

HOST = report_path.HOST
SLUG = "bench"
POLL = f"/display/{SLUG}/content?lang=en&theme=dark&every=60"
TARGET_RATIO = 0.5
TARGET_P95_MS = 20.0
PUBLISHED = 50


def build_database() -> None:
    """Migrate the scratch database; one site with PUBLISHED fixes on its public feed."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.domain import accounts, corrective, loop, publishing
    from portal.extensions import db
    from portal.lib import codes
    from portal.models import Location, Site

    app = create_app()
    with app.app_context():
        upgrade()
        site = Site(name="Bench Plant", slug=SLUG, timezone="UTC")
        location = Location(site=site, name="Dock 1")
        db.session.add_all([site, location])
        db.session.commit()
        safety = accounts.create_user(
            email="safety@bench.example",
            name="Safety",
            role="safety_manager",
            password="bench-password-long-enough",  # noqa: S106 - scratch, loopback only
            site_slugs=[SLUG],
        )
        supervisor = accounts.create_user(
            email="supervisor@bench.example",
            name="Supervisor",
            role="supervisor",
            password="bench-password-long-enough",  # noqa: S106
            site_slugs=[SLUG],
        )
        db.session.commit()
        for n in range(PUBLISHED):
            answers = loop.NewReport(
                f"Pallet {n} overhangs the walkway at rack B.",
                "Dock 1",
                "serious_injury",
                None,
                None,
                None,
                "qr",
                "en",
            )
            nonce = codes.random_code(20)
            report = loop.submit(
                location,
                answers,
                receipt_hash=codes.receipt_hash("k", nonce),
                submission_key=codes.submission_key(nonce),
            )
            new = corrective.NewAction("Mark the rack", "engineering", supervisor, date(2030, 1, 1))
            action = corrective.add(report, safety, new)
            corrective.complete(action, supervisor, note="Done")
            corrective.verify(action, safety, note="Checked")
            loop.write_summary(
                report, safety, summary=f"Rack B {n} has a load limit sign.", not_public=False
            )
            publishing.publish(report, safety, public_what=f"A pallet overhung a walkway ({n}).")
            db.session.commit()
        db.engine.dispose()


def request(path: str, *headers: str) -> bytes:
    extra = "".join(f"{header}\r\n" for header in headers)
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept-Language: en\r\n{extra}\r\n".encode()


def step(raw: bytes, status: int) -> loadgen.Step:
    """Send `raw` again and again; any other status than `status` is an error."""

    def send(connection: loadgen.Connection, tally: loadgen.Tally, timed: bool) -> bool:
        got, _body = loadgen.timed_send(connection, tally, timed, raw)
        if got is not None and got != status:
            tally.error(f"answered {got}, expected {status}")
        return True

    return send


def current_etag(port: int) -> str:
    """The ETag a screen holds after its last poll."""
    connection = loadgen.Connection(port)
    try:
        raw = request(POLL, "HX-Request: true")
        connection.sock = connection._connect()
        connection.sock.sendall(raw)
        while b"\r\n\r\n" not in connection.buffer:
            connection._read_more(received_any=bool(connection.buffer))
        head = connection.buffer.split(b"\r\n\r\n", 1)[0].decode()
    finally:
        connection.close()
    for line in head.split("\r\n"):
        name, _, value = line.partition(":")
        if name.lower() == "etag":
            return value.strip()
    raise SystemExit(f"the poll answered without an ETag:\n{head}")


def side_by_side(port: int, args: argparse.Namespace, etag: str) -> dict[str, loadgen.Tally]:
    """Hello world and the 304 poll in alternating rounds; every round's answers pooled."""
    steps = {
        "healthz": step(request("/healthz"), 200),
        "poll304": step(request(POLL, "HX-Request: true", f"If-None-Match: {etag}"), 304),
    }
    pooled = {name: loadgen.Tally() for name in steps}
    for send in steps.values():  # warm-up, untimed
        loadgen.run_phase(port, args.connections, args.warmup, send, timed=False)
    for _round in range(args.rounds):
        for name, send in steps.items():
            tally = loadgen.run_phase(port, args.connections, args.seconds, send, timed=True)
            pooled[name].latencies += tally.latencies
            pooled[name].elapsed += tally.elapsed
            pooled[name].errors += tally.errors
            pooled[name].error_samples += tally.error_samples
    return pooled


def full_renders(port: int, args: argparse.Namespace) -> tuple[list[float], int]:
    """The fragment rendered afresh, one request after another; ms each.

    The server keeps each rendered fragment by its ETag, so every request here asks for another
    polling interval (?every=10..600: another ETag, the same work): each one is a real render.
    """
    connection = loadgen.Connection(port)
    times, failures = [], 0
    try:
        for n in range(args.requests + 10):
            raw = request(POLL.replace("every=60", f"every={10 + n}"), "HX-Request: true")
            started = time.perf_counter()
            status, body = connection.send(raw)
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200 or body.count(b'data-testid="fix"') != 8:
                failures += 1
            if n >= 10:
                times.append(elapsed)
    finally:
        connection.close()
    return times, failures


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="timed seconds per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of each")
    parser.add_argument("--warmup", type=float, default=1.0, help="untimed seconds before")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--requests", type=int, default=300, help="timed full renders")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 30.0)
    args.rounds = min(max(args.rounds, 1), 10)
    args.requests = min(max(args.requests, 20), 580)  # one ETag each: every=10..600

    port = report_path.free_port()
    with tempfile.TemporaryDirectory(prefix="closecall-bench-display-") as tmp:
        scratch = Path(tmp)
        env = report_path.production_environment(scratch, port)
        os.environ.clear()
        os.environ.update(env)
        print(f"publishing {PUBLISHED} fixes ...", flush=True)
        build_database()
        with report_path.gunicorn(scratch, port):
            etag = current_etag(port)
            print("timing hello world and the 304 poll side by side ...", flush=True)
            pooled = side_by_side(port, args, etag)
            print("timing full renders of the fragment ...", flush=True)
            renders, render_failures = full_renders(port, args)

    summaries = {name: loadgen.summary(name, tally) for name, tally in pooled.items()}
    hello, poll = summaries["healthz"], summaries["poll304"]
    ratio = poll["rps"] / hello["rps"] if hello["rps"] else 0.0
    p95 = percentile(renders, 0.95)
    print()
    print(
        f"Closecall breakroom display: gunicorn gthread, {env.get('GUNICORN_WORKERS', '1')} "
        f"worker x {env.get('GUNICORN_THREADS', '8')} threads, SQLite {sqlite3.sqlite_version}, "
        "production settings"
    )
    print(
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"{args.connections} keep-alive connections, {args.rounds} alternating rounds of "
        f"{args.seconds:g} s each; {PUBLISHED} published fixes (the screen shows the newest 8)\n"
    )
    print(f"{'':36} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x hello':>8}")
    for label, figure in (
        ("GET /healthz (hello world)", hello),
        ("GET /display/<site>/content 304", poll),
    ):
        print(
            f"{label:36} {figure['requests']:>9} {figure['rps']:>8.0f} {figure['p50_ms']:>8.2f} "
            f"{figure['p99_ms']:>8.2f} {figure['rps'] / hello['rps']:>8.2f}"
        )
    print()
    verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
    print(f"304 poll: {ratio:.2f} x hello world (target >= {TARGET_RATIO}) — {verdict}")
    verdict = "met" if p95 < TARGET_P95_MS else "MISSED"
    print(
        f"full render of the fragment: p50 {statistics.median(renders):.2f} ms, p95 {p95:.2f} ms, "
        f"max {max(renders):.2f} ms over {len(renders)} requests "
        f"(target p95 < {TARGET_P95_MS:.0f} ms, {p95 / TARGET_P95_MS:.2f} of it) — {verdict}"
    )
    errors = hello["errors"] + poll["errors"] + render_failures
    samples = hello["error_samples"] + poll["error_samples"]
    print(f"\n{'ok  ' if not errors else 'FAIL'} every answer as expected ({errors} failed)")
    for line in samples[:5]:
        print(f"     {line}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
