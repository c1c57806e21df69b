"""Hostile uploads and metadata-laden photos, built in memory (no binary fixtures committed).

`hostile()` are files the portal must refuse; `sanitised()` are real images carrying a payload
the portal may accept only as a fresh re-encode; `metadata()` is the metadata corpus. Run as a
script (`python -m tests.security.upload_corpus`) it sends the whole hostile batch through the
report form and the staff completion form of a throwaway app: the memory test measures it.
"""

from __future__ import annotations

import io
import os
import random
import struct
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, PngImagePlugin

MIB = 1024 * 1024
SCRIPT = b"<html><body><script>alert(document.domain)</script></body></html>"

# what the worker is told, by the kind of refusal
UNREADABLE = "This photo could not be read"
TOO_LARGE = "This photo is too large (over 10 MB)."
TOO_BIG = "over 4000 pixels a side"
TOO_BIG_JPEG = "over 8000 pixels a side"
# a bomb is "too big": by the portal's size check, or by Pillow's own guard before it
BOMB = (TOO_BIG, TOO_BIG_JPEG)
# within the size limits, but costlier to decode than its kind of file may be (photos.py)
COSTLY = ("This photo is too big to check.",)

# names that would escape the upload folder, or break a file system, if they were ever used
TRICKY_NAMES = [
    "../../etc/passwd.jpg",
    "..\\..\\x.jpg",
    "/abs/path.jpg",
    "a\x00.jpg",
    "....//....//y.jpg",
    "C:\\Windows\\win.jpg",
    "%2e%2e%2f%2e%2e%2fz.jpg",
    "x" * 5000 + ".jpg",
]


@dataclass(frozen=True)
class Upload:
    """One file as a browser would send it."""

    key: str  # the test id
    filename: str
    content: bytes
    content_type: str = "image/jpeg"
    # the refusal the worker may see (hostile files only); any one of them is clear
    messages: tuple[str, ...] = (UNREADABLE,)


