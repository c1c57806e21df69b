"""`make bench-load`: 500 reports from 20 concurrent clients, a fifth with a 1-3 MB photo, on
the production server, on SQLite and on PostgreSQL; nothing lost, nothing doubled, no 5xx.

For each database: makes a scratch instance folder (and, for PostgreSQL, a scratch database on
the server of --postgres-url or TEST_DATABASE_URL, dropped afterwards), migrates it and adds
one site and location, starts `gunicorn -c gunicorn.conf.py wsgi:app` with production settings
on 127.0.0.1 and then, from a second process (this file with --drive):

    1. GET /healthz for a few seconds on the same number of clients: hello world, the baseline;
    2. fetches one form token per report (untimed), then sends the reports, each client its
       next as soon as the last answer is in; every fifth carries a random-noise JPEG of
       1-3 MB; only the POSTs are timed;
    3. looks every receipt shown up through POST /followup, as a reporter would.

It prints submissions/s, the ratio to hello world and p50/p95/p99 latency, then checks, after
stopping the server, against the database: 0 lost (every receipt shown finds its report, on
the follow-up page and by its keyed hash), 0 duplicated (no submission stored twice, no receipt
shown for two submissions), 0 5xx, 0 other failures. Exit status 1 when a check fails.

Only the rate limits differ from a real deployment (the whole benchmark is one client address).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import queue
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import loadgen  # noqa: E402 - the keep-alive connection and closed-loop phases, shared
import report_path  # noqa: E402 - the scratch environment and gunicorn runner, shared

HOST = report_path.HOST
MB = 1024 * 1024
PHOTO_SIZES_MB = (1.0, 1.5, 2.0, 2.5, 3.0)
TEXT = "Load report {run}-{index}: a pallet fell from the second rack level next to the walkway."
UNTHROTTLED = "1000000 per minute"
FOUND_MARK = b'class="status-card"'


# -- the driving process (--drive) -------------------------------------------------------------


def noise_jpeg(target_bytes: int) -> bytes:
    """A JPEG of random noise close to `target_bytes` (noise does not compress: it stays big)."""
    from PIL import Image

    def encode(side: int) -> bytes:
        image = Image.frombytes("RGB", (side, side * 3 // 4), os.urandom(side * side * 9 // 4))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        return buffer.getvalue()

    side = 1000
    data = encode(side)
    for _ in range(4):  # bytes grow with the pixels: scale the side by the square root
        side = max(64, min(4000, round(side * (target_bytes / len(data)) ** 0.5)))
        data = encode(side)
        if abs(len(data) - target_bytes) < 0.05 * target_bytes:
            break
    return data


def report_post(path: str, token: bytes, text: str, photo: bytes | None) -> bytes:
    """The POST a browser sends for the form: multipart, with or without one photo."""
    boundary = f"----closecallload{secrets.token_hex(8)}".encode()
    fields = [
        (b"what_happened", text.encode()),
        (b"where", b"Dock 1, rack B"),
        (b"potential_outcome", b"minor_injury"),
        (b"potential_text", b""),
        (b"reporter_name", b""),
        (b"token", token),
        (b"lang", b"en"),
    ]
    parts = [
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (boundary, n, v)
        for n, v in fields
    ]
    filename, content = (b"photo.jpg", photo) if photo else (b"", b"")
    parts.append(
        b'--%s\r\nContent-Disposition: form-data; name="photos"; filename="%s"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n%s\r\n" % (boundary, filename, content)
    )
    body = b"".join(parts) + b"--%s--\r\n" % boundary
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept-Language: en\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary.decode()}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


def with_photo(index: int, share: float) -> bool:
    """Spread the photos evenly: submission `index` carries one when the share's count steps."""
    return int((index + 1) * share) > int(index * share)


def fetch_tokens(port: int, path: str, count: int, clients: int) -> list[bytes]:
    """One one-time form token per submission, fetched before the clock starts."""
    tokens: queue.Queue = queue.Queue()
    tally = loadgen.run_phase(
        port, clients, 300.0, loadgen.form_step(path, tokens, count), timed=False
    )
    if tally.errors:
        raise SystemExit(f"fetching the forms failed: {tally.error_samples}")
    fetched = [tokens.get() for _ in range(tokens.qsize())]
    if len(fetched) < count:
        raise SystemExit(f"only {len(fetched)} of {count} form tokens were fetched")
    return fetched[:count]


