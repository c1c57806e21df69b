"""A small closed-loop HTTP/1.1 load generator for the benchmark (loopback only).

Each connection is a thread with its own keep-alive socket that sends the next request as soon
as the last answer is read. Run as a separate process by bench/report_path.py; prints JSON.

    loadgen.py --port 8000 --mode healthz|form|submit --path /r/CODE --seconds 10
"""

from __future__ import annotations

import argparse
import json
import queue
import re
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

HOST = "127.0.0.1"
TOKEN_RE = re.compile(rb'name="token" type="hidden" value="([^"]+)"')
RECEIPT_RE = re.compile(rb'data-testid="receipt-code">([0-9A-Z-]+)<')


class ServerClosed(ConnectionError):
    """The server closed a kept-alive connection before answering: safe to send again."""


class Connection:
    """One keep-alive connection that sends raw requests and reads Content-Length answers."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _connect(self) -> socket.socket:
        sock = socket.create_connection((HOST, self.port), timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        return sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _read_more(self, received_any: bool) -> None:
        chunk = self.sock.recv(262144)
        if not chunk:
            self.close()
            if received_any:
                raise ConnectionError("the server closed the connection mid-answer")
            raise ServerClosed
        self.buffer += chunk

    def send(self, raw: bytes) -> tuple[int, bytes]:
        """Send one request; the answer's status and body. Reconnects once if the server
        had closed the idle connection (both requests used here are safe to repeat)."""
        for attempt in range(2):
            if self.sock is None:
                self.sock = self._connect()
            try:
                return self._exchange(raw)
            except (ServerClosed, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _exchange(self, raw: bytes) -> tuple[int, bytes]:
        self.sock.sendall(raw)
        while b"\r\n\r\n" not in self.buffer:
            self._read_more(received_any=bool(self.buffer))
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length = 0
        close = False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
            elif name == b"transfer-encoding":
                raise ConnectionError("chunked answers are not expected here")
        while len(self.buffer) < length:
            self._read_more(received_any=True)
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        if close:
            self.close()
        return status, body


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept-Language: en\r\n\r\n".encode()


def report_post(path: str, token: bytes) -> bytes:
    """The POST a browser sends for the form (multipart, with the empty photo field)."""
    boundary = f"----closecallbench{secrets.token_hex(8)}".encode()
    fields = [
        (b"what_happened", b"A pallet fell from the second rack level next to the walkway."),
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
    parts.append(
        b"--%s\r\nContent-Disposition: form-data; "
        b'name="photos"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n'
        % boundary
    )
    body = b"".join(parts) + b"--%s--\r\n" % boundary
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept-Language: en\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary.decode()}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


@dataclass
class Tally:
    """What the connections of one phase saw."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    receipts: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors += 1
            if len(self.error_samples) < 5:
                self.error_samples.append(text)


# A step sends one request on a connection; it returns False when there is nothing left to send.
Step = Callable[[Connection, Tally, bool], bool]


def run_phase(port: int, connections: int, seconds: float, step: Step, timed: bool) -> Tally:
    """Run `step` on every connection until `seconds` pass or a step says it is done."""
    tally = Tally()
    deadline = time.perf_counter() + seconds
    started = threading.Barrier(connections)

    def worker() -> None:
        connection = Connection(port)
        started.wait()
        try:
            while time.perf_counter() < deadline:
                if not step(connection, tally, timed):
                    break
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    begun = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.elapsed = time.perf_counter() - begun
    return tally


def timed_send(connection: Connection, tally: Tally, timed: bool, raw: bytes):
    start = time.perf_counter()
    try:
        status, body = connection.send(raw)
    except OSError as problem:
        tally.error(f"{problem.__class__.__name__}: {problem}")
        connection.close()
        return None, b""
    if timed:
        tally.latencies.append(time.perf_counter() - start)  # list.append is atomic
    return status, body


def healthz_step(path: str) -> Step:
    raw = get("/healthz")

    def step(connection: Connection, tally: Tally, timed: bool) -> bool:
        status, body = timed_send(connection, tally, timed, raw)
        if status is not None and (status != 200 or body != b"ok"):
            tally.error(f"/healthz answered {status}")
        return True

    return step


def form_step(path: str, tokens: queue.Queue | None = None, wanted: int = 0) -> Step:
    raw = get(path)

    def step(connection: Connection, tally: Tally, timed: bool) -> bool:
        status, body = timed_send(connection, tally, timed, raw)
        if status is None:
            return True
        match = TOKEN_RE.search(body)
        if status != 200 or match is None:
            tally.error(f"the form answered {status}{'' if match else ' without a token'}")
            return True
        if tokens is not None:
            tokens.put(match.group(1))
            return tokens.qsize() < wanted
        return True

    return step


def submit_step(path: str, tokens: queue.Queue) -> Step:
    def step(connection: Connection, tally: Tally, timed: bool) -> bool:
        try:
            token = tokens.get_nowait()
        except queue.Empty:
            return False
        status, body = timed_send(connection, tally, timed, report_post(path, token))
        if status is None:
            return True
        match = RECEIPT_RE.search(body)
        if status != 200 or match is None:
            tally.error(f"the submission answered {status} without a receipt")
        else:
            tally.receipts.append(match.group(1).decode())
        return True

    return step


def summary(mode: str, tally: Tally) -> dict[str, object]:
    latencies = sorted(tally.latencies)

    def percentile(q: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, round(q * (len(latencies) - 1)))] * 1000

    elapsed = tally.elapsed
    return {
        "mode": mode,
        "requests": len(latencies),
        "elapsed_s": elapsed,
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "errors": tally.errors,
        "error_samples": tally.error_samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=["healthz", "form", "submit"], required=True)
    parser.add_argument("--path", required=True, help="the report form, /r/<code>")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--posts", type=int, default=4000, help="most submissions to send")
    args = parser.parse_args()
    port, conns = args.port, args.connections

    if args.mode in ("healthz", "form"):
        step = healthz_step(args.path) if args.mode == "healthz" else form_step(args.path)
        warm = run_phase(port, conns, args.warmup, step, timed=False)
        result = summary(args.mode, run_phase(port, conns, args.seconds, step, timed=True))
        result["errors"] += warm.errors
        result["error_samples"] += warm.error_samples
    else:
        # One-time tokens are fetched before the clock starts: only the POSTs are timed.
        warm_count = conns * 4
        tokens: queue.Queue = queue.Queue()
        fetch = run_phase(
            port, conns, 120.0, form_step(args.path, tokens, args.posts + warm_count), False
        )
        fetched = tokens.qsize()
        warm_tokens: queue.Queue = queue.Queue()
        for _ in range(min(warm_count, fetched)):
            warm_tokens.put(tokens.get())
        warm = run_phase(port, conns, 60.0, submit_step(args.path, warm_tokens), timed=False)
        tally = run_phase(port, conns, args.seconds, submit_step(args.path, tokens), timed=True)
        result = summary("submit", tally)
        result["errors"] += fetch.errors + warm.errors
        result["error_samples"] += fetch.error_samples + warm.error_samples
        result["tokens_fetched"] = fetched
        result["ran_out_of_tokens"] = tokens.empty()
        result["receipts"] = warm.receipts + tally.receipts
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
