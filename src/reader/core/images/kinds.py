"""What an image file is, judged by its bytes, and the form Margin keeps it in.

Only JPEG, PNG, GIF and WebP are kept, as they are: every reading engine shows them and
none of them can carry code. A TIFF (PMC and eLife ship figures as TIFF) is converted to
PNG with Pillow, since no browser shows TIFF. Everything else is refused with a reason.

**SVG is refused.** An SVG file is a document that can hold scripts, links and
references to other files. Inside the reading view an ``<img>`` SVG could run nothing,
but the image does not stay there: Markdown export copies it into ``attachments/``,
where a double click opens it in a browser as a page, scripts and all. Sanitizing SVG
is a project of its own, so an SVG image becomes its placeholder (the alt text) and the
import report says so.

Pillow opens every kept image once (the header only, which is cheap) so that a file
with the right first bytes but a broken header, or a decompression bomb, is refused
before it is stored. ``Image.MAX_IMAGE_PIXELS`` is lowered to :data:`MAX_PIXELS` and
Pillow's bomb warning is an error here, so a 1 KB PNG that claims 100,000 × 100,000
pixels is never decoded.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

MAX_IMAGE_BYTES = 20 * 1024 * 1024  # one stored image (after a TIFF is converted)
MAX_SOURCE_BYTES = 64 * 1024 * 1024  # one image as found (an uncompressed TIFF is large)
MAX_PIXELS = 64_000_000  # width × height, for every image and every conversion

MIME = {"jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}
EXTENSION = {"jpeg": "jpg", "png": "png", "gif": "gif", "webp": "webp"}
KIND_OF_EXTENSION = {ext: kind for kind, ext in EXTENSION.items()}


class ImageRejected(ValueError):
    """An image Margin does not keep; the message says why, for the import report."""


@dataclass(frozen=True, slots=True)
class KeptImage:
    """An image in the form it is stored: its bytes, its kind and its media type."""

    data: bytes
    kind: str  # "jpeg", "png", "gif" or "webp"

    @property
    def mime(self) -> str:
        return MIME[self.kind]

    @property
    def extension(self) -> str:
        return EXTENSION[self.kind]


def sniff(data: bytes) -> str | None:
    """The image kind the bytes say ("jpeg", "png", "gif", "webp", "tiff", "svg"), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "svg"
    return None


def keep(data: bytes, name: str = "") -> KeptImage:
    """The image as Margin stores it, or :class:`ImageRejected` saying why not.

    ``name`` is only used in messages.
    """
    label = f"{name}: " if name else ""
    if len(data) > MAX_SOURCE_BYTES:
        raise ImageRejected(f"{label}the image is larger than {_mb(MAX_SOURCE_BYTES)}")
    kind = sniff(data)
    if kind == "svg":
        raise ImageRejected(f"{label}SVG images are not kept (they can hold scripts)")
    if kind is None:
        raise ImageRejected(f"{label}not a JPEG, PNG, GIF, WebP or TIFF image")
    if kind == "tiff":
        data, kind = _tiff_to_png(data, label), "png"
    else:
        _check_header(data, label)
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRejected(f"{label}the image is larger than {_mb(MAX_IMAGE_BYTES)}")
    return KeptImage(data, kind)


def _open(data: bytes, label: str):
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRejected(f"{label}the image has too many pixels to open safely") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected(f"{label}the image is damaged ({exc})") from None
    if width * height > MAX_PIXELS or width <= 0 or height <= 0:
        raise ImageRejected(f"{label}the image has too many pixels to open safely")
    return image


def _check_header(data: bytes, label: str) -> None:
    _open(data, label).close()


def _tiff_to_png(data: bytes, label: str) -> bytes:
    from PIL import Image

    image = _open(data, label)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                # CMYK, 16-bit and float TIFFs: PNG holds none of them as they are.
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            out = io.BytesIO()
            image.save(out, "PNG", optimize=False)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected(f"{label}the TIFF image cannot be converted ({exc})") from None
    finally:
        image.close()
    return out.getvalue()


def _mb(size: int) -> str:
    return f"{size // 2**20} MB" if size >= 2**20 else f"{size // 1024} KB"
