"""Image files as a phone would send them."""

from __future__ import annotations

import io

from PIL import Image


def jpeg(size: tuple[int, int] = (40, 30), color: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A small plain JPEG."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


def png(size: tuple[int, int] = (20, 20), color: tuple[int, int, int] = (1, 2, 3)) -> bytes:
    """A small plain PNG (the portal stores photos as JPEG)."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()
