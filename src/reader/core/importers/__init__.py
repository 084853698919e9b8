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

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from reader.core.errors import ImportFailure
from reader.core.model import ImportOptions, ParseResult
from reader.core.textdecode import sniff_bom

SNIFF_BYTES = 8192


@dataclass(frozen=True, slots=True)
class Importer:
    name: str
    sniff: Callable[[bytes, str], bool]
    parse: Callable[[bytes, str, ImportOptions], ParseResult]


def _load() -> list[Importer]:
    # Order matters: the most specific sniffers first (JATS and WXR are XML, and a
    # saved HTML page may contain anything).
    from reader.core.importers import html, jats, markdown, wordpress, wxr

    modules: list[tuple[str, ModuleType]] = [
        ("wordpress-json", wordpress),
        ("jats", jats),
        ("wxr", wxr),
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


def find_importer(data: bytes, name: str) -> Importer:
    """The importer for ``data``, or :class:`ImportFailure` saying what it looks like."""
    _, body = sniff_bom(data)
    head = body[:SNIFF_BYTES]
    if not head.strip():
        raise ImportFailure("the file is empty")
    for importer in importers():
        if importer.sniff(head, name):
            return importer
    raise ImportFailure(
        "not an article format Margin knows (WordPress REST JSON, WordPress WXR, "
        "HTML, Markdown, or JATS XML)"
    )


def parse_file(data: bytes, name: str, options: ImportOptions | None = None) -> ParseResult:
    """Sniff and parse one file's bytes."""
    importer = find_importer(data, name)
    return importer.parse(data, name, options or ImportOptions())
