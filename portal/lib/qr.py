"""QR codes as PNG and SVG (the qrcode package), for posters and receipts."""

from __future__ import annotations

import base64
import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

# Receipts are drawn on every submission: a fixed mask skips trying all eight (any mask is
# valid for every reader; choosing the best only trims a penalty score). Posters use the best.
RECEIPT_MASK = 4


def _make(data: str, box_size: int = 10, border: int = 4, mask: int | None = None) -> qrcode.QRCode:
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, box_size=box_size, border=border, mask_pattern=mask
    )
    code.add_data(data)
    code.make(fit=True)
    return code


def png(data: str, box_size: int = 10) -> bytes:
    """A QR code PNG for `data`."""
    image = _make(data, box_size=box_size).make_image(fill_color="black", back_color="white")
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def svg(data: str, mask: int | None = None) -> bytes:
    """A QR code SVG for `data`: one path of horizontal runs, crisp at any print size."""
    matrix = _make(data, mask=mask).get_matrix()  # includes the quiet zone
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    ).encode()


def svg_data_uri(data: str) -> str:
    """A receipt QR as a data: URI, for an <img> inside a page that makes no extra request."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(data, mask=RECEIPT_MASK)).decode()
