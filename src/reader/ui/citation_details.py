"""What a citation says, as text: the kind of source, its identifiers, the card's body.

Plain functions from a :class:`~reader.core.model.Citation` to strings and escaped
HTML, with no widgets, so they are easy to test and are shared by the citation card
(:mod:`reader.ui.citation_card`) and the Sources tab (:mod:`reader.ui.references_panel`).
"""

from __future__ import annotations

import html
from urllib.parse import urlsplit

from reader.core.identifiers import citation_ids, citation_url, is_http
from reader.core.model import Citation, CitationKind, ReferenceEntry

CONTEXT_CHARS = 360  # long sentences are cut around the link text

# Badge label and colour per kind. The pills are white text on a saturated colour that
# reads on light and dark windows alike; everything else on the card uses palette roles.
KIND_BADGES: dict[CitationKind, tuple[str, str]] = {
    CitationKind.PUBMED: ("PubMed", "#1d5fa8"),
    CitationKind.PMC: ("PMC", "#2b7a4b"),
    CitationKind.DOI: ("DOI", "#9a5800"),
    CitationKind.PII: ("Publisher", "#6b46c1"),
    CitationKind.TRIAL: ("Trial", "#b0307a"),
    CitationKind.WEB: ("Web", "#52606d"),
    CitationKind.REFERENCE: ("Reference", "#23767a"),
}

# Names of identifiers as readers know them, in the order the card lists them.
_ID_LABELS = {
    "pmid": "PMID",
    "pmcid": "PMCID",
    "doi": "DOI",
    "pii": "PII",
    "nct": "ClinicalTrials.gov",
}


def kind_label(kind: CitationKind) -> str:
    return KIND_BADGES.get(kind, (str(kind).title(), ""))[0]


def citation_identifiers(c: Citation) -> list[tuple[str, str]]:
    """(name, value) pairs for every identifier known for the cited source."""
    return [(_ID_LABELS[name], value) for name, value in citation_ids(c).items()]


def reference_anchor(c: Citation) -> str:
    """The id of the citation's entry in the article's reference list, if it has one."""
    if c.href.startswith("#") and len(c.href) > 1:
        return c.href[1:]
    if c.reference is not None and c.reference.anchor:
        return c.reference.anchor
    return ""


def short_url(url: str, limit: int = 64) -> str:
    parts = urlsplit(url)
    shown = (parts.netloc + parts.path).removeprefix("www.") or url
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def reference_description(ref: ReferenceEntry | None) -> str:
    """The entry's title, else its text, unless that is only a URL (a bare-link entry)."""
    if ref is None:
        return ""
    if ref.title:
        return ref.title
    text = " ".join(ref.text.split())
    return "" if not text or (is_http(text) and " " not in text) else text


def _authors_line(ref: ReferenceEntry) -> str:
    authors = ref.authors[:3]
    text = ", ".join(authors)
    if len(ref.authors) > 3:
        text += " et al."
    details = [p for p in (ref.journal, ref.year) if p]
    return " · ".join(p for p in (text, " ".join(details)) if p)


def _context_html(context: str, link_text: str) -> str:
    """The citing sentence, escaped, with the link text in bold and long ones trimmed."""
    context = " ".join(context.split())
    link_text = " ".join(link_text.split())
    at = context.find(link_text) if link_text else -1
    if len(context) > CONTEXT_CHARS:
        centre = at + len(link_text) // 2 if at >= 0 else 0
        start = max(0, min(centre - CONTEXT_CHARS // 2, len(context) - CONTEXT_CHARS))
        context = ("…" if start else "") + context[start : start + CONTEXT_CHARS] + "…"
        at = context.find(link_text) if link_text else -1
    if at < 0:
        return html.escape(context)
    return (
        html.escape(context[:at])
        + "<b>"
        + html.escape(link_text)
        + "</b>"
        + html.escape(context[at + len(link_text) :])
    )


def cited_times(n: int) -> str:
    return "Cited once in this article" if n == 1 else f"Cited {n}× in this article"


def citation_body_html(c: Citation, muted: str) -> str:
    """The card's body: title (or the entry's text, or the link text), authors,
    identifiers, the web address of a web source, and the sentence that cites it.

    ``muted`` is the colour (``#rrggbb``) of the secondary lines; rich text ignores
    alpha, so it must be solid.
    """
    parts: list[str] = []
    ref = c.reference
    title = ref.title if ref is not None and ref.title else ""
    link_text = " ".join(c.text.split())
    if title:
        parts.append(f"<div style='font-weight:bold'>{html.escape(title)}</div>")
    elif description := reference_description(ref):
        parts.append(f"<div>{html.escape(description)}</div>")
    elif (
        link_text
        and link_text not in " ".join(c.context.split())  # already bold in the sentence
        and link_text != c.href
        and not is_http(link_text)
    ):
        parts.append(f"<div style='font-weight:bold'>{html.escape(link_text)}</div>")
    if ref is not None and (byline := _authors_line(ref)):
        parts.append(f"<div style='color:{muted}'>{html.escape(byline)}</div>")
    ids = citation_identifiers(c)
    if ids:
        shown = " · ".join(
            f"{html.escape(name)}&nbsp;<span style='font-family:monospace'>"
            f"{html.escape(value)}</span>"
            for name, value in ids
        )
        parts.append(f"<div style='color:{muted}'>{shown}</div>")
    url = citation_url(c)
    if c.kind is CitationKind.WEB and url:
        parts.append(f"<div style='color:{muted}'>{html.escape(short_url(url))}</div>")
    if c.context:
        sentence = _context_html(c.context, c.text)
        parts.append(f"<div style='margin-top:6px'><i>“{sentence}”</i></div>")
    return "".join(parts)
