"""HTML from any importer → Margin's canonical article HTML, and its plain text.

FIRST VERSION (contract fixed, internals to be improved): every importer calls
:func:`canonicalize` last. The plain text comes from the canonical HTML by
:func:`html_to_text`, so annotation offsets stay stable.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html
import nh3

ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "dl", "dt", "dd",
    "blockquote", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "figure", "figcaption", "strong", "b", "em", "i", "u", "sup", "sub", "code", "pre",
    "a", "img", "span", "div", "section", "small", "mark", "abbr", "cite", "q", "s",
}  # fmt: skip

BLOCK_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "dl", "dt", "dd",
    "blockquote", "table", "tr", "figure", "figcaption", "pre", "div", "section", "hr",
    "caption",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class CanonicalHTML:
    html: str
    text: str


def canonicalize(html: str, *, base_url: str = "") -> CanonicalHTML:
    """Sanitize ``html`` to the canonical allowlist and derive its plain text."""
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "id"}, "img": {"alt", "src"}, "*": {"id"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
    return CanonicalHTML(html=clean, text=html_to_text(clean))


def html_to_text(html: str) -> str:
    """Plain text of canonical HTML: blocks separated by blank lines."""
    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    parts: list[str] = []

    def walk(el: lxml.html.HtmlElement) -> None:
        if el.tag in BLOCK_TAGS:
            parts.append("\n\n")
        if el.tag == "br":
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if el.tag in BLOCK_TAGS:
            parts.append("\n\n")

    walk(root)
    text = "".join(parts)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