def plain_jpeg(size: tuple[int, int] = (64, 48), **options: object) -> bytes:
    """A real, small JPEG (baseline, so its SOF0 header is easy to find)."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format="JPEG", **options)
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid 1-bit PNG of width x height black pixels: ~110 KB on disk, 900 Mpx decoded."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then packed bits
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def png_with_text_bomb() -> bytes:
    """A tiny PNG whose zTXt chunk inflates to 64 MiB of zeros."""
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (1, 2, 3)).save(out, format="PNG")
    packer = zlib.compressobj(9)
    inflated = b"".join(packer.compress(b"\0" * MIB) for _ in range(64)) + packer.flush()
    chunk = _png_chunk(b"zTXt", b"Comment\x00\x00" + inflated)
    data = out.getvalue()
    return data[:33] + chunk + data[33:]  # right after IHDR (8 + 25 bytes)


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header claims width x height."""
    data = bytearray(plain_jpeg())
    at = data.index(b"\xff\xc0")  # SOF0: marker, length(2), precision(1), height(2), width(2)
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def progressive_claiming(width: int, height: int, mode: str = "RGB") -> bytes:
    """A small real progressive JPEG (SOF2; CMYK with mode="CMYK") claiming width x height:
    decoding the real thing keeps every coefficient of it (8000x8000: 464 MB, CMYK 586 MB)."""
    out = io.BytesIO()
    colour = (10, 20, 30, 40) if mode == "CMYK" else (200, 40, 40)
    Image.new(mode, (64, 48), colour).save(out, format="JPEG", progressive=True)
    data = bytearray(out.getvalue())
    at = data.index(b"\xff\xc2")  # SOF2: marker, length(2), precision(1), height(2), width(2)
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def lossless_webp_claiming(width: int, height: int) -> bytes:
    """A small real lossless WebP whose VP8L header claims width x height (the real 4000x4000
    one is 684 bytes and decodes into 283 MB)."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(out, format="WEBP", lossless=True)
    data = bytearray(out.getvalue())
    at = data.index(b"VP8L") + 8 + 1  # chunk tag, chunk size, signature byte 0x2f
    bits = int.from_bytes(data[at : at + 4], "little")
    bits = (bits & ~((1 << 28) - 1)) | (width - 1) | ((height - 1) << 14)
    data[at : at + 4] = bits.to_bytes(4, "little")
    return bytes(data)


def padded(data: bytes, size: int) -> bytes:
    """`data` followed by junk up to `size` bytes."""
    return data + b"\0" * (size - len(data))


def hostile() -> list[Upload]:
    """Files that must be refused, each with the message the worker gets."""
    C = {"messages": COSTLY}
    jfif = plain_jpeg()[:20]  # SOI and a genuine JFIF APP0 segment
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.domain)</script><rect width='10' height='10'/></svg>"
    )
    return [
        Upload("polyglot-jpeg-header-html-body", "photo.jpg", jfif + SCRIPT + b"\xff\xd9"),
        Upload("polyglot-gif-header-script", "photo.gif", b"GIF89a/*\x00\x00*/=1;" + SCRIPT),
        Upload("html-named-jpg", "photo.jpg", SCRIPT, "text/html"),
        Upload("svg-with-script", "drawing.svg", svg, "image/svg+xml"),
        Upload("svg-with-script-named-jpg", "drawing.jpg", svg),
        Upload("png-30000x30000", "bomb.png", png_bomb(), "image/png", BOMB),
        Upload(
            "jpeg-claiming-30000x30000", "big.jpg", jpeg_claiming(30_000, 30_000), messages=BOMB
        ),
        Upload("png-with-ztxt-bomb", "text.png", png_with_text_bomb(), "image/png"),
        Upload("progressive-jpeg-8000x8000", "p.jpg", progressive_claiming(8000, 8000), **C),
        Upload(
            "progressive-cmyk-jpeg-8000x8000",
            "c.jpg",
            progressive_claiming(8000, 8000, "CMYK"),
            **C,
        ),
        Upload(
            "lossless-webp-4000x4000",
            "w.webp",
            lossless_webp_claiming(4000, 4000),
            "image/webp",
            **C,
        ),
        Upload("jpeg-11-mib", "big.jpg", padded(plain_jpeg(), 11 * MIB), messages=(TOO_LARGE,)),
        Upload(
            "random-11-mib",
            "noise.jpg",
            random.Random(7).randbytes(11 * MIB),
            "application/octet-stream",
            (TOO_LARGE,),
        ),
    ]


def sanitised() -> list[Upload]:
    """Real images with a payload inside or after them: stored only as a fresh re-encode."""
    return [
        Upload("jpeg-with-html-after-eoi", "after.jpg", plain_jpeg() + SCRIPT),
        Upload("jpeg-with-html-in-comment", "comment.jpg", plain_jpeg(comment=SCRIPT)),
    ]


# --- the metadata corpus -------------------------------------------------------------------

MARKERS = {
    "gps": b"MARKER-GPS-48.8566",
    "makernote": b"MARKER-MAKERNOTE-Nikon",
    "serial": b"MARKER-SERIAL-0042",
    "xmp": b"MARKER-XMP-CREATOR",
    "comment": b"MARKER-JPEG-COMMENT",
    "icc": b"MARKER-ICC-DESC",
    "iptc": b"MARKER-IPTC-BYLINE",
    "text": b"MARKER-PNG-tEXt",
    "ztxt": b"MARKER-PNG-zTXt",
    "itxt": b"MARKER-PNG-iTXt",
    "tiff": b"MARKER-TIFF-ARTIST",
    "gif": b"MARKER-GIF-COMMENT",
}
XMP = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:xmp="http://ns.adobe.com/xap/1.0/"><dc:creator>' + MARKERS["xmp"] + b"</dc:creator>"
    b"</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>"
)


def two_tone(size: tuple[int, int]) -> Image.Image:
    """Red, with a black left half: shows where the left edge went after rotation."""
    image = Image.new("RGB", size, (220, 30, 30))
    image.paste((0, 0, 0), (0, 0, size[0] // 2, size[1]))
    return image


def full_exif(orientation: int = 1) -> Image.Exif:
    """EXIF with camera details, a GPS IFD, a MakerNote and an orientation."""
    exif = Image.Exif()
    exif[0x010F] = "MarkerCam"  # Make
    exif[0x0110] = "Model-X"  # Model
    exif[0x0112] = orientation
    exif[0x8825] = {  # GPS IFD
        0x0001: "N",
        0x0002: (48.0, 51.0, 23.76),
        0x0003: "E",
        0x0004: (2.0, 21.0, 7.99),
        0x0012: MARKERS["gps"].decode(),  # GPSMapDatum
    }
    exif[0x8769] = {  # Exif IFD
        0x927C: MARKERS["makernote"] + b"\x00\x01\x02\x03",  # MakerNote
        0xA431: MARKERS["serial"].decode(),  # BodySerialNumber
    }
    return exif


def icc_profile() -> bytes:
    """An sRGB ICC profile with a marker appended (its size field counts it)."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    body = profile[4:] + MARKERS["icc"]
    return struct.pack(">I", len(body) + 4) + body


def with_app13(jpeg: bytes) -> bytes:
    """The JPEG with an IPTC record (Photoshop APP13, 8BIM resource 0x0404) after SOI."""
    byline = MARKERS["iptc"]
    iptc = b"\x1c\x02\x50" + struct.pack(">H", len(byline)) + byline  # 2:80 By-line
    iptc += b"\x00" * (len(iptc) % 2)
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    body = b"Photoshop 3.0\x00" + resource
    segment = b"\xff\xed" + struct.pack(">H", len(body) + 2) + body
    return jpeg[:2] + segment + jpeg[2:]


