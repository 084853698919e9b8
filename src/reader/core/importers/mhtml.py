"""MHTML (``.mhtml``, ``.mht``): a web page saved as one MIME message, as Chrome's
"Save as MHTML" writes it (``From: <Saved by Blink>``).

The message is read with the standard library's :mod:`email` package. Its first
``text/html`` part (the one at the ``Snapshot-Content-Location`` when there are several,
as with iframes) is the page; it goes through the saved-page importer
(:mod:`reader.core.importers.html`) for its main content and metadata. Image parts are
the page's images: each ``<img src>`` is matched to a part by its ``Content-Location``
(resolved against the page's address) or its ``cid:``. Nothing is fetched: an image
Chrome did not store stays a placeholder.

Tolerance: Chrome writes some headers unencoded over several lines (a long
``X-Snapshot-Title``), and then :mod:`email` no longer sees the message as multipart.
The boundary is then taken from the ``Content-Type`` header and the parts split on it by
hand; the import report says the file was repaired. A file with no boundary, or no HTML
part, fails with a message naming the problem.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import re
from dataclasses import dataclass
from pathlib import PurePath

from reader.core.errors import ImportFailure
from reader.core.images.collect import active as image_collector
from reader.core.images.resources import UrlResources
from reader.core.importers import html as html_importer
from reader.core.model import ImportOptions, ParseResult, SourceFormat

_MULTIPART = re.compile(rb"Content-Type:\s*multipart/related", re.I)
_BOUNDARY = re.compile(rb"""boundary\s*=\s*(?:"([^"\r\n]+)"|([^\s;"]+))""", re.I)
MAX_PARTS = 5_000


@dataclass(frozen=True, slots=True)
class Part:
    """One MIME part: its type, where it came from and its decoded bytes."""

    content_type: str
    location: str
    content_id: str
    payload: bytes
    charset: str | None


def sniff(head: bytes, name: str) -> bool:
    """A MIME message whose body is ``multipart/related`` (a saved page)."""
    window = head[:8192]
    if not _MULTIPART.search(window):
        return False
    return b"mime-version:" in window.lower() or PurePath(name).suffix.lower() in (".mhtml", ".mht")


def parse(data: bytes, name: str, options: ImportOptions) -> ParseResult:
    """The saved page as one article, its stored images taken from the message's parts."""
    parts, repaired = read_parts(data)
    pages = [p for p in parts if p.content_type == "text/html"]
    if not pages:
        raise ImportFailure("the MHTML file holds no HTML page")
    head = email.message_from_bytes(data[: data.find(b"\n\n") + 1 or 8192])
    location = str(head.get("Snapshot-Content-Location", "") or "").strip()
    page = next((p for p in pages if location and p.location == location), pages[0])
    location = location or page.location
    images = {p.location: p.payload for p in parts if p.content_type.startswith("image/")}
    images.update(
        {
            f"cid:{p.content_id}": p.payload
            for p in parts
            if p.content_id and p.content_type.startswith("image/")
        }
    )
    html_bytes = page.payload
    if page.charset and page.charset.lower() not in ("utf-8", "utf8"):
        try:
            html_bytes = page.payload.decode(page.charset).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            pass  # the HTML importer reads the page's own declaration
    collector = image_collector()
    previous = collector.resources if collector is not None else None
    if collector is not None:
        collector.resources = UrlResources(images, location)
    try:
        result = html_importer.parse(html_bytes, name, options)
    finally:
        if collector is not None and previous is not None:
            collector.resources = previous
    for article in result.articles:
        article.source_format = SourceFormat.MHTML
        article.url = article.url or location
        html_importer.fill_site_from_address(article)  # from the page it was saved from
        article.metadata["saved_from"] = location
    if repaired:
        result.warnings.append("the MHTML header was malformed")  # shown as "repaired: …"
    return result


def read_parts(data: bytes) -> tuple[list[Part], bool]:
    """The message's leaf parts, and whether the message had to be split by hand."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    if message.is_multipart():
        leaves = [p for p in message.walk() if not p.is_multipart()]
        return [_part(p) for p in leaves[:MAX_PARTS]], False
    match = _BOUNDARY.search(data[:65536])
    if match is None:
        raise ImportFailure(
            "not a readable MHTML file: the header names no MIME boundary, so its parts "
            "cannot be found"
        )
    boundary = b"--" + (match.group(1) or match.group(2))
    chunks = data.split(boundary)[1:]
    parts = []
    for chunk in chunks[:MAX_PARTS]:
        if chunk.startswith(b"--"):
            break  # the closing boundary
        parts.append(_part(email.message_from_bytes(chunk.lstrip(b"\r\n"))))
    if not parts:
        raise ImportFailure("not a readable MHTML file: no MIME parts after its header")
    return parts, True


def _part(part: email.message.Message) -> Part:
    payload = part.get_payload(decode=True)
    content_id = str(part.get("Content-ID", "") or "").strip().strip("<>")
    return Part(
        content_type=part.get_content_type(),
        location=str(part.get("Content-Location", "") or "").strip(),
        content_id=content_id,
        payload=payload if isinstance(payload, bytes) else b"",
        charset=part.get_content_charset(),
    )
