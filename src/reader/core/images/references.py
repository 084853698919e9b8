"""What an image reference says before any picture is stored: ``srcset`` candidates
ranked for the reading column, the bytes of a ``data:`` URI, and a picture's size read
from its header (how a placeholder is told from a picture).

Used by :mod:`reader.core.images.choose` (which picture to keep), by
:mod:`reader.core.images.collect` (storing it) and by the WordPress importers (the size
of a featured image to show).
"""

from __future__ import annotations

import base64
import binascii
import io
from collections.abc import Iterable
from urllib.parse import unquote_to_bytes

from reader.core.images.kinds import MAX_SOURCE_BYTES

TARGET_WIDTH = 1600  # px: about twice the reading column


def parse_srcset(value: str) -> list[tuple[str, float]]:
    """``srcset`` candidates as (reference, width in px), as the HTML standard splits them:
    a URL runs to the next white space, so commas inside it (``t_fit-760w,f_auto``) stay.
    An ``x`` density counts as that many reading columns (800 px); none is ``1x``."""
    out: list[tuple[str, float]] = []
    pos, end = 0, len(value)
    while pos < end:
        while pos < end and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        start = pos
        while pos < end and not value[pos].isspace():
            pos += 1
        url = value[start:pos]
        if not url:
            break
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            start = pos
            depth = 0
            while pos < end and (value[pos] != "," or depth):
                depth += {"(": 1, ")": -1}.get(value[pos], 0)
                pos += 1
            descriptor = value[start:pos].strip()
        if url:
            out.append((url, _width(descriptor)))
    return out


def _width(descriptor: str) -> float:
    for part in descriptor.split():
        number = part[:-1]
        try:
            if part.endswith("w"):
                return float(number)
            if part.endswith("x"):
                return float(number) * 800
        except ValueError:
            continue
    return 800.0


def ranked(candidates: Iterable[tuple[str, float]]) -> list[str]:
    """Best first: the smallest at least :data:`TARGET_WIDTH` wide, then the wider rest."""
    items = list(candidates)
    big = sorted((c for c in items if c[1] >= TARGET_WIDTH), key=lambda c: c[1])
    small = sorted((c for c in items if c[1] < TARGET_WIDTH), key=lambda c: -c[1])
    return [url for url, _ in big + small]


def data_header_size(ref: str) -> tuple[int, int] | None:
    """Width and height of a GIF or PNG ``data:`` URI, read from its first bytes only."""
    head, _, payload = ref[5:].partition(",")
    try:
        if ";base64" in head.lower():
            start = "".join(payload[:96].split())
            data = base64.b64decode(start[: len(start) // 4 * 4], validate=False)
        else:
            data = unquote_to_bytes(payload[:96])
    except (binascii.Error, ValueError):
        return None
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data.startswith(b"\x89PNG") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return None


def pixel_size(data: bytes) -> tuple[int, int] | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None


class DataUriError(ValueError):
    """A ``data:`` URI that cannot give an image; the message says why."""


def decode_data_uri(ref: str) -> bytes | None:
    """The bytes of a ``data:`` URI, or None when it is damaged or over the size cap."""
    try:
        return data_uri_bytes(ref)
    except DataUriError:
        return None


def data_uri_bytes(ref: str) -> bytes:
    """The bytes of a ``data:`` URI, or :class:`DataUriError` saying why not."""
    head, comma, payload = ref[5:].partition(",")
    if not comma:
        raise DataUriError("no data")
    if len(payload) > MAX_SOURCE_BYTES * 4 // 3 + 4:
        raise DataUriError("larger than the image size limit; skipped")
    try:
        if ";base64" in head.lower():
            return base64.b64decode("".join(payload.split()), validate=False)
        return unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        raise DataUriError("damaged data; skipped") from None
