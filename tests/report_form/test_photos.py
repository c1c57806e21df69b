"""Photos on a report: cleaned of all metadata, auto-rotated, sized; bad ones refused alone."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.extensions import db
from portal.models import Photo, Report
from tests.factories import form_token, report_answers


def jpeg_with_metadata(width: int = 640, height: int = 480, orientation: int = 6) -> bytes:
    """A JPEG carrying GPS, camera serial, orientation and a comment."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    for x in range(width // 2):  # a dark left half, to check rotation
        for y in range(0, height, 8):
            image.putpixel((x, y), (0, 0, 0))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0110] = "Model-X"  # Model
    exif[0xA431] = "SERIAL-123456"  # BodySerialNumber
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (40.0, 26.0, 46.0), 3: "W", 4: (79.0, 58.0, 56.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"secret-comment")
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Worker")
    info.add_text("XML:com.adobe.xmp", "<x:xmpmeta>gps</x:xmpmeta>")
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 120, 10)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _post(client, code, files, **overrides):
    token = form_token(client.get(f"/r/{code}").get_data(as_text=True))
    data = report_answers(token, **overrides)
    data["photos"] = [(io.BytesIO(content), name) for name, content in files]
    # Encoded in memory: werkzeug's test client would spool a big body to a temporary file
    # that it never closes (a ResourceWarning that is the harness's, not the portal's).
    boundary, body = encode_multipart(MultiDict(_fields(data)))
    return client.post(
        f"/r/{code}", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def _fields(data: dict[str, object]) -> list[tuple[str, object]]:
    fields: list[tuple[str, object]] = []
    for key, value in data.items():
        if isinstance(value, list):
            fields.extend((key, FileStorage(stream, filename=name)) for stream, name in value)
        else:
            fields.append((key, value))
    return fields


def _stored(app) -> list[Path]:
    with app.app_context():
        names = db.session.scalars(select(Photo.stored_name).order_by(Photo.position)).all()
    return [Path(app.config["UPLOAD_DIR"]) / name for name in names]


def test_a_photo_is_stored_without_any_metadata_and_upright(app, client, world):
    response = _post(client, world.location_a, [("IMG_0001.jpg", jpeg_with_metadata())])
    assert response.status_code == 200
    (path,) = _stored(app)
    raw = path.read_bytes()
    for secret in (
        b"CameraMaker",
        b"Model-X",
        b"SERIAL-123456",
        b"secret-comment",
        b"Exif",
        b"GPS",
    ):
        assert secret not in raw
    with Image.open(path) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert (
            "exif" not in image.info
            and "comment" not in image.info
            and "icc_profile" not in image.info
        )
        assert image.size == (480, 640)  # orientation 6 applied: portrait now
    assert path.name != "IMG_0001.jpg" and len(path.stem) == 32


def test_png_text_chunks_are_dropped(app, client, world):
    assert _post(client, world.location_a, [("a.png", png_with_text())]).status_code == 200
    (path,) = _stored(app)
    assert b"Jane Worker" not in path.read_bytes() and b"xmpmeta" not in path.read_bytes()


def test_large_photos_are_shrunk_to_2048_on_the_longest_side(app, client, world):
    out = io.BytesIO()
    Image.new("RGB", (3600, 2400), (1, 2, 3)).save(out, format="JPEG")
    assert _post(client, world.location_a, [("big.jpg", out.getvalue())]).status_code == 200
    (path,) = _stored(app)
    with Image.open(path) as image:
        assert max(image.size) == 2048


def test_three_photos_are_kept_in_order(app, client, world):
    files = [(f"p{i}.png", png_with_text()) for i in range(3)]
    assert _post(client, world.location_a, files).status_code == 200
    assert len(_stored(app)) == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "broken.jpg",
            b"\xff\xd8\xff\xe0 this is not really a jpeg",
            "This photo could not be read",
        ),
        ("page.jpg", b"<html><script>alert(1)</script></html>", "This photo could not be read"),
        (
            "vector.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "This photo could not be read",
        ),
        (
            "huge.jpg",
            b"\xff\xd8" + b"\0" * (10 * 1024 * 1024 + 10),
            "This photo is too large (over 10 MB).",
        ),
        ("empty.jpg", b"", "This photo is empty."),
    ],
)
def test_a_bad_photo_is_refused_alone_and_the_text_is_kept(
    app, client, world, name, content, message
):
    response = _post(client, world.location_a, [(name, content)], reporter_name="Ana")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "A forklift reversed without horn" in html and "Ana" in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Report.id))) == 0
    assert list(Path(app.config["UPLOAD_DIR"]).iterdir()) == []


