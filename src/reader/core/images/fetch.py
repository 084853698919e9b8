"""Web images, downloaded only because the user asked (``Download Images``,
``margin fetch-images``). Nothing else in Margin opens a network connection.

Each image is asked for once, with a plain urllib opener: no cookie handler, no
``Referer``, a neutral ``User-Agent``, ``Accept: image/*``; redirects are followed only
to ``http``/``https`` and at most :data:`MAX_REDIRECTS` times. The whole download must
finish within :data:`TIMEOUT` seconds (a server trickling bytes is cut off, not only a
silent one), may not pass :data:`MAX_FETCH_BYTES`, and must be a JPEG, PNG, GIF or WebP
by its bytes (a TIFF is converted, as on import; anything else is refused).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from reader.core.errors import MarginError
from reader.core.images.kinds import MAX_IMAGE_BYTES, ImageRejected, KeptImage, keep

TIMEOUT = 20.0  # seconds for one image, connection to last byte
MAX_FETCH_BYTES = MAX_IMAGE_BYTES
MAX_REDIRECTS = 5
USER_AGENT = "Margin (offline reader; image download asked for by its user)"
_CHUNK = 64 * 1024


class FetchFailed(MarginError):
    """One web image could not be had; the message says why."""


@dataclass(slots=True)
class FetchReport:
    """What one article's Download Images did."""

    fetched: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, why)
    earlier: int = 0  # asked for before (stored or failed then): not asked again


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise FetchFailed(f"redirected to a {urlsplit(newurl).scheme or 'relative'} address")
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.remove_header("Referer")  # never say where the image was asked from
            new.remove_header("Cookie")
        return new


def _opener() -> urllib.request.OpenerDirector:
    # build_opener adds no cookie processor; ours replaces the redirect handler.
    return urllib.request.build_opener(_Redirects)


def fetch_image(url: str, *, timeout: float | None = None, limit: int | None = None) -> KeptImage:
    """The image at ``url``, checked and in its stored form, or :class:`FetchFailed`.

    ``timeout`` and ``limit`` default to :data:`TIMEOUT` and :data:`MAX_FETCH_BYTES`.
    """
    timeout = TIMEOUT if timeout is None else timeout
    limit = MAX_FETCH_BYTES if limit is None else limit
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise FetchFailed("only http and https addresses are downloaded")
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "image/*"}, method="GET"
    )
    deadline = time.monotonic() + timeout
    try:
        with _opener().open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchFailed(f"the image is larger than {_size(limit)}")
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchFailed(f"took longer than {timeout:g} seconds")
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise FetchFailed(f"the image is larger than {_size(limit)}")
                chunks.append(chunk)
    except FetchFailed:
        raise
    except urllib.error.HTTPError as exc:
        raise FetchFailed(f"the server answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            raise FetchFailed(f"took longer than {timeout:g} seconds") from None
        raise FetchFailed(f"cannot connect: {reason}") from None
    except TimeoutError:
        raise FetchFailed(f"took longer than {timeout:g} seconds") from None
    except (OSError, ValueError) as exc:
        raise FetchFailed(f"the download failed: {exc}") from None
    try:
        return keep(b"".join(chunks))
    except ImageRejected as exc:
        raise FetchFailed(str(exc)) from None


def _size(limit: int) -> str:
    return f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 1024} KB"
