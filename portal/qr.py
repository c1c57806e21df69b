"""QR codes as PNG and SVG (the qrcode package), for posters and receipts."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _make(data: str, box_size: int = 10, border: int = 4) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(data)
    code.make(fit=True)
    return code


def png(data: str, box_size: int = 10) -> bytes:
    """A QR code PNG for `data`."""
    image = _make(data, box_size=box_size).make_image(fill_color="black", back_color="white")
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def svg(data: str) -> bytes:
    """A QR code SVG (one path, scales for any print size) for `data`."""
    image = _make(data).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def svg_data_uri(data: str) -> str:
    """The SVG as a data: URI, for an <img> inside a page that makes no extra request."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(data)).decode()
