"""Photo metadata: whatever a photo carries (EXIF with GPS and a MakerNote, XMP, comments, ICC,
IPTC, PNG text and eXIf chunks, WebP and TIFF tags), the stored file has none of it: a JPEG
rebuilt from pixels with only the segments a bare encode has, upright as the camera meant.
(tests/report_form/test_photos.py checks the basic case; this is the full corpus, both forms.)
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from sqlalchemy import select

from portal.extensions import db
from portal.lib import photos
from portal.models import CorrectiveAction, Photo
from tests.factories import add_action, new_report
from tests.security.test_uploads import send_completion, send_report
from tests.security.upload_corpus import MARKERS, Upload, metadata, two_tone

CORPUS = metadata()
# photos whose EXIF (or TIFF tag) says "rotate 90° clockwise": stored portrait
ROTATED = {
    "jpeg-exif-gps-makernote",
    "jpeg-everything",
    "png-text-exif-icc",
    "webp-exif-xmp-icc",
    "tiff-tags",
}
FORBIDDEN = [
    b"Exif",
    b"GPS",
    b"http://ns.adobe.com/xap",
    b"xmpmeta",
    b"\xff\xfe",  # a COM segment (0xFF is never followed by 0xFE inside scan data)
    b"tEXt",
    b"iTXt",
    b"zTXt",
    b"eXIf",
    b"Photoshop",
    b"8BIM",
    b"ICC_PROFILE",
    b"MarkerCam",
    b"Model-X",
    b"MARKER-",
    *MARKERS.values(),
]
# SOI, APP0 (JFIF), DQT, SOF0/SOF2, DHT, DRI, SOS, EOI: what a bare encode is made of
BARE_SEGMENTS = {0xD8, 0xE0, 0xDB, 0xC0, 0xC2, 0xC4, 0xDD, 0xDA, 0xD9}


@pytest.fixture(autouse=True)
def _unthrottled(app) -> None:
    app.config["REPORT_RATE_LIMIT"] = "1000 per minute"


def segments(data: bytes) -> list[tuple[int, bytes]]:
    """The JPEG's marker segments in order (scan data skipped), ending with EOI at the end."""
    assert data[:2] == b"\xff\xd8"
    found, at = [(0xD8, b"")], 2
    while True:
        assert data[at] == 0xFF, f"no marker at {at}"
        marker = data[at + 1]
        at += 2
        if marker == 0xD9:
            found.append((marker, b""))
            assert at == len(data), "bytes after the end of the image"
            return found
        length = int.from_bytes(data[at : at + 2], "big")
        found.append((marker, data[at + 2 : at + length]))
        at += length
        if marker == 0xDA:  # entropy-coded data runs to the next marker that is not RSTn
            while not (data[at] == 0xFF and data[at + 1] not in (0x00, *range(0xD0, 0xD8))):
                at += 1


def bare_encode_info() -> dict[str, object]:
    """What Pillow reads from a photo the portal cleaned that never had any metadata."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (220, 30, 30)).save(out, format="PNG")
    with Image.open(io.BytesIO(photos.clean(out.getvalue()).data)) as image:
        return dict(image.info)


def assert_no_metadata(stored: bytes) -> None:
    for secret in FORBIDDEN:
        assert secret not in stored, secret
    found = segments(stored)
    assert {marker for marker, _ in found} <= BARE_SEGMENTS, [hex(m) for m, _ in found]
    assert [payload[:5] for marker, payload in found if marker == 0xE0] == [b"JFIF\x00"]
    bare = bare_encode_info()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert set(image.info) <= set(bare), set(image.info) - set(bare)
        assert image.info.get("dpi") == bare.get("dpi")
        assert image.info.get("jfif_density") == bare.get("jfif_density")
        assert not image.getexif()


def only_stored_file(app) -> bytes:
    """The one photo of the one report, after checking it is the only file written."""
    with app.app_context():
        names = db.session.scalars(select(Photo.stored_name)).all()
    assert len(names) == 1
    folder = Path(app.config["UPLOAD_DIR"])
    assert os.listdir(folder) == names  # no leftover partial file, no copy of the original
    return (folder / names[0]).read_bytes()


@pytest.mark.parametrize("upload", CORPUS, ids=[u.key for u in CORPUS])
def test_a_stored_report_photo_carries_no_metadata_at_all(app, client, world, upload):
    assert not segments_clean(upload), "the corpus file must really carry metadata"
    response = send_report(client, world.location_a, upload)
    assert response.status_code == 200, response.get_data(as_text=True)
    stored = only_stored_file(app)
    assert_no_metadata(stored)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == ((48, 64) if upload.key in ROTATED else (64, 48))


def segments_clean(upload: Upload) -> bool:
    """Whether a corpus file is free of every planted marker (it must not be)."""
    return not any(marker in upload.content for marker in MARKERS.values()) and not any(
        token in upload.content for token in (b"Exif", b"eXIf", b"EXIF", b"tEXt")
    )


def test_a_stored_photo_of_a_fix_carries_no_metadata_at_all(app, client, login, world):
    action_id = add_action(app, new_report(app, world.location_a), world.safety, world.supervisor_a)
    login.as_(world.supervisor_a)
    everything = next(upload for upload in CORPUS if upload.key == "jpeg-everything")
    assert send_completion(client, action_id, everything).status_code == 303
    with app.app_context():
        name = db.session.get(CorrectiveAction, action_id).completion_photo
    stored = (Path(app.config["UPLOAD_DIR"]) / name).read_bytes()
    assert_no_metadata(stored)
    served = client.get(f"/closeout/actions/{action_id}/photo")
    assert served.data == stored
    served.close()


def _dark_side(image: Image.Image) -> str:
    """Which half of the picture is the black one."""
    width, height = image.size
    halves = {
        "left": (0, 0, width // 2, height),
        "right": (width - width // 2, 0, width, height),
        "top": (0, 0, width, height // 2),
        "bottom": (0, height - height // 2, width, height),
    }
    mean = {side: sum(ImageStat.Stat(image.crop(box)).mean) for side, box in halves.items()}
    darkest = min(mean, key=mean.__getitem__)
    assert mean[darkest] < 60 and max(mean.values()) > 200, mean
    return darkest


@pytest.mark.parametrize(
    ("size", "orientation", "stored_size", "dark"),
    [
        ((48, 64), 1, (48, 64), "left"),  # a portrait photo stays portrait
        ((64, 48), 1, (64, 48), "left"),
        ((64, 48), 3, (64, 48), "right"),  # upside down: turned 180°
        ((64, 48), 6, (48, 64), "top"),  # phone held upright: turned 90° clockwise
        ((64, 48), 8, (48, 64), "bottom"),  # turned 90° the other way
    ],
)
def test_the_orientation_is_applied_to_the_pixels(
    app, client, world, size, orientation, stored_size, dark
):
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    two_tone(size).save(out, format="JPEG", exif=exif)
    upload = Upload("oriented", "o.jpg", out.getvalue())
    assert send_report(client, world.location_a, upload).status_code == 200
    with Image.open(io.BytesIO(only_stored_file(app))) as image:
        assert image.size == stored_size
        assert not image.getexif()  # upright in pixels, no tag left to rotate it again
        assert _dark_side(image.convert("RGB")) == dark
