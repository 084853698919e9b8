"""A citation as text to copy: plain, or Markdown that renders as the plain text reads.

The citation card's Copy and Copy Markdown buttons call :func:`format_citation`. The
address it gives is :func:`reader.core.identifiers.citation_url`, the one the card's
"Open in browser" opens.
"""

from __future__ import annotations

import re

from reader.core.citations.classify import BARE_URL, trim_url
from reader.core.identifiers import citation_url
from reader.core.model import Citation, CitationKind

__all__ = ["format_citation"]


def _escape_markdown(s: str) -> str:
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", s)


def _id_label(kind: CitationKind, identifier: str) -> str:
    return {
        CitationKind.PUBMED: f"PMID: {identifier}",
        CitationKind.PMC: f"PMCID: {identifier}",
        CitationKind.DOI: f"doi:{identifier}",
        CitationKind.PII: f"PII: {identifier}",
        CitationKind.TRIAL: f"ClinicalTrials.gov: {identifier}",
    }.get(kind, "")


def _ends_with_url(s: str) -> bool:
    return bool(re.search(r"(?:https?://\S+|>)$", s))


def _join(pieces: list[str]) -> str:
    """Join parts of a citation with full stops, but never glue one onto a URL."""
    out = ""
    for piece in pieces:
        if not out:
            out = piece
        elif _ends_with_url(out):
            out += " " + piece
        else:
            out = out.rstrip(" .") + ". " + piece
    return out


def _markdown_text(s: str) -> str:
    """Escape Markdown in reference text, turning the URLs in it into autolinks."""
    out, last = [], 0
    for m in BARE_URL.finditer(s):
        url = trim_url(m.group())
        out.append(_escape_markdown(s[last : m.start()]) + f"<{url}>")
        last = m.start() + len(url)
    out.append(_escape_markdown(s[last:]))
    return "".join(out)


def format_citation(c: Citation, style: str = "plain") -> str:
    """The citation as text to copy: ``"plain"`` or ``"markdown"``.

    The description is the reference entry's text when there is one, otherwise the link
    text; then the identifier ("PMID: 30819549", "doi:10.…") and a URL to follow (the
    article's own link, or one made from the identifier), each left out when the
    description already shows it. Markdown links the description (or the identifier) to
    the URL; its output renders with markdown-it as the plain version reads.
    """
    if style not in {"plain", "markdown"}:
        raise ValueError(f"unknown citation style {style!r}: use 'plain' or 'markdown'")
    url = citation_url(c)
    ident = _id_label(c.kind, c.identifier)
    ref_text = c.reference.text if c.reference is not None else ""
    description = ref_text or c.text
    if description == url:
        description = ""
    if ident and ident.lower() in description.lower():
        ident = ""
    show_url = bool(url) and url not in description
    if style == "plain":
        return _join([p for p in (description, ident, url if show_url else "") if p])
    dest = f"<{url}>" if re.search(r"[\s()<>]", url) else url
    if ref_text or not url:
        body = _markdown_text(description)
        if ident and show_url:
            tail = f"[{ident}]({dest})"
        elif ident:
            tail = ident
        else:
            tail = f"<{url}>" if show_url else ""
        return _join([p for p in (body, tail) if p])
    body = f"[{_escape_markdown(description)}]({dest})" if description else f"<{url}>"
    return body + (f" ({ident})" if ident else "")
