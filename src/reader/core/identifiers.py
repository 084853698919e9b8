"""PMID, PMCID, DOI, PII and NCT numbers: one normal form each, and their web addresses.

Every place that reads or writes an identifier calls this module: the JATS importer
(``<pub-id pub-id-type="doi">``), the citation extractor (links and reference text),
the citation keys the library matches articles by, search's ``cites:``, the Markdown
export, the citation card and the text a reader copies. Before it, the web address of a
citation was computed three times and the copies disagreed (one knew PIIs, one quoted
DOIs, one did neither).

Normal forms (what :func:`normalise` returns, ``""`` when the value is not one):

======  =========================================  =============================
name    written                                    normal form
======  =========================================  =============================
pmid    ``PMID: 30819549``                         ``30819549``
pmcid   ``PMC:PMC6493703``, ``6493703``            ``PMC6493703``
doi     ``https://doi.org/10.1/X/full``            ``10.1/x`` (view suffixes off)
pii     ``S0960-9822(17)30784-4``                  ``S0960982217307844``
nct     ``nct01234567``                            ``NCT01234567``
======  =========================================  =============================
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from reader.core.model import Citation, CitationKind

__all__ = [
    "ID_NAMES",
    "citation_ids",
    "citation_url",
    "id_name",
    "identifier_url",
    "is_http",
    "kind_of",
    "normalise",
    "normalise_doi",
    "normalise_nct",
    "normalise_pii",
    "normalise_pmcid",
    "normalise_pmid",
    "normalise_url",
    "parse_identifier",
]

# The identifier names, most specific first (the order a citation picks its kind by,
# and the order the card lists them in).
ID_NAMES = ("pmid", "pmcid", "doi", "pii", "nct")

_KIND_OF_NAME = {
    "pmid": CitationKind.PUBMED,
    "pmcid": CitationKind.PMC,
    "doi": CitationKind.DOI,
    "pii": CitationKind.PII,
    "nct": CitationKind.TRIAL,
    "url": CitationKind.WEB,
}
_NAME_OF_KIND = {kind: name for name, kind in _KIND_OF_NAME.items()}

# Path segments publishers append to a DOI to choose a view of the same article.
_DOI_VIEW_SUFFIXES = {
    "full", "abstract", "abs", "pdf", "epdf", "pdfdirect", "fulltext", "full-text", "html",
    "xml", "summary", "references", "figures", "tables", "meta", "epub", "text", "info",
    "metrics", "citedby", "suppl", "supplementary", "figures-only", "reader", "full.pdf",
}  # fmt: skip
_HIGHWIRE_SUFFIX = re.compile(r"(?:\.full(?:\.pdf(?:\+html)?|\.html)?|\.abstract|\.pdf)$", re.I)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_PII = re.compile(r"^S[\dX]{16}$")
_NCT = re.compile(r"^NCT\d{8}$")

# Query parameters that only say where a click came from: dropped for URL matching.
_TRACKING_PARAMS = {
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "_gl", "igshid",
    "yclid", "twclid", "ttclid", "srsltid", "_hsenc", "_hsmi", "mkt_tok", "oly_enc_id",
    "oly_anon_id", "vero_id", "wickedid", "ref_src",
}  # fmt: skip


# --- one identifier --------------------------------------------------------------------


def normalise_pmid(value: str) -> str:
    """``"PMID: 30819549"`` → ``"30819549"``: the digits."""
    return re.sub(r"\D", "", value)


def normalise_pmcid(value: str) -> str:
    """``"PMC:PMC6493703"``, ``"pmcid 6493703"`` → ``"PMC6493703"``; ``""`` without digits."""
    digits = re.sub(r"\D", "", value)
    return f"PMC{digits}" if digits else ""


def normalise_doi(value: str) -> str:
    """A DOI in lower case, without ``doi:``/``https://doi.org/``, URL escapes, the view
    suffixes publishers add (``/full``, ``/abstract``, ``.full.pdf``), a bioRxiv version
    (``v2``) or the punctuation of the sentence it was written in."""
    doi = _DOI_PREFIX.sub("", unquote(value).strip()).strip().rstrip(".,;:")
    while True:
        head, _, last = doi.rpartition("/")
        if head.count("/") >= 1 and last.lower() in _DOI_VIEW_SUFFIXES:
            doi = head
            continue
        if head and not last:  # trailing slash
            doi = head
            continue
        break
    doi = _HIGHWIRE_SUFFIX.sub("", doi)
    if doi.lower().startswith("10.1101/"):
        doi = re.sub(r"v\d+$", "", doi)  # bioRxiv/medRxiv version suffix
    if doi.endswith(")") and doi.count("(") < doi.count(")"):
        doi = doi[:-1]
    return doi.lower()


def normalise_pii(value: str) -> str:
    """An Elsevier PII as ScienceDirect writes it in its addresses.

    ``"S0960-9822(17)30784-4"`` and ``"pii:s0960982217307844"`` → ``"S0960982217307844"``;
    ``""`` when the value is not a PII.
    """
    compact = "S" + re.sub(r"[^0-9X]", "", value.upper().removeprefix("PII").lstrip(": "))
    return compact if _PII.match(compact) else ""


def normalise_nct(value: str) -> str:
    """A ClinicalTrials.gov number, ``"nct01234567"`` → ``"NCT01234567"``, or ``""``."""
    found = re.search(r"NCT\d{8}", value.upper())
    return found.group(0) if found else ""


def _host(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1].lower()
    if host.endswith(":80") or host.endswith(":443"):
        host = host.rsplit(":", 1)[0]
    return host[4:] if host.startswith("www.") else host


def normalise_url(url: str) -> str:
    """A form of ``url`` for matching: no scheme, lower-case host without ``www.``, no
    fragment, no trailing slash, no tracking parameters (``utm_*``, ``fbclid``…).

    ``https://www.Example.com/a/?utm_source=x#top`` → ``example.com/a``. The path keeps
    its case: on most servers it matters.
    """
    url = url.strip()
    if "//" not in url:
        url = "//" + url  # "example.com/a" is still a host and a path
    parts = urlsplit(url)
    host = _host(parts.netloc)
    path = parts.path.rstrip("/")
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING_PARAMS
    ]
    out = host + path
    if query:
        out += "?" + urlencode(query)
    return out


_NORMALISERS = {
    "pmid": normalise_pmid,
    "pmcid": normalise_pmcid,
    "doi": normalise_doi,
    "pii": normalise_pii,
    "nct": normalise_nct,
    "url": str.strip,
}


def normalise(name: str, value: str) -> str:
    """``value`` in the normal form of identifier ``name`` (``"pmid"``, ``"doi"``…)."""
    normaliser = _NORMALISERS.get(name)
    return normaliser(value) if normaliser is not None and value else ""


def is_http(url: str) -> bool:
    """An absolute http(s) address with a host."""
    return bool(re.match(r"https?://[^/\s]", url, re.I))


# --- kinds and names -------------------------------------------------------------------


def id_name(kind: CitationKind) -> str:
    """The identifier name a citation kind carries (``PUBMED`` → ``"pmid"``), or ``""``."""
    return _NAME_OF_KIND.get(kind, "")


def kind_of(name: str) -> CitationKind | None:
    """The citation kind of identifier ``name`` (``"pmcid"`` → ``PMC``)."""
    return _KIND_OF_NAME.get(name)


# Written prefixes people and publishers put before an identifier.
_WRITTEN = [
    (re.compile(r"^(?:pmid|pubmed)\s*:?\s*(\d{1,9})$", re.I), "pmid"),
    (re.compile(r"^(?:pmcid|pmc)\s*:?\s*(PMC\s*\d+|\d+)$", re.I), "pmcid"),
    (re.compile(r"^(?:doi\s*:?\s*)?(10\.\d{4,9}/\S+)$", re.I), "doi"),
    (re.compile(r"^(?:pii\s*:?\s*)?(S\d{4}-?\d{3}[\dX]\(?\d{2}\)?\d{5}-?[\dX])$", re.I), "pii"),
    (re.compile(r"^(?:nct|trial)\s*:\s*(NCT\d{8})$|^(NCT\d{8})$", re.I), "nct"),
    (re.compile(r"^(\d{1,9})$"), "pmid"),  # digits alone: PubMed's numbers
]


def parse_identifier(text: str) -> tuple[str, str] | None:
    """``(name, normal form)`` of an identifier as a person types or a page prints it.

    ``"PMC:PMC6493703"`` → ``("pmcid", "PMC6493703")``; ``"doi:10.1/X"`` →
    ``("doi", "10.1/x")``; ``"S0960-9822(17)30784-4"`` → ``("pii", "S0960982217307844")``.
    A web address is not parsed here (see :func:`reader.core.citations.classify_url`,
    which also knows publishers' addresses); ``None`` for anything else.
    """
    text = text.strip()
    for pattern, name in _WRITTEN:
        if m := pattern.match(text):
            value = normalise(name, next(g for g in m.groups() if g))
            return (name, value) if value else None
    return None


# --- web addresses ---------------------------------------------------------------------


def identifier_url(name: str, value: str) -> str:
    """The web address of one identifier (``"pmid"``, ``"30819549"`` → its PubMed page).

    DOIs are percent-encoded where a link would break ("<", ">", "#", spaces), as the
    DOI Handbook asks; ``"url"`` values are returned as they are. ``""`` for an unknown
    name or an empty value.
    """
    if not value:
        return ""
    match name:
        case "pmid":
            return f"https://pubmed.ncbi.nlm.nih.gov/{value}/"
        case "pmcid":
            return f"https://pmc.ncbi.nlm.nih.gov/articles/{value}/"
        case "doi":
            return "https://doi.org/" + quote(value, safe="/:;()._-")
        case "pii":
            return f"https://www.sciencedirect.com/science/article/pii/{value}"
        case "nct":
            return f"https://clinicaltrials.gov/study/{value}"
        case "url":
            return value
    return ""


def citation_ids(c: Citation) -> dict[str, str]:
    """Every identifier known for the cited source, by name, in :data:`ID_NAMES` order.

    From the citation's own kind and identifier, then its ``ids``, then its reference
    entry's fields (the first found for a name wins).
    """
    found: dict[str, str] = {}
    own = id_name(c.kind)
    if own in ID_NAMES and c.identifier:
        found[own] = c.identifier
    for name, value in c.ids.items():
        if name in ID_NAMES and value:
            found.setdefault(name, value)
    ref = c.reference
    if ref is not None:
        for name in ("pmid", "pmcid", "doi"):
            if value := getattr(ref, name):
                found.setdefault(name, value)
    return {name: found[name] for name in ID_NAMES if name in found}


def citation_url(c: Citation) -> str:
    """The web address a reader opens for a citation (``""`` when there is none).

    The link the article itself gives, else its reference entry's link, else the address
    of its own identifier, else of the most specific other identifier it is known by.
    """
    if is_http(c.href):
        return c.href
    if c.reference is not None and is_http(c.reference.url):
        return c.reference.url
    if c.kind is CitationKind.WEB:
        return c.identifier if is_http(c.identifier) else ""
    ids = citation_ids(c)
    own = id_name(c.kind)
    for name in [own, *ids] if own in ids else ids:
        if address := identifier_url(name, ids[name]):
            return address
    return ""
