"""Clean strings out of WordPress JSON values, whatever shape a plugin gave them.

``{"rendered": …}`` or a plain string, NULs and lone surrogates (from ``\\ud800``
escapes) repaired, short HTML reduced to its text, only http(s) URLs.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any
from urllib.parse import urlsplit

import nh3

_BAD_CHARS = re.compile(r"[\x00\ud800-\udfff]")


def as_text(value: Any) -> str:
    """A clean, stripped string (no NULs or lone surrogates) from any JSON value."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        return ""
    return _clean(value).strip()


def rendered_text(value: Any) -> str:
    """``{"rendered": …}`` (or ``raw``) or a plain string, as a string."""
    if isinstance(value, dict):
        for key in ("rendered", "raw"):
            if isinstance(value.get(key), str):
                return _clean(value[key])
        return ""
    return _clean(value) if isinstance(value, str) else ""


def _clean(text: str) -> str:
    """NULs dropped, lone surrogates (from ``\\ud800`` escapes) made U+FFFD."""
    if not _BAD_CHARS.search(text):
        return text
    return _BAD_CHARS.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def plain_text(markup: str) -> str:
    """Text of a short HTML string: tags stripped, entities decoded, spaces collapsed."""
    if not markup:
        return ""
    text = html.unescape(nh3.clean(markup, tags=set()))
    return " ".join(as_text(text).split())


def http_url(value: str) -> str:
    value = as_text(html.unescape(value))
    return value if urlsplit(value).scheme in ("http", "https") else ""


def unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            out.append(value)
    return out


def parse_datetime(value: Any) -> dt.datetime | None:
    text = as_text(value)
    if not text or text.startswith("0000"):
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
