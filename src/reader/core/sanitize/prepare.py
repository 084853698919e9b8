"""Before parsing: characters no article holds, and nesting no parser should see.

NULs and other C0 and C1 controls go, lone surrogates become U+FFFD, and a few
characters reading fonts lack become their everyday equal. Nesting deeper than
:data:`MAX_DEPTH` is flattened by a linear scan of tag names, because html5ever is
quadratic in depth and libxml2 silently drops content past 255 levels.
"""

from __future__ import annotations

import re

# Elements nested deeper than this (not counting p/li/td…, whose end tags are optional)
# are unwrapped before parsing. Real articles stay far below it.
MAX_DEPTH = 100

# C0 and C1 controls and DEL: invisible in a page, obeyed by a terminal.
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)")
# Never counted for depth: void elements and those whose end tag may be omitted.
_NO_DEPTH = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot",
    "option", "optgroup", "rb", "rt", "rp", "colgroup", "caption",
}  # fmt: skip

# fallback font Qt substitutes is taller, and one "2∶2∶1" (PLOS writes ratios with
# U+2236 RATIO) loosened the line spacing of its whole paragraph.
_FONT_SAFE = str.maketrans({"\u2236": ":"})


def _bad_char(match: re.Match[str]) -> str:
    """Controls go; a lone surrogate becomes U+FFFD, as :mod:`textdecode` does."""
    return "\ufffd" if "\ud800" <= match.group() <= "\udfff" else ""


def clean_characters(html: str) -> str:
    """``html`` without control characters and lone surrogates, in font-safe characters."""
    return _BAD_CHARS.sub(_bad_char, html).translate(_FONT_SAFE)


def limit_depth(html: str) -> str:
    """Unwrap tags nested deeper than :data:`MAX_DEPTH`; return ``html`` when none are.

    A linear scan of tag names: void elements and those with optional end tags are not
    counted, so unclosed ``<p>``/``<li>`` do not look deep.
    """
    if html.count("<") <= MAX_DEPTH:
        return html
    depth = 0
    deepest = 0
    for closing, name in _TAG.findall(html):
        if name.lower() in _NO_DEPTH:
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    if deepest <= MAX_DEPTH:
        return html
    parts: list[str] = []
    last = 0
    depth = 0
    for match in _TAG.finditer(html):
        closing, name = match.groups()
        if name.lower() in _NO_DEPTH:
            continue
        if closing:
            drop = depth > MAX_DEPTH
            depth = max(depth - 1, 0)
        else:
            depth += 1
            drop = depth > MAX_DEPTH
        if drop:
            close = html.find(">", match.end())
            stop = len(html) if close < 0 else close + 1
            parts.append(html[last : match.start()])
            last = stop
    parts.append(html[last:])
    return "".join(parts)
