"""Only ever redirect to a path on this site."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


def _is_local_path(target: str) -> bool:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target) or "\\" in target:
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, fallback: str) -> str:
    """`target` when it is a plain local path, else `fallback`.

    Refuses scheme-relative (//host), backslash tricks (/\\host), any scheme or host, and
    control characters that browsers strip into something dangerous — also once decoded,
    in case something downstream decodes the path again.
    """
    if not target or len(target) > 2000:
        return fallback
    if _is_local_path(target) and _is_local_path(unquote(target)):
        return target
    return fallback
