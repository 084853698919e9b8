"""Parse untrusted XML (WXR exports, JATS articles) without letting it reach outside.

Imported files come from anywhere, so the parser never loads a DTD, never touches the
network or the file system for an external entity, never expands entities (the
"billion laughs" attack), and keeps libxml2's size limits (``huge_tree=False``).

Without its DTD, a JATS file's named HTML entities (``&ndash;``) would be undefined, so
:func:`map_named_entities` rewrites the ones HTML5 knows to numeric character
references first. Entities an internal DTD subset declares are left alone, and stay
unexpanded. A name nobody defines is kept as text, and a control character XML forbids
is removed (both with a warning), so one stray byte never refuses a whole article.
"""

from __future__ import annotations

import html.entities
import io
import re

from lxml import etree

from reader.core.errors import ImportFailure

# The five XML predefines itself; everything else needs a DTD.
_XML_PREDEFINED = {b"amp", b"lt", b"gt", b"quot", b"apos"}
# CDATA sections and comments are skipped (an "&ndash;" there is not an entity),
# otherwise a named reference is captured.
_ENTITY_OR_SKIP = re.compile(rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->|&([A-Za-z][A-Za-z0-9]{1,31});", re.S)
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_DECLARED_ENTITY = re.compile(rb"<!ENTITY\s+(?:%\s+)?([A-Za-z_][\w.-]*)")
# C0 controls XML 1.0 forbids (tab, LF and CR are allowed), and references to them.
_INVALID_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CHAR_REF = re.compile(rb"&#(?:([0-9]{1,10})|x([0-9A-Fa-f]{1,8}));")


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


def declared_entities(data: bytes) -> set[bytes]:
    """Names the document's internal DTD subset declares (``<!ENTITY name …>``)."""
    return set(_DECLARED_ENTITY.findall(data)) if b"<!ENTITY" in data else set()


def map_named_entities(data: bytes, warnings: list[str] | None = None) -> bytes:
    """Rewrite named entities to what a parser without the DTD can read.

    HTML5's names become numeric references; a name nobody defines (not XML's five,
    not HTML5's, not declared in the document) is kept as visible text (``&amp;name;``)
    with a warning, rather than refusing the whole article over one typo. CDATA
    sections and comments are left alone. Works on the undecoded bytes: entity names
    are ASCII in every encoding an XML file may declare except UTF-16/32, which callers
    re-encode to UTF-8 first.
    """
    names = {m.group(1) for m in _NAMED_ENTITY.finditer(data)} - _XML_PREDEFINED
    if not names:
        return data
    declared = declared_entities(data)
    unknown = {n for n in names - declared if _entity_replacement(n) is None}
    if not unknown and all(n in declared for n in names):
        return data

    def repl(m: re.Match[bytes]) -> bytes:
        name = m.group(1)
        if name is None or name in _XML_PREDEFINED or name in declared:
            return m.group(0)
        if name in unknown:
            return b"&amp;" + name + b";"
        return _entity_replacement(name) or m.group(0)

    mapped = _ENTITY_OR_SKIP.sub(repl, data)
    if unknown and warnings is not None:
        shown = ", ".join(f"&{n.decode('ascii')};" for n in sorted(unknown)[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        warnings.append(f"unknown entities kept as text: {shown}{more}")
    return mapped


def drop_invalid_characters(data: bytes, warnings: list[str] | None = None) -> bytes:
    """Remove control characters XML 1.0 forbids (``\\x0b``, ``&#11;``…), with a warning.

    libxml2 refuses a whole document over one stray vertical tab pasted from a word
    processor; the character carries nothing a reader would see. On UTF-8 (or any
    single-byte encoding) these bytes never occur inside a multi-byte character.
    """
    count = 0
    if _INVALID_BYTES.search(data):
        count = len(_INVALID_BYTES.findall(data))
        # Word processors use VT and FF as line and page breaks: keep the words apart.
        data = _INVALID_BYTES.sub(lambda m: b" " if m.group() in b"\x0b\x0c" else b"", data)
    if b"&#" in data:

        def repl(m: re.Match[bytes]) -> bytes:
            nonlocal count
            digits, hex_digits = m.group(1), m.group(2)
            try:
                value = int(digits) if digits is not None else int(hex_digits, 16)
            except ValueError:
                return m.group(0)
            if _is_xml_char(value):
                return m.group(0)
            count += 1
            return b" " if value in (0xB, 0xC) else b""

        data = _CHAR_REF.sub(repl, data)
    if count and warnings is not None:
        warnings.append(f"{count} control character(s) that XML does not allow were removed")
    return data


def _is_xml_char(value: int) -> bool:
    return (
        value in (0x9, 0xA, 0xD)
        or 0x20 <= value <= 0xD7FF
        or 0xE000 <= value <= 0xFFFD
        or 0x10000 <= value <= 0x10FFFF
    )


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


def prepare(data: bytes, warnings: list[str] | None = None) -> bytes:
    """The bytes the parser should see: UTF-8 for wide encodings, forbidden control
    characters removed, entities mapped. What was changed is added to ``warnings``."""
    data = drop_invalid_characters(_to_xml_bytes(data), warnings)
    return map_named_entities(data, warnings)


def describe_syntax_error(exc: etree.XMLSyntaxError) -> str:
    """A user-facing sentence: "not well-formed XML at line 90, column 2: …"."""
    msg = str(exc.msg or exc).strip()
    # libxml2 repeats the position in the message: "…, line 90, column 2".
    msg = re.sub(r",? line \d+, column \d+$", "", msg)
    line, col = exc.position if exc.position else (0, 0)
    where = f" at line {line}, column {col}" if line else ""
    return f"not well-formed XML{where}: {msg}"


def parse_bytes(data: bytes, warnings: list[str] | None = None) -> etree._Element:
    """Parse a whole document safely, or raise :class:`ImportFailure` with the position.

    Repairs :func:`prepare` made (unknown entities, control characters) are added to
    ``warnings`` when given.
    """
    try:
        root = etree.fromstring(prepare(data, warnings), parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        raise ImportFailure(describe_syntax_error(exc)) from None
    if root is None:
        raise ImportFailure("the XML file has no root element")
    return root


def iterparse(
    data: bytes, *, tag: str | None = None, warnings: list[str] | None = None
) -> etree.iterparse:
    """Stream ``("end", element)`` events with the same safety settings.

    The caller clears elements it is done with, so a large export is never held whole.
    :class:`etree.XMLSyntaxError` propagates: callers decide whether to recover.
    """
    return etree.iterparse(
        io.BytesIO(prepare(data, warnings)),
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
