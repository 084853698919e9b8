"""Importer registry: sniff a file's format from its content and parse it.

Each importer module exposes two pure functions:

- ``sniff(head: bytes, name: str) -> bool``: does this look like my format? ``head``
  is the first few KiB of the file (BOM-stripped, not decoded); ``name`` only breaks
  ties, since the content decides.
- ``parse(data: bytes, name: str, options: ImportOptions) -> ParseResult``: raise
  :class:`reader.core.errors.ImportFailure` with a user-facing message when the file
  is not importable.

Archives and folders are unpacked by the library, not here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from reader.core.errors import ImportFailure
from reader.core.model import ImportedArticle, ImportOptions, ParseResult, Skipped
from reader.core.textdecode import looks_utf16, sniff_bom

SNIFF_BYTES = 8192
# "<!DOCTYPE article [" … "]>": declarations that may run past the sniff window.
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE\s[^\[>]*\[", re.I)
_SUBSET_END = re.compile(rb"\]\s*>")


@dataclass(frozen=True, slots=True)
class Importer:
    """One input format: how to recognise its bytes and how to parse them."""

    name: str
    sniff: Callable[[bytes, str], bool]
    parse: Callable[[bytes, str, ImportOptions], ParseResult]


def _load() -> list[Importer]:
    # Order matters: the most specific sniffers first (JATS and WXR are XML, and a
    # saved HTML page may contain anything).
    from reader.core.importers import html, jats, markdown, mhtml, wordpress, wxr

    modules: list[tuple[str, ModuleType]] = [
        ("wordpress-json", wordpress),
        ("jats", jats),
        ("wxr", wxr),
        ("mhtml", mhtml),  # before html: its page part is HTML
        ("html", html),
        ("markdown", markdown),
    ]
    return [Importer(name, m.sniff, m.parse) for name, m in modules]


_IMPORTERS: list[Importer] | None = None


def importers() -> list[Importer]:
    global _IMPORTERS
    if _IMPORTERS is None:
        _IMPORTERS = _load()
    return _IMPORTERS


def sniff_head(data: bytes) -> bytes:
    """The bytes the sniffers look at: the start of the file, as ASCII-compatible bytes.

    A UTF-16/32 file (with a BOM, or UTF-16 recognisable by its NULs) is re-encoded to
    UTF-8 first, so ``<article`` looks the same in every encoding. An XML internal DTD
    subset can be longer than the window (100 KB of entity declarations): the window
    after it is added, since the root element comes next.
    """
    encoding, body = sniff_bom(data)
    if encoding is None or encoding == "utf-8":
        encoding = looks_utf16(body)
    if encoding is not None and encoding != "utf-8":
        width = 4 if "32" in encoding else 2
        window = body[: SNIFF_BYTES * width]
        window = window[: len(window) - len(window) % width]
        body = window.decode(encoding, errors="replace").encode("utf-8")
    head = body[:SNIFF_BYTES]
    subset = _INTERNAL_SUBSET.search(head)
    if subset is not None:
        end = _SUBSET_END.search(body, subset.end())
        if end is not None and end.end() > SNIFF_BYTES:
            head = head + b"\n" + body[end.end() : end.end() + SNIFF_BYTES]
    return head


def find_importer(data: bytes, name: str) -> Importer:
    """The importer for ``data``, or :class:`ImportFailure` saying what it looks like."""
    head = sniff_head(data)
    if not head.strip():
        raise ImportFailure("the file is empty")
    for importer in importers():
        if importer.sniff(head, name):
            return importer
    raise ImportFailure(
        "not an article format Margin knows (WordPress REST JSON or WXR, an HTML or "
        "MHTML page, Markdown: a .md file or one with front matter, or JATS XML)"
    )


def parse_file(data: bytes, name: str, options: ImportOptions | None = None) -> ParseResult:
    """Sniff and parse one file's bytes.

    Whatever the importer, two rules hold here: metadata carries no control characters
    (a title with ESC or OSC sequences would drive the user's terminal when printed),
    and an article whose text came out empty is never returned as an article: a
    one-article file fails with the reason, an export lists it as skipped.
    """
    importer = find_importer(data, name)
    result = importer.parse(data, name, options or ImportOptions())
    for article in result.articles:
        clean_metadata(article)
    empty = [a for a in result.articles if not a.text.strip()]
    if empty:
        result.articles = [a for a in result.articles if a.text.strip()]
        if not result.articles and not result.skipped and not result.failed and len(empty) == 1:
            raise ImportFailure("the article has no text (only a title, or nothing readable)")
        for article in empty:
            result.skipped.append(Skipped(f"“{article.title}” has no text"))
    return result


# C0 and C1 controls and DEL: nothing a title may hold, everything a terminal obeys.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LINE_FIELDS = ("title", "site_name", "url", "guid", "external_id", "language", "journal")
_LIST_FIELDS = ("authors", "categories", "tags")


def one_line(text: str) -> str:
    """``text`` without control characters, its white space collapsed to single spaces."""
    if _CONTROLS.search(text):
        text = _CONTROLS.sub(" ", text)
    return " ".join(text.split())


def clean_metadata(article: ImportedArticle) -> None:
    """Strip control characters from every field that is shown on one line."""
    for name in _LINE_FIELDS:
        setattr(article, name, one_line(getattr(article, name)))
    for name in _LIST_FIELDS:
        values = [one_line(v) for v in getattr(article, name)]
        setattr(article, name, [v for v in values if v])
    if _CONTROLS.search(article.excerpt):
        lines = article.excerpt.split("\n")
        article.excerpt = "\n".join(one_line(line) for line in lines).strip()
    if not article.title:
        article.title = "Untitled"