def _save(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def metadata() -> list[Upload]:
    """Photos loaded with every kind of metadata Pillow here can write (no HEIC writer)."""
    landscape = two_tone((64, 48))
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", MARKERS["text"].decode())
    text.add_text("Comment", MARKERS["ztxt"].decode(), zip=True)
    text.add_itxt("Description", MARKERS["itxt"].decode(), lang="en", tkey="Description")
    text.add_text("XML:com.adobe.xmp", XMP.decode())
    tiff_tags = {315: MARKERS["tiff"].decode(), 270: "MARKER-TIFF-DESCRIPTION", 274: 6}
    return [
        Upload("jpeg-exif-gps-makernote", "gps.jpg", _save(landscape, "JPEG", exif=full_exif(6))),
        Upload("jpeg-xmp", "xmp.jpg", _save(landscape, "JPEG", xmp=XMP)),
        Upload("jpeg-comment", "com.jpg", _save(landscape, "JPEG", comment=MARKERS["comment"])),
        Upload(
            "jpeg-icc-iptc",
            "icc.jpg",
            with_app13(_save(landscape, "JPEG", icc_profile=icc_profile())),
        ),
        Upload(
            "jpeg-everything",
            "all.jpg",
            with_app13(
                _save(
                    landscape,
                    "JPEG",
                    exif=full_exif(6),
                    xmp=XMP,
                    comment=MARKERS["comment"],
                    icc_profile=icc_profile(),
                    dpi=(300, 300),
                )
            ),
        ),
        Upload(
            "png-text-exif-icc",
            "text.png",
            _save(
                landscape,
                "PNG",
                pnginfo=text,
                exif=full_exif(6),
                icc_profile=icc_profile(),
                dpi=(300, 300),
            ),
            "image/png",
        ),
        Upload(
            "webp-exif-xmp-icc",
            "photo.webp",
            _save(landscape, "WEBP", exif=full_exif(6), xmp=XMP, icc_profile=icc_profile()),
            "image/webp",
        ),
        Upload("tiff-tags", "scan.tif", _save(landscape, "TIFF", tiffinfo=tiff_tags), "image/tiff"),
        Upload(
            "gif-comment", "anim.gif", _save(landscape, "GIF", comment=MARKERS["gif"]), "image/gif"
        ),
    ]


# --- the batch the memory test runs in a fresh process --------------------------------------


def _environment(folder: Path) -> dict[str, str]:
    return {
        "PORTAL_ENV": "testing",
        "PORTAL_SECRET_KEY": "upload-batch-secret-that-is-long-enough-for-the-portal",
        "PORTAL_DATABASE_URL": f"sqlite:///{folder / 'batch.db'}",
        "PORTAL_INSTANCE_PATH": str(folder / "instance"),
        "PORTAL_BASE_URL": "http://closecall.test",
        "PORTAL_RATELIMIT_ENABLED": "0",
    }


def run_batch(folder: Path) -> int:
    """Send every hostile and payload-carrying file through both upload forms."""
    from argon2 import PasswordHasher
    from flask.testing import FlaskClient
    from flask_migrate import upgrade
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    from portal import create_app
    from portal.lib import passwords
    from tests import factories

    os.environ.update(_environment(folder))
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    app = create_app()
    with app.app_context():
        upgrade()
        world = factories.build_world()
    report_id = factories.new_report(app, world.location_a)
    action_id = factories.add_action(app, report_id, world.safety, world.supervisor_a)
    public, staff = app.test_client(), app.test_client()
    factories.LoginActions(staff).as_(world.supervisor_a)
    statuses: list[int] = []

    def send(client: FlaskClient, url: str, fields: dict, field: str, upload: Upload) -> int:
        photo = FileStorage(io.BytesIO(upload.content), upload.filename, field)
        boundary, body = encode_multipart(MultiDict([*fields.items(), (field, photo)]))
        kind = f"multipart/form-data; boundary={boundary}"
        return client.post(url, data=body, content_type=kind).status_code

    form, done = f"/r/{world.location_a}", f"/closeout/actions/{action_id}/complete"
    for upload in hostile() + sanitised():
        token = factories.form_token(public.get(form).get_data(as_text=True))
        statuses.append(send(public, form, factories.report_answers(token), "photos", upload))
        note = {"note": "Fixed", "version": "1", "csrf_token": factories.session_csrf(staff)}
        statuses.append(send(staff, done, note, "photo", upload))
    print("statuses", *statuses)
    return 1 if 500 in statuses else 0


def peak_kib() -> int:
    """This process's own peak resident size (VmHWM). Not getrusage: after a fork from a big
    parent, Linux carries the parent's size into the child's ru_maxrss across exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        code = run_batch(Path(scratch))
    print("peak_kib", peak_kib())
    sys.exit(code)
