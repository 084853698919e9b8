"""Plain text of canonical HTML: the text annotations anchor into.

Deterministic from the canonical HTML alone (the rules are in :mod:`reader.core.sanitize`):
blocks are separated by a blank line, list items, table rows and ``<br>`` start a new
line, table cells are joined with ``" | "``, ``<pre>`` keeps its lines, a formula reads
as its ``alttext``.
"""

from __future__ import annotations

from lxml import etree

from reader.core.sanitize.allowlist import BLOCK_TAGS
from reader.core.sanitize.dom import parse_fragment

# Elements that start a new line (1) or a new paragraph (2) in the plain text.
_BREAK_BEFORE = {tag: 2 for tag in BLOCK_TAGS} | {
    "li": 1,
    "dt": 1,
    "dd": 1,
    "tr": 1,
    "thead": 1,
    "tbody": 1,
    "tfoot": 1,
    "caption": 1,
    "figcaption": 1,
}


_ITEMS = {"li", "dt", "dd"}


def html_to_text(html: str) -> str:
    """Plain text of canonical HTML (see the module docstring for the rules).

    Iterative (``etree.iterwalk``), so no nesting depth can exhaust Python's stack.
    """
    if not html or not html.strip():
        return ""
    root = parse_fragment(html)
    lines: list[tuple[int, str]] = []  # (break strength before it, text)
    current: list[str] = []
    pending = 0  # strongest break asked for since the last line was flushed
    cell_depth = 0  # inside a table cell, blocks only add a space
    cells_in_row: list[int] = []  # cells seen so far in each open row
    item_depth = 0  # inside a list item, blocks (a nested list…) start a line, not a paragraph

    def flush() -> None:
        nonlocal pending
        text = " ".join("".join(current).split())  # faster than a regex, same spaces
        current.clear()
        if text:
            lines.append((pending, text))
            pending = 0

    def brk(strength: int) -> None:
        nonlocal pending
        if cell_depth:
            current.append(" ")
            return
        flush()
        pending = max(pending, 1 if item_depth else strength)

    skip_until: etree._Element | None = None
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if skip_until is not None:
            if event == "end" and el is skip_until:
                skip_until = None
                if el.tail:
                    current.append(el.tail)
            continue
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag == "math":
                # A formula reads as the line the importer wrote, not its MathML pieces.
                current.append(el.get("alttext") or " ".join(el.itertext()))
                skip_until = el
                continue
            if tag == "pre" and not cell_depth:
                brk(2)
                raw = "".join(el.itertext()).strip("\n")
                if raw.strip():
                    lines.append((pending, raw))
                    pending = 0
                brk(2)
                skip_until = el
                continue
            if tag == "br":
                brk(1)
            elif tag in ("td", "th"):
                if cells_in_row:
                    if cells_in_row[-1]:
                        current.append(" | ")
                    cells_in_row[-1] += 1
                cell_depth += 1
            elif tag == "tr":
                brk(1)
                cells_in_row.append(0)
            elif tag in _BREAK_BEFORE and el is not root:
                brk(_BREAK_BEFORE[tag])
            if tag in _ITEMS:
                item_depth += 1
            if el.text:
                current.append(el.text)
        else:
            if tag in ("td", "th"):
                cell_depth -= 1
                current.append(" ")
            elif tag == "tr":
                if cells_in_row:
                    cells_in_row.pop()
                brk(1)
            elif tag in _BREAK_BEFORE and el is not root:
                if tag in _ITEMS:
                    item_depth -= 1
                brk(_BREAK_BEFORE[tag])
            if el.tail and el is not root:
                current.append(el.tail)
    flush()
    out: list[str] = []
    for strength, text in lines:
        if out:
            out.append("\n\n" if strength >= 2 else "\n")
        out.append(text)
    return "".join(out)
