"""The real production server for durability tests: gunicorn with production settings on
127.0.0.1 at a free port, against the test's database, started and stopped (or killed) here.

    with Gunicorn(instance, database_url, secret) as server:
        status, body = server.post_form(f"/r/{code}", fields)
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent.parent
HOST = "127.0.0.1"
START_SECONDS = 30.0
# One client address sends everything here: the limits are raised so nothing is throttled.
UNTHROTTLED = "100000 per minute"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def production_environment(
    instance: Path, database_url: str, secret: str, port: int, **extra: str
) -> dict[str, str]:
    """Production settings on the test's database; nothing inherited from the caller's PORTAL_*."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PORTAL_", "FLASK_", "GUNICORN_", "FORWARDED_ALLOW_IPS"))
    }
    env.update(
        {
            "PORTAL_ENV": "production",
            "PORTAL_SECRET_KEY": secret,
            "PORTAL_DATABASE_URL": database_url,
            "PORTAL_INSTANCE_PATH": str(instance),
            "PORTAL_BASE_URL": f"http://{HOST}:{port}",
            "PORTAL_REPORT_RATE_LIMIT": UNTHROTTLED,
            "PORTAL_FOLLOWUP_RATE_LIMIT": UNTHROTTLED,
            "GUNICORN_BIND": f"{HOST}:{port}",
            "GUNICORN_ACCESS_LOG": str(instance / "access.log"),
        }
    )
    env.update(extra)
    return env


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py wsgi:app` in its own process group, as operators start it."""

    def __init__(self, instance: Path, database_url: str, secret: str, **extra_env: str) -> None:
        self.instance = instance
        self.database_url = database_url
        self.secret = secret
        self.extra_env = extra_env
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = instance / "gunicorn.log"
        self.upload_dir = instance / "uploads"

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start the server on a fresh free port and wait until /healthz answers."""
        self.instance.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        env = production_environment(
            self.instance, self.database_url, self.secret, self.port, **self.extra_env
        )
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill() reaches the workers
            )
        deadline = time.monotonic() + START_SECONDS
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log()}")
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"gunicorn did not answer /healthz:\n{self.log()}")
            time.sleep(0.1)

    def stop(self) -> None:
        """A graceful stop (SIGTERM to the master), SIGKILL to the group if it hangs."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._reap_group()
        self.process = None

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a power cut or the OOM killer would."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._reap_group()
        self.process = None

    def _reap_group(self) -> None:
        """Wait until no process of the server's group is left (workers die after the master)."""
        if self.process is None:
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def _request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, str]:
        """GET `path`; its status and body."""
        return self._request("GET", path, headers={"Accept-Language": "en"})

    def post_form(
        self, path: str, fields: dict[str, str], files: dict[str, bytes] | None = None
    ) -> tuple[int, str]:
        """POST a form as a browser does (multipart/form-data); its status and body."""
        body, content_type = multipart(fields, files or {})
        headers = {"Content-Type": content_type, "Accept-Language": "en"}
        return self._request("POST", path, body=body, headers=headers)


def multipart(fields: dict[str, str], files: dict[str, bytes]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type; files are sent as photo.jpg."""
    boundary = f"----closecall{secrets.token_hex(12)}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value.encode()
        + b"\r\n"
        for name, value in fields.items()
    ]
    parts += [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="photo.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + data
        + b"\r\n"
        for name, data in files.items()
    ]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"
