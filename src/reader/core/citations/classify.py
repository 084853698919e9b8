"""What an http(s) link points at: PubMed, PMC, a DOI, a PII, a trial, or a web page.

:func:`classify_url` reads the addresses of PubMed, PMC and Europe PMC, doi.org, the
publishers that put a DOI in their paths or queries (Frontiers, SAGE, Wiley, PLOS,
Nature), Elsevier's PII addresses (ScienceDirect, Cell, The Lancet) and
ClinicalTrials.gov. The identifiers come out in the normal forms of
:mod:`reader.core.identifiers`. Also here: links that are media rather than sources, and
URLs written as bare text.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from reader.core.identifiers import is_http, normalise_doi, normalise_pii
from reader.core.model import CitationKind

__all__ = ["BARE_URL", "bare_urls", "classify_url", "is_media", "trim_url"]

# Links to these are embedded media (an image wrapped in a link, an audio file), not sources.
_MEDIA_EXTENSIONS = (
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".tif", ".tiff", ".avif",
    ".mp3", ".m4a", ".wav", ".ogg", ".oga", ".mp4", ".m4v", ".webm", ".mov", ".avi",
)  # fmt: skip


_PMC_ID = re.compile(r"^PMC(\d+)$", re.I)
_NCT = re.compile(r"\b(NCT\d{8})\b", re.I)
# Elsevier PIIs: S0740547202002751, or the printed form S0960-9822(17)30784-4.
_PII_PLAIN = re.compile(r"^(?:PII)?(S[\dX]{16})$", re.I)
_PII_PRINTED = re.compile(r"(?:^|/|PII)(S\d{4}-\d{3}[\dX]\(\d{2}\)\d{5}-[\dX])", re.I)
BARE_URL = re.compile(r"https?://[^\s<>\"'“”‘’]+", re.I)


def _host(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1].lower()
    if host.endswith(":80") or host.endswith(":443"):
        host = host.rsplit(":", 1)[0]
    return host[4:] if host.startswith("www.") else host


def classify_url(url: str) -> tuple[CitationKind, str] | None:
    """What an http(s) link points at, with its normalised identifier.

    PubMed → PMID digits; PMC and Europe PMC → ``PMC123``; doi.org and publisher URLs
    that carry a DOI → lower-case DOI; ScienceDirect/Cell/Lancet → PII; ClinicalTrials.gov
    → ``NCT01234567``; any other http(s) URL → WEB with the URL itself. ``None`` for
    anything that is not an absolute http(s) URL (``#anchor``, ``mailto:``, relative).
    """
    url = url.strip()
    if not is_http(url):
        return None
    parts = urlsplit(url)
    host = _host(parts.netloc)
    path = unquote(parts.path)
    segments = [s for s in path.split("/") if s]
    query = dict(parse_qsl(parts.query))

    if host in {"pubmed.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov"}:
        if host == "pubmed.ncbi.nlm.nih.gov" and segments and segments[0].isdigit():
            return CitationKind.PUBMED, segments[0]
        if segments[:1] == ["pubmed"]:
            if len(segments) > 1 and segments[1].isdigit():
                return CitationKind.PUBMED, segments[1]
            term = re.sub(r"\[(?:pmid|uid)\]$", "", query.get("term", "").strip(), flags=re.I)
            if term.isdigit():
                return CitationKind.PUBMED, term
        if host == "pubmed.ncbi.nlm.nih.gov":
            term = query.get("term", "").strip()
            if term.isdigit():
                return CitationKind.PUBMED, term
    if host in {"pmc.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov", "europepmc.org"}:
        for seg in segments:
            if m := _PMC_ID.match(seg):
                return CitationKind.PMC, "PMC" + m.group(1)
    if host == "europepmc.org":
        # europepmc.org/article/MED/12345, /abstract/MED/12345, /article/PMC/PMC123
        for i, seg in enumerate(segments[:-1]):
            nxt = segments[i + 1]
            if seg.upper() == "MED" and nxt.isdigit():
                return CitationKind.PUBMED, nxt
            if seg.upper() == "PMC" and nxt.isdigit():
                return CitationKind.PMC, "PMC" + nxt
    if host in {"doi.org", "dx.doi.org"} and path.lstrip("/"):
        doi = re.sub(r"^(?:doi:)", "", path.lstrip("/"), flags=re.I)
        if doi.startswith("10."):
            return CitationKind.DOI, normalise_doi(doi)
    if host.endswith("clinicaltrials.gov"):
        m = _NCT.search(path) or _NCT.search(parts.query)
        if m:
            return CitationKind.TRIAL, m.group(1).upper()
    # Elsevier publisher item identifiers (ScienceDirect, Cell Press, The Lancet…)
    if m := _PII_PRINTED.search(path):
        return CitationKind.PII, normalise_pii(m.group(1))
    for i, seg in enumerate(segments):
        if (m := _PII_PLAIN.match(seg)) and (i and segments[i - 1].lower() == "pii"):
            return CitationKind.PII, m.group(1).upper()
        if m and seg.upper().startswith("PII"):
            return CitationKind.PII, m.group(1).upper()
    # A DOI inside a publisher URL: frontiersin.org/articles/10.3389/…/full,
    # journals.sagepub.com/doi/abs/10.1177/…, onlinelibrary.wiley.com/doi/full/10.1002/…
    if m := re.search(r"(?:^|/)(10\.\d{4,9}/.+)$", path):
        return CitationKind.DOI, normalise_doi(m.group(1))
    for value in query.values():  # journals.plos.org/plosone/article?id=10.1371/…
        if re.match(r"10\.\d{4,9}/\S+$", value):
            return CitationKind.DOI, normalise_doi(value)
    if host == "nature.com" and segments[:1] == ["articles"] and len(segments) > 1:
        return CitationKind.DOI, normalise_doi("10.1038/" + segments[1])
    return CitationKind.WEB, url


def is_media(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(_MEDIA_EXTENSIONS)


def trim_url(url: str) -> str:
    """Drop punctuation that ends the sentence rather than the URL."""
    while url and url[-1] in ".,;:!?'\"”’":
        url = url[:-1]
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    while url.endswith("]") and url.count("]") > url.count("["):
        url = url[:-1]
    return url


def bare_urls(text: str) -> list[str]:
    return [trim_url(m.group()) for m in BARE_URL.finditer(text)]
