"""Photo intake: decode with Pillow, refuse what is not a sane image, rebuild from pixels.

Nothing of the upload survives but its pixels: no EXIF (GPS, camera serials), no XMP, no
comments, no ICC profile, no file name. Stored files get random names under the upload folder.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from portal.lib.lazytext import lazy_gettext as _l

# PNG, WebP, GIF, BMP, TIFF are decoded at full size: at most 4000 px a side.
MAX_SIDE_IN = 4000
# A phone camera's JPEG (12 to 48 Mpx: 4032x3024, 6000x4000, 8000x6000) is decoded at a
# half to an eighth of its size by the JPEG decoder itself (Image.draft), so it never takes
# more memory than a 4000 px image: up to 8000 px a side.
MAX_SIDE_IN_JPEG = 8000
MAX_SIDE_OUT = 2048
JPEG_QUALITY = 82
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF"}
DRAFT_FORMATS = {"JPEG", "MPO"}

# Pillow's own guard, checked when the header is read: warn above 64 Mpx (made an error
# below), refuse above 128 Mpx.
Image.MAX_IMAGE_PIXELS = MAX_SIDE_IN_JPEG * MAX_SIDE_IN_JPEG
# What decoding costs is not the same for every kind of file, so each has its own budget of
# pixels, read from the header before anything is decoded. A baseline JPEG is decoded at a
# reduced scale as it streams; a progressive one keeps every coefficient of the full image
# (8000x8000: 464 MB), a CMYK one four channels of them (586 MB), and lossless WebP has no
# reduced decoding at all (4000x4000 from 684 bytes: 283 MB); TIFF and BMP cost more than PNG.
# Measured with each budget's largest file, cleaning one photo peaks at 160 MB or less, the
# process included (docs/security.md).
MAX_PIXELS_PROGRESSIVE_JPEG = 16_000_000  # 4,000 x 4,000
MAX_PIXELS_CMYK_JPEG = 8_000_000  # 3,264 x 2,448
MAX_PIXELS_PNG = 12_000_000  # 4,000 x 3,000 (screenshots are a third of that)
MAX_PIXELS_OTHER = 6_000_000  # WebP, GIF, BMP, TIFF: 3,000 x 2,000


class PhotoError(ValueError):
    """A photo we refuse, with a message the worker understands."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    width: int
    height: int


def read_upload(upload: FileStorage, max_bytes: int) -> bytes:
    """The upload's bytes, refusing anything over `max_bytes` without reading it all."""
    data = upload.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PhotoError(
            _l("This photo is too large (over %(mb)d MB).", mb=max_bytes // (1024 * 1024))
        )
    if not data:
        raise PhotoError(_l("This photo is empty."))
    return data


def clean(data: bytes) -> CleanPhoto:
    """Decode, check and re-encode one photo as a metadata-free JPEG."""
    unreadable = _l("This photo could not be read. Please take it again or leave it out.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoError(unreadable)
            limit = MAX_SIDE_IN_JPEG if image.format in DRAFT_FORMATS else MAX_SIDE_IN
            if max(image.size) > limit:
                raise _too_big(limit)
            if image.width * image.height > _pixel_budget(image):
                raise PhotoError(_costly())
            if image.format in DRAFT_FORMATS:
                # the decoder scales down by 1/2, 1/4 or 1/8 while it reads: never the
                # full-size pixels in memory for a big camera photo
                image.draft("RGB", (MAX_SIDE_OUT, MAX_SIDE_OUT))
            image.load()
            # smaller first, then turned and converted: each copy is of the small image
            image.thumbnail((MAX_SIDE_OUT, MAX_SIDE_OUT))
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_big(MAX_SIDE_IN_JPEG) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(unreadable) from exc
    # Rebuild from raw pixels so no metadata of the original can ride along.
    pixels = Image.frombytes("RGB", image.size, image.tobytes())
    out = io.BytesIO()
    pixels.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return CleanPhoto(data=out.getvalue(), width=pixels.width, height=pixels.height)


def _pixel_budget(image: Image.Image) -> int:
    """How many pixels this kind of file may have (see MAX_PIXELS_*)."""
    if image.format in DRAFT_FORMATS:
        if image.mode == "CMYK":
            return MAX_PIXELS_CMYK_JPEG
        if image.info.get("progressive") or image.info.get("progression"):
            return MAX_PIXELS_PROGRESSIVE_JPEG
        return MAX_SIDE_IN_JPEG * MAX_SIDE_IN_JPEG
    if image.format == "PNG":
        return MAX_PIXELS_PNG
    return MAX_PIXELS_OTHER


def _costly() -> object:
    return _l(
        "This photo is too big to check. Please send a photo straight from the camera, "
        "or a smaller copy."
    )


def _too_big(limit: int) -> PhotoError:
    return PhotoError(_l("This photo is too big (over %(px)d pixels a side).", px=limit))


def store(photo: CleanPhoto, upload_dir: str | Path, *, dated: datetime | None = None) -> str:
    """Write a clean photo durably under a random name; returns that name. `dated` (naive
    UTC) becomes the file's modification time: an anonymous report's hour, not its second."""
    folder = Path(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.jpg"
    temporary = folder / f".{name}.part"
    with open(temporary, "wb") as handle:
        handle.write(photo.data)
        handle.flush()
        os.fsync(handle.fileno())
    if dated is not None:
        stamp = dated.replace(tzinfo=UTC).timestamp()
        os.utime(temporary, (stamp, stamp))
    os.replace(temporary, folder / name)
    return name


def read_stored(upload_dir: str | Path, name: str) -> bytes | None:
    """A stored photo's bytes, or None when the file is gone."""
    path = Path(upload_dir) / Path(name).name
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def etag(name: str) -> str:
    """A photo's validator: from its random name (a stored photo never changes), never its time."""
    return hashlib.sha256(name.encode()).hexdigest()[:32]


def remove(names: list[str], upload_dir: str | Path) -> None:
    """Delete stored files whose report was never committed."""
    for name in names:
        (Path(upload_dir) / name).unlink(missing_ok=True)
