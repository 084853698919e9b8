"""Parse untrusted XML (WXR exports, JATS articles) without letting it reach outside.

Imported files come from anywhere, so the parser never loads a DTD, never touches the
network or the file system for an external entity, never expands entities (the
"billion laughs" attack), and keeps libxml2's size limits (``huge_tree=False``).

Without its DTD, a JATS file's named HTML entities (``&ndash;``) would be undefined, so
:func:`map_named_entities` rewrites the ones HTML5 knows to numeric character
references first. Entities an internal DTD subset declares are left alone, and stay
unexpanded.
"""

from __future__ import annotations

import html.entities
import io
import re
from collections.abc import Iterator

from lxml import etree

from reader.core.errors import ImportFailure

# The five XML predefines itself; everything else needs a DTD.
_XML_PREDEFINED = {b"amp", b"lt", b"gt", b"quot", b"apos"}
# CDATA sections and comments are skipped (an "&ndash;" there is not an entity),
# otherwise a named reference is captured.
_ENTITY_OR_SKIP = re.compile(rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->|&([A-Za-z][A-Za-z0-9]{1,31});", re.S)
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")


def safe_parser(*, recover: bool = False) -> etree.XMLParser:
    """An lxml parser that reads only the bytes it is given.

    ``recover`` is for callers that knowingly accept libxml2's guesses on broken input;
    the importers leave it off so a broken file is reported, not silently truncated.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        recover=recover,
    )


def _entity_replacement(name: bytes) -> bytes | None:
    """``&#N;`` for an HTML5 named entity, None when it is not one (or XML's own)."""
    if name in _XML_PREDEFINED:
        return None
    chars = html.entities.html5.get(name.decode("ascii") + ";")
    if chars is None:
        return None
    return b"".join(b"&#%d;" % ord(c) for c in chars)


def map_named_entities(data: bytes) -> bytes:
    """Rewrite HTML named entities to numeric references, outside CDATA and comments.

    Works on the undecoded bytes: entity names are ASCII in every encoding an XML
    file may declare except UTF-16/32, which callers re-encode to UTF-8 first.
    """
    found = False
    for m in _NAMED_ENTITY.finditer(data):
        if _entity_replacement(m.group(1)) is not None:
            found = True
            break
    if not found:
        return data

    def repl(m: re.Match[bytes]) -> bytes:
        name = m.group(1)
        if name is None:
            return m.group(0)
        return _entity_replacement(name) or m.group(0)

    return _ENTITY_OR_SKIP.sub(repl, data)


def _to_xml_bytes(data: bytes) -> bytes:
    """UTF-16/32 input (with a BOM) → UTF-8, so the byte-level entity pass is valid."""
    for bom, encoding in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            # The declaration would now lie about the encoding.
            text = re.sub(r"^<\?xml[^>]*\?>", '<?xml version="1.0"?>', text)
            return text.encode("utf-8")
    return data


def prepare(data: bytes) -> bytes:
    """The bytes the parser should see: UTF-8 for wide encodings, entities mapped."""
    return map_named_entities(_to_xml_bytes(data))


def describe_syntax_error(exc: etree.XMLSyntaxError) -> str:
    """A user-facing sentence: "not well-formed XML at line 90, column 2: …"."""
    msg = str(exc.msg or exc).strip()
    # libxml2 repeats the position in the message: "…, line 90, column 2".
    msg = re.sub(r",? line \d+, column \d+$", "", msg)
    line, col = exc.position if exc.position else (0, 0)
    where = f" at line {line}, column {col}" if line else ""
    return f"not well-formed XML{where}: {msg}"


def parse_bytes(data: bytes) -> etree._Element:
    """Parse a whole document safely, or raise :class:`ImportFailure` with the position."""
    try:
        root = etree.fromstring(prepare(data), parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        raise ImportFailure(describe_syntax_error(exc)) from None
    if root is None:
        raise ImportFailure("the XML file has no root element")
    return root


def iterparse(data: bytes, *, tag: str | None = None) -> Iterator[tuple[str, etree._Element]]:
    """Stream ``("end", element)`` events with the same safety settings.

    The caller clears elements it is done with, so a large export is never held whole.
    :class:`etree.XMLSyntaxError` propagates: callers decide whether to recover.
    """
    return etree.iterparse(
        io.BytesIO(prepare(data)),
        events=("end",),
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def text_of(el: etree._Element | None) -> str:
    """All the text inside ``el`` (unexpanded entity references contribute nothing)."""
    if el is None:
        return ""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if isinstance(node.tag, str):  # not a comment, PI or entity reference
            parts.append(node.text or "")
            for child in node:
                walk(child)
                parts.append(child.tail or "")

    walk(el)
    return "".join(parts)
