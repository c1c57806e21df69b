"""QR codes: the SVG path draws exactly the modules of the code."""

from __future__ import annotations

import re

import qrcode

from portal.lib import qr


def _modules_from_svg(svg: bytes) -> set[tuple[int, int]]:
    cells = set()
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg.decode()):
        cells.update((int(x) + dx, int(y)) for dx in range(int(width)))
    return cells


def test_svg_draws_every_dark_module_and_nothing_else():
    data = "http://closecall.test/followup?code=K7QF92MX4HDP8WTA"
    for mask in (None, qr.RECEIPT_MASK):
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=mask)
        code.add_data(data)
        code.make(fit=True)
        expected = {
            (x, y) for y, row in enumerate(code.get_matrix()) for x, dark in enumerate(row) if dark
        }
        assert _modules_from_svg(qr.svg(data, mask=mask)) == expected


def test_png_is_a_png():
    assert qr.png("x").startswith(b"\x89PNG")
