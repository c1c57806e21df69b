"""Photo intake: decode with Pillow, refuse what is not a sane image, rebuild from pixels.

Nothing of the upload survives but its pixels: no EXIF (GPS, camera serials), no XMP, no
comments, no ICC profile, no file name. Stored files get random names under the upload folder.
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

MAX_SIDE_IN = 4000
MAX_SIDE_OUT = 2048
JPEG_QUALITY = 82
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF"}

# Pillow's own guard: warn above 16 Mpx, refuse above 32 Mpx (we refuse above 4000x4000 anyway).
Image.MAX_IMAGE_PIXELS = MAX_SIDE_IN * MAX_SIDE_IN


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
            width, height = image.size
            if width > MAX_SIDE_IN or height > MAX_SIDE_IN:
                raise PhotoError(
                    _l("This photo is too big (over %(px)d pixels a side).", px=MAX_SIDE_IN)
                )
            image.load()
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
    except PhotoError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise PhotoError(unreadable) from exc
    image.thumbnail((MAX_SIDE_OUT, MAX_SIDE_OUT))
    # Rebuild from raw pixels so no metadata of the original can ride along.
    pixels = Image.frombytes("RGB", image.size, image.tobytes())
    out = io.BytesIO()
    pixels.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return CleanPhoto(data=out.getvalue(), width=pixels.width, height=pixels.height)


def store(photo: CleanPhoto, upload_dir: str | Path) -> str:
    """Write a clean photo durably under a random name; returns that name."""
    folder = Path(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.jpg"
    temporary = folder / f".{name}.part"
    with open(temporary, "wb") as handle:
        handle.write(photo.data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, folder / name)
    return name


def remove(names: list[str], upload_dir: str | Path) -> None:
    """Delete stored files whose report was never committed."""
    for name in names:
        (Path(upload_dir) / name).unlink(missing_ok=True)