def test_a_photo_over_4000_pixels_a_side_is_refused(app, client, world):
    out = io.BytesIO()
    Image.new("1", (4001, 20)).save(out, format="PNG")
    response = _post(client, world.location_a, [("wide.png", out.getvalue())])
    assert response.status_code == 422
    assert "over 4000 pixels a side" in response.get_data(as_text=True)


def test_a_decompression_bomb_is_refused(app, client, world):
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, format="PNG")  # tiny file, 144 Mpx
    assert len(out.getvalue()) < 1024 * 1024
    response = _post(client, world.location_a, [("bomb.png", out.getvalue())])
    assert response.status_code == 422


def test_four_photos_are_too_many(app, client, world):
    files = [(f"p{i}.png", png_with_text()) for i in range(4)]
    response = _post(client, world.location_a, files)
    assert response.status_code == 422
    assert "Please add at most 3 photos." in response.get_data(as_text=True)


def test_a_bad_photo_message_comes_in_spanish(client, world):
    response = _post(client, world.location_a, [("x.jpg", b"nope")], lang="es")
    assert "No se pudo leer esta foto." in response.get_data(as_text=True)


def test_a_body_over_the_request_limit_gets_a_friendly_413(app, client, world):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = _post(client, world.location_a, [("big.jpg", b"\xff" * 4096)])
    assert response.status_code == 413
    assert "too much to send at once" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers


def test_a_phone_camera_photo_of_6000_by_4000_is_taken_and_scaled_down(app, client, world):
    out = io.BytesIO()
    Image.effect_noise((6000, 4000), 40).convert("RGB").save(out, format="JPEG", quality=60)
    response = _post(client, world.location_a, [("IMG_0001.jpg", out.getvalue())])
    assert response.status_code == 200
    [stored] = list(Path(app.config["UPLOAD_DIR"]).iterdir())
    with Image.open(stored) as kept:
        assert kept.size == (2048, 1365)


def test_a_jpeg_over_8000_pixels_a_side_is_too_big_not_unreadable(app, client, world):
    out = io.BytesIO()
    Image.new("L", (8001, 16)).save(out, format="JPEG")
    response = _post(client, world.location_a, [("pano.jpg", out.getvalue())])
    assert response.status_code == 422
    assert "over 8000 pixels a side" in response.get_data(as_text=True)


def test_a_bomb_reads_as_too_big(app, client, world):
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, format="PNG")
    response = _post(client, world.location_a, [("bomb.png", out.getvalue())])
    assert "too big" in response.get_data(as_text=True)


def test_a_form_that_comes_back_names_the_photos_to_add_again(app, client, world):
    photos = [("dock-door.jpg", jpeg_with_metadata()), ("rack <7>.png", png_with_text())]
    response = _post(client, world.location_a, photos, potential_outcome="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please add them again: dock-door.jpg, rack &lt;7&gt;.png" in html
    assert '<details class="more" open>' in html
    assert _stored(app) == []


def test_no_photo_note_when_a_photo_itself_was_refused(client, world):
    response = _post(client, world.location_a, [("bad.jpg", b"not an image")])
    assert response.status_code == 422
    assert "Please add them again" not in response.get_data(as_text=True)