def submit_all(port: int, path: str, args: argparse.Namespace) -> dict[str, object]:
    """Send every submission from `args.clients` keep-alive clients; what each one saw."""
    photos = [noise_jpeg(int(size * MB)) for size in PHOTO_SIZES_MB]
    tokens = fetch_tokens(port, path, args.submissions, args.clients)
    pending: queue.Queue = queue.Queue()
    for index, token in enumerate(tokens):
        pending.put((index, token))
    outcomes: list[dict[str, object]] = [{} for _ in tokens]
    start = threading.Barrier(args.clients)

    def client() -> None:
        connection = loadgen.Connection(port)
        start.wait()
        try:
            while True:
                try:
                    index, token = pending.get_nowait()
                except queue.Empty:
                    return
                photo = None
                if with_photo(index, args.photos):  # the sizes in turn, 1 MB to 3 MB
                    photo = photos[int(index * args.photos) % len(photos)]
                text = TEXT.format(run=args.run, index=index)
                outcomes[index] = send_one(connection, report_post(path, token, text, photo))
                outcomes[index]["photo_bytes"] = len(photo) if photo else 0
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    begun = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - begun
    return {"elapsed_s": elapsed, "outcomes": outcomes}


def send_one(connection: loadgen.Connection, raw: bytes) -> dict[str, object]:
    """One timed POST: its status, latency and the receipt it showed, or the error."""
    began = time.perf_counter()
    try:
        status, body = connection.send(raw)
    except OSError as problem:
        connection.close()
        return {"status": None, "error": f"{problem.__class__.__name__}: {problem}"}
    latency = time.perf_counter() - began
    match = loadgen.RECEIPT_RE.search(body)
    receipt = match.group(1).decode() if match and status == 200 else None
    return {"status": status, "latency_s": latency, "receipt": receipt}


def look_up(port: int, receipts: list[str], clients: int) -> list[str]:
    """The receipts POST /followup does not find, looked up from `clients` connections."""
    pending: queue.Queue = queue.Queue()
    for receipt in receipts:
        pending.put(receipt)
    missing: list[str] = []

    def client() -> None:
        connection = loadgen.Connection(port)
        try:
            while True:
                try:
                    receipt = pending.get_nowait()
                except queue.Empty:
                    return
                body = f"code={receipt}&lang=en".encode()
                raw = (
                    f"POST /followup HTTP/1.1\r\nHost: {HOST}\r\nAccept-Language: en\r\n"
                    "Content-Type: application/x-www-form-urlencoded\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n"
                ).encode() + body
                try:
                    status, page = connection.send(raw)
                except OSError:
                    connection.close()
                    status, page = 0, b""
                if status != 200 or FOUND_MARK not in page:
                    missing.append(receipt)  # list.append is atomic
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return missing


def drive(args: argparse.Namespace) -> None:
    """The second process: hello world, then the submissions, then the lookups; JSON out."""
    port, path = args.drive, args.form
    hello_step = loadgen.healthz_step(path)
    warm = loadgen.run_phase(port, args.clients, args.warmup, hello_step, timed=False)
    hello = loadgen.summary(
        "healthz", loadgen.run_phase(port, args.clients, args.seconds, hello_step, timed=True)
    )
    hello["errors"] += warm.errors
    result = submit_all(port, path, args)
    receipts = [outcome["receipt"] for outcome in result["outcomes"] if outcome.get("receipt")]
    result["hello"] = hello
    result["not_found"] = look_up(port, receipts, min(args.clients, 8))
    json.dump(result, sys.stdout)


# -- the controlling process -------------------------------------------------------------------


