"""Turn imported bytes into text, the way a careful reader would guess the encoding.

Order: byte-order mark, then an encoding the content declares (XML declaration or
HTML meta charset, read by :func:`declared_charset` and passed in by the caller), then
strict UTF-8, then cp1252 (what "Latin-1" web pages really are). Bytes that are clearly
not text are refused.
"""

from __future__ import annotations

import codecs
import re

from reader.core.errors import ImportFailure

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls other than tab, newline, carriage return and form feed.
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""", re.I)
# The HTML standard maps these labels to windows-1252, and pages labelled so really are.
_CP1252_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii"}


def sniff_bom(data: bytes) -> tuple[str | None, bytes]:
    """Return (encoding, data without BOM) when the data starts with a BOM."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, data[len(bom) :]
    return None, data


def looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte of ASCII text is NUL."""
    sample = data[:400]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half * 0.6 and even_nuls < half * 0.1:
        return "utf-16-le"
    if even_nuls > half * 0.6 and odd_nuls < half * 0.1:
        return "utf-16-be"
    return None


def declared_charset(head: bytes) -> str | None:
    """The encoding a page declares in its first KiB (meta charset or XML declaration).

    A page that is readable as ASCII cannot really be UTF-16, so such a declaration is
    ignored (browsers do the same); a real UTF-16 file is caught by its BOM or NUL bytes.
    """
    head = head[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii", "replace").strip().lower()
    if label.startswith(("utf-16", "utf16", "utf-32", "ucs")):
        return None
    if label in _CP1252_LABELS:
        return "cp1252"
    return label


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode ``data`` to ``str`` or raise :class:`ImportFailure` saying why.

    ``declared`` is an encoding named by the content itself (meta charset, XML
    declaration); it is tried after a BOM and before the UTF-8/cp1252 guess.
    """
    if not data.strip():
        raise ImportFailure("the file is empty")
    encoding, body = sniff_bom(data)
    if encoding is None:
        encoding = looks_utf16(data)
    if encoding is not None:
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ImportFailure(
                f"the file starts like {encoding} but is not valid {encoding}: {exc.reason}"
            ) from None
        return _clean(text)
    if _CONTROL.search(data[:4096]):
        raise ImportFailure("the file is not text (it contains binary control bytes)")
    candidates = [declared] if declared else []
    candidates += ["utf-8", "cp1252"]
    for candidate in candidates:
        try:
            codecs.lookup(candidate)
            return _clean(data.decode(candidate))
        except (LookupError, UnicodeDecodeError):
            continue
    # cp1252 leaves five bytes undefined; Latin-1 maps every byte.
    return _clean(data.decode("latin-1"))


def _clean(text: str) -> str:
    """Drop NULs and lone surrogates, which SQLite, lxml and Qt all choke on."""
    text = text.replace("\x00", "")
    if _LONE_SURROGATE.search(text):
        text = _LONE_SURROGATE.sub("\ufffd", text)
    return text
