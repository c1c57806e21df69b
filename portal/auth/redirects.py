"""Only ever redirect to a path on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, fallback: str) -> str:
    """`target` when it is a plain local path, else `fallback`.

    Refuses scheme-relative (//host), backslash tricks (/\\host), any scheme or host,
    and control characters, which browsers may strip into something dangerous.
    """
    if not target or len(target) > 2000:
        return fallback
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target) or "\\" in target:
        return fallback
    if not target.startswith("/") or target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