@contextmanager
def scratch_postgres(base_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database on the server of `base_url`, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    name = f"closecall_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Run with exactly `values` as the environment (create_app reads it), then restore."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def stored(run: str, receipts: list[str]) -> dict[str, object]:
    """What the database holds of this run: reports, doubles, and receipts that find a report."""
    from sqlalchemy import func, select

    from portal import create_app
    from portal.extensions import db
    from portal.lib import codes
    from portal.models import Photo, Report

    app = create_app()
    with app.app_context():
        mine = Report.what_happened.like(f"Load report {run}-%")
        texts = select(Report.what_happened, func.count().label("n")).where(mine)
        grouped = db.session.execute(texts.group_by(Report.what_happened)).all()
        by_digest = {codes.receipt_hash(app.config["SECRET_KEY"], code): code for code in receipts}
        digests = list(by_digest)
        found: set[str] = set()
        for start in range(0, len(digests), 500):
            chunk = digests[start : start + 500]
            query = select(Report.receipt_hash).where(Report.receipt_hash.in_(chunk))
            found.update(db.session.scalars(query))
        photos = db.session.scalar(select(func.count(Photo.id)).join(Report).where(mine))
        db.engine.dispose()
    return {
        "reports": sum(n for _, n in grouped),
        "stored_twice": sum(n - 1 for _, n in grouped if n > 1),
        "missing_by_hash": sorted(
            code for digest, code in by_digest.items() if digest not in found
        ),
        "photos": photos or 0,
    }


def run_on(database: str, database_url: str | None, args: argparse.Namespace) -> dict:
    """One full run on one database: server up, load from a second process, server down, checks."""
    port = report_path.free_port()
    run = secrets.token_hex(4)
    with tempfile.TemporaryDirectory(prefix="closecall-load-") as tmp:
        scratch = Path(tmp)
        env = report_path.production_environment(scratch, port)
        env["PORTAL_FOLLOWUP_RATE_LIMIT"] = UNTHROTTLED
        env["PORTAL_REPORT_RATE_LIMIT"] = UNTHROTTLED
        if database_url:
            env["PORTAL_DATABASE_URL"] = database_url
        for name in ("GUNICORN_WORKERS", "GUNICORN_THREADS"):
            if os.environ.get(name):
                env[name] = os.environ[name]
        if args.redis_url:
            env["PORTAL_RATELIMIT_STORAGE_URL"] = args.redis_url
        with environment(env):
            with contextlib.redirect_stderr(io.StringIO()):  # Alembic's progress lines
                code = report_path.prepare_database()
            with report_path.gunicorn(scratch, port):
                command = [
                    sys.executable,
                    __file__,
                    f"--drive={port}",
                    f"--form=/r/{code}",
                    f"--run={run}",
                    f"--submissions={args.submissions}",
                    f"--clients={args.clients}",
                    f"--photos={args.photos}",
                    f"--seconds={args.seconds}",
                    f"--warmup={args.warmup}",
                ]
                done = subprocess.run(command, capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    raise SystemExit(f"the load process failed:\n{done.stderr}")
            result = json.loads(done.stdout)
            outcomes = result["outcomes"]
            receipts = [outcome["receipt"] for outcome in outcomes if outcome.get("receipt")]
            result["database"] = stored(run, receipts)
            result["server"] = {
                "workers": env.get("GUNICORN_WORKERS", "1"),
                "threads": env.get("GUNICORN_THREADS", "8"),
            }
    result["name"] = database
    return result


def percentile(values: list[float], share: float) -> float:
    """The `share` percentile of `values` in milliseconds (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000


def report(result: dict, args: argparse.Namespace) -> bool:
    """Print one database's figures and checks; True when every check holds."""
    outcomes = result["outcomes"]
    hello = result["hello"]
    receipts = [outcome["receipt"] for outcome in outcomes if outcome.get("receipt")]
    latencies = [o["latency_s"] for o in outcomes if o.get("latency_s") is not None]
    photo_latencies = [
        o["latency_s"] for o in outcomes if o.get("photo_bytes") and o.get("latency_s") is not None
    ]
    plain_latencies = [
        o["latency_s"]
        for o in outcomes
        if not o.get("photo_bytes") and o.get("latency_s") is not None
    ]
    photo_sizes = [o["photo_bytes"] for o in outcomes if o.get("photo_bytes")]
    rate = len(receipts) / result["elapsed_s"] if result["elapsed_s"] else 0.0
    ratio = rate / hello["rps"] if hello["rps"] else 0.0
    server_errors = [o for o in outcomes if (o.get("status") or 0) >= 500]
    other_failures = [o for o in outcomes if not o.get("receipt") and (o.get("status") or 0) < 500]
    stored_db = result["database"]
    not_found = set(result["not_found"])
    missing_by_hash = set(stored_db["missing_by_hash"])
    lost = len(not_found | missing_by_hash)
    shown_twice = len(receipts) - len(set(receipts))
    duplicated = shown_twice + stored_db["stored_twice"]

    name = result["name"]
    if name == "sqlite":
        engine = f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=FULL)"
    else:
        engine = f"PostgreSQL {result.get('server_version', '')}".strip()
    server = result["server"]
    print(f"== {engine}; gunicorn gthread, {server['workers']} x {server['threads']} threads")
    print(
        f"hello world   {hello['rps']:8.0f} req/s  (GET /healthz, {args.clients} clients, "
        f"p50 {hello['p50_ms']:.1f} ms)"
    )
    print(
        f"submissions   {rate:8.1f} /s     {len(receipts)} receipts in {result['elapsed_s']:.1f} s"
        f" = {ratio:.3f}x hello world"
    )
    print(
        f"latency (ms)  all       p50 {percentile(latencies, 0.5):7.1f}  "
        f"p95 {percentile(latencies, 0.95):7.1f}  p99 {percentile(latencies, 0.99):7.1f}"
    )
    if photo_sizes:
        print(
            f"              no photo  p50 {percentile(plain_latencies, 0.5):7.1f}  "
            f"p95 {percentile(plain_latencies, 0.95):7.1f}  "
            f"p99 {percentile(plain_latencies, 0.99):7.1f}"
        )
        print(
            f"              photo     p50 {percentile(photo_latencies, 0.5):7.1f}  "
            f"p95 {percentile(photo_latencies, 0.95):7.1f}  "
            f"p99 {percentile(photo_latencies, 0.99):7.1f}  "
            f"({len(photo_sizes)} photos, {min(photo_sizes) / MB:.1f}-"
            f"{max(photo_sizes) / MB:.1f} MB)"
        )
    checks = {
        f"lost: {lost} (receipts shown {len(receipts)}, found by POST /followup "
        f"{len(receipts) - len(not_found)}, by hash in the database "
        f"{len(receipts) - len(missing_by_hash)})": lost == 0,
        f"duplicated: {duplicated} (receipts shown twice {shown_twice}, submissions stored "
        f"twice {stored_db['stored_twice']}; reports stored {stored_db['reports']}, "
        f"photos {stored_db['photos']})": duplicated == 0,
        f"5xx: {len(server_errors)}": not server_errors,
        f"other failures (no receipt shown): {len(other_failures)}": not other_failures,
        f"hello world errors: {hello['errors']}": hello["errors"] == 0,
    }
    for text, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {text}")
    samples = [
        o.get("error") or f"status {o.get('status')}" for o in other_failures + server_errors
    ]
    for sample in samples[:5]:
        print(f"     {sample}")
    print()
    return all(checks.values())


def postgres_version(url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SHOW server_version")).scalar_one().split()[0]
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_DATABASE_URL"),
        help="a PostgreSQL server to make a scratch database on (default: TEST_DATABASE_URL)",
    )
    parser.add_argument("--submissions", type=int, default=500)
    parser.add_argument("--clients", type=int, default=20, help="concurrent keep-alive clients")
    parser.add_argument("--photos", type=float, default=0.2, help="share with a 1-3 MB photo")
    parser.add_argument("--seconds", type=float, default=5.0, help="timed hello-world seconds")
    parser.add_argument("--warmup", type=float, default=1.0, help="untimed hello-world seconds")
    parser.add_argument(
        "--redis-url", help="rate-limit counters in Redis (needed with GUNICORN_WORKERS > 1)"
    )
    parser.add_argument("--drive", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--form", help=argparse.SUPPRESS)
    parser.add_argument("--run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        drive(args)
        return 0

    wanted = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    if "postgresql" in wanted and not args.postgres_url:
        if args.database == "postgresql":
            parser.error("PostgreSQL needs --postgres-url or TEST_DATABASE_URL")
        print("note: PostgreSQL skipped (set TEST_DATABASE_URL or --postgres-url)\n")
        wanted.remove("postgresql")

    print(
        f"Closecall under load: {args.submissions} reports from {args.clients} concurrent "
        f"clients, {args.photos:.0%} with a 1-3 MB photo; production settings"
    )
    print(
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}; server and clients on this machine\n"
    )
    ok = True
    for database in wanted:
        if database == "sqlite":
            result = run_on("sqlite", None, args)
        else:
            with scratch_postgres(args.postgres_url) as url:
                result = run_on("postgresql", url, args)
                result["server_version"] = postgres_version(url)
        ok = report(result, args) and ok
    print("all checks passed" if ok else "CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
