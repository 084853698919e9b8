"""Recognise the sources an article cites, from its canonical HTML.

Citations are data: at import every reference an article makes becomes a
:class:`~reader.core.model.Citation` (kind, normalised identifier, the exact ``href`` of
the link, the sentence around it, and the reference-list entry when there is one). The
reader view shows them as popovers; the library matches them against its own articles
through the *keys* built here (``pmid:…``, ``pmc:pmc…``, ``doi:…``, ``url:host/path``),
and the search index stores the same keys in its ``cites:`` field.

Everything here is pure and deterministic: the same HTML always gives the same list, so
re-importing an article keeps its citations stable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import lxml.html

from reader.core.model import Citation, CitationKind, ReferenceEntry
from reader.core.sentences import sentence_around, split_sentences

__all__ = [
    "article_keys",
    "citation_keys",
    "classify_url",
    "extract_citations",
    "format_citation",
    "normalise_url",
    "split_sentences",
]

# --- URLs ------------------------------------------------------------------------------

# Query parameters that only say where a click came from: dropped for URL matching.
_TRACKING_PARAMS = {
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "_gl", "igshid",
    "yclid", "twclid", "ttclid", "srsltid", "_hsenc", "_hsmi", "mkt_tok", "oly_enc_id",
    "oly_anon_id", "vero_id", "wickedid", "ref_src",
}  # fmt: skip

# Links to these are embedded media (an image wrapped in a link, an audio file), not sources.
_MEDIA_EXTENSIONS = (
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".tif", ".tiff", ".avif",
    ".mp3", ".m4a", ".wav", ".ogg", ".oga", ".mp4", ".m4v", ".webm", ".mov", ".avi",
)  # fmt: skip

# Path segments publishers append to a DOI to choose a view of the same article.
_DOI_VIEW_SUFFIXES = {
    "full", "abstract", "abs", "pdf", "epdf", "pdfdirect", "fulltext", "full-text", "html",
    "xml", "summary", "references", "figures", "tables", "meta", "epub", "text", "info",
    "metrics", "citedby", "suppl", "supplementary", "figures-only", "reader", "full.pdf",
}  # fmt: skip
_HIGHWIRE_SUFFIX = re.compile(r"(?:\.full(?:\.pdf(?:\+html)?|\.html)?|\.abstract|\.pdf)$", re.I)

_DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)")
_PMC_ID = re.compile(r"^PMC(\d+)$", re.I)
_NCT = re.compile(r"\b(NCT\d{8})\b", re.I)
# Elsevier PIIs: S0740547202002751, or the printed form S0960-9822(17)30784-4.
_PII_PLAIN = re.compile(r"^(?:PII)?(S[\dX]{16})$", re.I)
_PII_PRINTED = re.compile(r"(?:^|/|PII)(S\d{4}-\d{3}[\dX]\(\d{2}\)\d{5}-[\dX])", re.I)
_BARE_URL = re.compile(r"https?://[^\s<>\"'“”‘’]+", re.I)


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


def _is_http(url: str) -> bool:
    return bool(re.match(r"https?://[^/\s]", url, re.I))


def _clean_doi(doi: str) -> str:
    """Strip the view suffixes publishers add after a DOI, and trailing punctuation."""
    doi = unquote(doi).strip().rstrip(".,;:")
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


def _pii(raw: str) -> str:
    """``S0960-9822(17)30784-4`` → ``S0960982217307844`` (the form ScienceDirect uses)."""
    return "S" + re.sub(r"[^0-9X]", "", raw.upper().removeprefix("PII"))


def classify_url(url: str) -> tuple[CitationKind, str] | None:
    """What an http(s) link points at, with its normalised identifier.

    PubMed → PMID digits; PMC and Europe PMC → ``PMC123``; doi.org and publisher URLs
    that carry a DOI → lower-case DOI; ScienceDirect/Cell/Lancet → PII; ClinicalTrials.gov
    → ``NCT01234567``; any other http(s) URL → WEB with the URL itself. ``None`` for
    anything that is not an absolute http(s) URL (``#anchor``, ``mailto:``, relative).
    """
    url = url.strip()
    if not _is_http(url):
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
            return CitationKind.DOI, _clean_doi(doi)
    if host.endswith("clinicaltrials.gov"):
        m = _NCT.search(path) or _NCT.search(parts.query)
        if m:
            return CitationKind.TRIAL, m.group(1).upper()
    # Elsevier publisher item identifiers (ScienceDirect, Cell Press, The Lancet…)
    if m := _PII_PRINTED.search(path):
        return CitationKind.PII, _pii(m.group(1))
    for i, seg in enumerate(segments):
        if (m := _PII_PLAIN.match(seg)) and (i and segments[i - 1].lower() == "pii"):
            return CitationKind.PII, m.group(1).upper()
        if m and seg.upper().startswith("PII"):
            return CitationKind.PII, m.group(1).upper()
    # A DOI inside a publisher URL: frontiersin.org/articles/10.3389/…/full,
    # journals.sagepub.com/doi/abs/10.1177/…, onlinelibrary.wiley.com/doi/full/10.1002/…
    if m := re.search(r"(?:^|/)(10\.\d{4,9}/.+)$", path):
        return CitationKind.DOI, _clean_doi(m.group(1))
    for value in query.values():  # journals.plos.org/plosone/article?id=10.1371/…
        if re.match(r"10\.\d{4,9}/\S+$", value):
            return CitationKind.DOI, _clean_doi(value)
    if host == "nature.com" and segments[:1] == ["articles"] and len(segments) > 1:
        return CitationKind.DOI, _clean_doi("10.1038/" + segments[1])
    return CitationKind.WEB, url


def _is_media(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(_MEDIA_EXTENSIONS)


def _canonical_url(kind: CitationKind, identifier: str) -> str:
    """The URL a reader would follow for an identifier (for copying a citation)."""
    match kind:
        case CitationKind.PUBMED:
            return f"https://pubmed.ncbi.nlm.nih.gov/{identifier}/"
        case CitationKind.PMC:
            return f"https://pmc.ncbi.nlm.nih.gov/articles/{identifier}/"
        case CitationKind.DOI:
            return f"https://doi.org/{identifier}"
        case CitationKind.PII:
            return f"https://www.sciencedirect.com/science/article/pii/{identifier}"
        case CitationKind.TRIAL:
            return f"https://clinicaltrials.gov/study/{identifier}"
        case CitationKind.WEB:
            return identifier
    return ""


# ids-dict names per kind (the same names ImportedArticle.identifiers uses).
_ID_NAME = {
    CitationKind.PUBMED: "pmid",
    CitationKind.PMC: "pmcid",
    CitationKind.DOI: "doi",
    CitationKind.PII: "pii",
    CitationKind.TRIAL: "nct",
    CitationKind.WEB: "url",
}
_KEY_PREFIX = {"pmid": "pmid", "pmcid": "pmc", "doi": "doi", "pii": "pii", "nct": "trial"}
# When an entry has several identifiers, the citation takes the most specific.
_KIND_PRIORITY = [
    CitationKind.PUBMED,
    CitationKind.PMC,
    CitationKind.DOI,
    CitationKind.PII,
    CitationKind.TRIAL,
]


# --- keys ------------------------------------------------------------------------------


def _keys_from_ids(ids: dict[str, str]) -> list[str]:
    keys: list[str] = []
    for name in ("pmid", "pmcid", "doi", "pii", "nct"):
        value = (ids.get(name) or "").strip()
        if not value:
            continue
        if name == "pmcid" and not value.upper().startswith("PMC"):
            value = "PMC" + value
        if name == "doi":
            value = _clean_doi(re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value))
        keys.append(f"{_KEY_PREFIX[name]}:{value.lower()}")
    url = (ids.get("url") or "").strip()
    if _is_http(url):
        keys.append("url:" + normalise_url(url))
    return keys


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def citation_keys(c: Citation) -> list[str]:
    """Lookup keys for a citation: every identifier it is known by, most specific first.

    ``["pmid:30819549", "url:pubmed.ncbi.nlm.nih.gov/30819549"]``. The same key space as
    :func:`article_keys`, so a citation matches a library article when they share a key.
    A bare numbered reference with no identifier and no URL has no keys.
    """
    ids: dict[str, str] = {}
    name = _ID_NAME.get(c.kind)
    if name and c.identifier:
        ids[name] = c.identifier
    keys = _keys_from_ids(ids)
    keys += _keys_from_ids(c.ids)
    ref = c.reference
    if ref is not None:
        keys += _keys_from_ids(
            {"pmid": ref.pmid, "pmcid": ref.pmcid, "doi": ref.doi, "url": ref.url}
        )
    if _is_http(c.href):
        keys.append("url:" + normalise_url(c.href))
    return _sort_keys(_dedupe(keys))


def _sort_keys(keys: list[str]) -> list[str]:
    order = ["pmid", "pmc", "doi", "pii", "trial", "url"]
    return sorted(keys, key=lambda k: order.index(k.split(":", 1)[0]))


def article_keys(identifiers: dict[str, str], url: str, guid: str = "") -> list[str]:
    """Keys an article is known by, in the key space of :func:`citation_keys`.

    JATS articles carry ``pmid``/``pmcid``/``doi`` in ``identifiers``; web articles are
    known by their URL, and by their WordPress guid when it is a URL
    (``https://site/?p=123``). A URL that itself names a PMC article or DOI adds that key.
    """
    keys = _keys_from_ids(identifiers)
    for candidate in (url, guid):
        if not _is_http(candidate):
            continue
        found = classify_url(candidate)
        if found and found[0] is not CitationKind.WEB:
            keys += _keys_from_ids({_ID_NAME[found[0]]: found[1]})
        keys.append("url:" + normalise_url(candidate))
    return _sort_keys(_dedupe(keys))


# --- the HTML walk ---------------------------------------------------------------------

_BLOCK_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "dl", "dt", "dd",
    "blockquote", "table", "tr", "td", "th", "figure", "figcaption", "pre", "div",
    "section", "hr", "caption", "article", "aside", "header", "footer", "main", "nav",
}  # fmt: skip
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_REFERENCE_HEADINGS = {
    "references", "reference", "sources", "source", "bibliography", "notes", "footnotes",
    "endnotes", "citations", "works cited", "literature cited", "reference list",
    "references and notes", "sources and references", "notes and references",
    "research sources", "cited sources", "scientific references", "studies cited",
}  # fmt: skip
_ENTRY_MARKER = re.compile(r"^\s*(?:\[(\d{1,4})\]|(\d{1,4})[.)])\s*")
# "[3]", "[3, 4]", "[3–5]" written in the text
_TEXT_MARKER = re.compile(r"\[(\d{1,4}(?:\s*[,–—-]\s*\d{1,4})*)\]")
_LABEL = re.compile(r"^\s*\[?\s*(\d{1,4}(?:\s*[,–—-]\s*\d{1,4})*)\s*\]?\s*$")
_OPEN, _CLOSE = "\ue000", "\ue001"  # marks a citation while its sentence is found
# A block boundary or <br>: a newline in the HTML source is only white space.
_BREAK = "\ue002"


def _tag(el: object) -> str:
    tag = getattr(el, "tag", None)
    return tag.lower() if isinstance(tag, str) else ""


def _plain(s: str) -> str:
    return " ".join(s.split())


def _numbers(label: str) -> list[str]:
    """``"3, 5–7"`` → ``["3", "5", "6", "7"]`` (ranges capped, so "1-2000" is not 2000)."""
    out: list[str] = []
    for part in re.split(r"\s*,\s*", label.strip()):
        if m := re.fullmatch(r"(\d+)\s*[–—-]\s*(\d+)", part):
            a, b = int(m.group(1)), int(m.group(2))
            out += [str(n) for n in range(a, b + 1)] if 0 < b - a <= 50 else [str(a), str(b)]
        elif part.isdigit():
            out.append(str(int(part)))
    return out


@dataclass(slots=True)
class _Entry:
    element: lxml.html.HtmlElement
    reference: ReferenceEntry
    has_citation: bool = False
    start: int = 0  # index in the citation list where the entry began


def _heading_level(el: lxml.html.HtmlElement) -> int | None:
    """Level of a heading; 7 for a paragraph that is only bold text (a WordPress habit)."""
    tag = _tag(el)
    if tag in _HEADINGS:
        return _HEADINGS[tag]
    if (
        tag == "p"
        and len(el) == 1
        and _tag(el[0]) in {"strong", "b"}
        and not (el.text or "").strip()
        and not (el[0].tail or "").strip()
        and 0 < len(_plain(el.text_content())) <= 60
    ):
        return 7
    return None


def _heading_key(el: lxml.html.HtmlElement) -> str:
    return _plain(el.text_content()).lower().rstrip(":").strip()


def _is_backref(a: lxml.html.HtmlElement) -> bool:
    """A footnote's link back to where it is cited: ``↩︎``, ``^``, ``↑``."""
    href = a.get("href", "")
    return href.startswith("#") and not re.search(r"\w", a.text_content())


class _Extractor:
    def __init__(self, html: str, text: str | None) -> None:
        self.root = lxml.html.fragment_fromstring(html or "<div></div>", create_parent="div")
        self.scan_bare_urls = text is None or "http" in text
        self.ids: dict[str, lxml.html.HtmlElement] = {}
        for el in self.root.iter():
            if _tag(el) and (i := el.get("id")):
                self.ids.setdefault(i, el)
        self.entries: dict[lxml.html.HtmlElement, _Entry] = {}  # element → entry
        self.by_label: dict[str, _Entry] = {}
        self.citations: list[Citation] = []

    # reference lists ------------------------------------------------------------------

    def find_entries(self) -> None:
        elements = [el for el in self.root.iter() if _tag(el)]
        for i, el in enumerate(elements):
            level = _heading_level(el)
            if level is None or _heading_key(el) not in _REFERENCE_HEADINGS:
                continue
            found: list[lxml.html.HtmlElement] = []
            found_set: set[lxml.html.HtmlElement] = set()
            for nxt in elements[i + 1 :]:
                nlevel = _heading_level(nxt)
                if nlevel is not None and (nlevel <= level or (nlevel == 7 and level == 7)):
                    break
                if found_set & {nxt, *nxt.iterancestors()}:
                    continue  # inside a list already taken
                if _tag(nxt) in {"ol", "ul"}:
                    found += [li for li in nxt if _tag(li) == "li"]
                    found_set.add(nxt)
                elif _tag(nxt) == "p" and _ENTRY_MARKER.match(nxt.text_content()):
                    found.append(nxt)
                    found_set.add(nxt)
            for n, item in enumerate(found, 1):
                self.add_entry(item, str(n))
        # Footnote lists without a heading (markdown-it's <section class="footnotes">,
        # Wikipedia's cite_note-N): list items an in-article numbered link points at.
        for a in self.root.iter("a"):
            href = a.get("href", "")
            if not href.startswith("#") or self.entry_of(a) or not self.looks_numbered(a):
                continue
            target = self.ids.get(unquote(href[1:]))
            if target is None or self.entry_of(target):
                continue
            block = self.entry_block(target)
            if block is None or a in block.iter():
                continue
            parent = block.getparent()
            if _tag(block) == "li" and parent is not None and _tag(parent) in {"ol", "ul"}:
                items = [li for li in parent if _tag(li) == "li"]
                for n, li in enumerate(items, 1):
                    if li not in self.entries:
                        self.add_entry(li, str(n))
            else:
                m = _LABEL.match(a.text_content())
                self.add_entry(block, m.group(1) if m else "")

    @staticmethod
    def entry_block(el: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
        """The list item or paragraph an in-article anchor names, if it is one."""
        for node in [el, *el.iterancestors()]:
            tag = _tag(node)
            if tag in _HEADINGS or tag in {"section", "div", "article", "ol", "ul", "table"}:
                return None
            if tag in {"li", "p", "dd", "dt"}:
                return node
        return None

    def looks_numbered(self, a: lxml.html.HtmlElement) -> bool:
        if _LABEL.match(a.text_content()):
            return True
        return any(_tag(x) == "sup" for x in a.iterancestors()) or any(
            _tag(x) == "sup" for x in a.iter()
        )

    def add_entry(self, el: lxml.html.HtmlElement, number: str) -> None:
        ref = self.parse_entry(el, number)
        entry = _Entry(el, ref)
        self.entries[el] = entry
        if ref.label:
            self.by_label.setdefault(ref.label, entry)

    def entry_of(self, el: lxml.html.HtmlElement) -> _Entry | None:
        for node in [el, *el.iterancestors()]:
            if node in self.entries:
                return self.entries[node]
        return None

    def parse_entry(self, el: lxml.html.HtmlElement, number: str) -> ReferenceEntry:
        parts: list[str] = []
        links: list[str] = []

        def walk(node: lxml.html.HtmlElement) -> None:
            skip = _tag(node) == "a" and _is_backref(node)
            if _tag(node) in _BLOCK_TAGS and node is not el:
                parts.append(" ")
            if _tag(node) == "a" and not skip and _is_http(node.get("href", "")):
                links.append(node.get("href", "").strip())
            if not skip and node.text:
                parts.append(node.text)
            for child in node:
                if _tag(child):
                    walk(child)
                if child.tail:
                    parts.append(child.tail)

        walk(el)
        text = _plain("".join(parts))
        label = number
        if m := _ENTRY_MARKER.match(text):
            label = m.group(1) or m.group(2)
            text = text[m.end() :]
        anchor = el.get("id", "")
        if not anchor:
            anchor = next((d.get("id") for d in el.iter() if _tag(d) and d.get("id")), "")
        links += [u for u in _bare_urls(text) if u not in links]
        ref = ReferenceEntry(label=label, anchor=anchor, text=text)
        for href in links:
            found = classify_url(href)
            if found is None:
                continue
            kind, ident = found
            if kind is CitationKind.PUBMED and not ref.pmid:
                ref.pmid = ident
            elif kind is CitationKind.PMC and not ref.pmcid:
                ref.pmcid = ident
            elif kind is CitationKind.DOI and not ref.doi:
                ref.doi = ident
            if not ref.url:
                ref.url = href
        _parse_reference_text(ref)
        return ref

    # citations ------------------------------------------------------------------------

    def run(self) -> list[Citation]:
        self.find_entries()
        self.walk(self.root, in_link=False)
        for n, c in enumerate(self.citations):
            c.ordinal = n
        return self.citations

    def walk(self, el: lxml.html.HtmlElement, in_link: bool) -> None:
        tag = _tag(el)
        entry = self.entries.get(el)
        if entry is not None:
            self.entry_start(entry)
        if tag == "a":
            self.link(el)
            in_link = True
        elif tag == "sup" and not in_link and not any(True for _ in el.iter("a")):
            self.sup_marker(el)
        if el.text and not in_link and tag != "sup":
            self.text_node(el, "text", el.text)
        for child in el:
            if _tag(child):
                self.walk(child, in_link)
            if child.tail and not in_link:
                self.text_node(child, "tail", child.tail)
        if entry is not None:
            self.entry_end(entry)

    def entry_start(self, entry: _Entry) -> None:
        entry.has_citation = False
        entry.start = len(self.citations)

    def entry_end(self, entry: _Entry) -> None:
        """An entry with no link of its own is still a source the article lists."""
        if entry.has_citation:
            return
        kind, ident = _entry_kind(entry.reference)
        ids = _entry_ids(entry.reference)
        c = Citation(
            kind=kind,
            identifier=ident,
            href="",
            text=entry.reference.label,
            context=entry.reference.text,
            reference=entry.reference,
            ids=ids,
        )
        self.citations.insert(entry.start, c)

    def add(self, c: Citation, entry: _Entry | None = None) -> None:
        if entry is not None:
            entry.has_citation = True
        self.citations.append(c)

    def link(self, a: lxml.html.HtmlElement) -> None:
        href = a.get("href", "")
        text = _plain(a.text_content())
        placeholder_text = "".join(
            el.text_content() for el in a.xpath('.//span[@class="image-placeholder"]')
        )
        if not text or not _plain(text.replace(_plain(placeholder_text), "", 1)):
            return  # an image wrapped in a link (a gallery), or an empty anchor
        entry = self.entry_of(a)
        if href.startswith("#"):
            if entry is not None:
                return  # a back-reference, or a link between notes
            target_entry = None
            target = self.ids.get(unquote(href[1:]))
            if target is not None:
                target_entry = self.entry_of(target)
            if target_entry is None and self.looks_numbered(a):
                m = _LABEL.match(text)
                nums = _numbers(m.group(1)) if m else []
                target_entry = self.by_label.get(nums[0]) if nums else None
            if target_entry is None:
                return  # a table of contents, a "back to top"
            self.add(self.reference_citation(target_entry, href, text, self.context(a)))
            return
        found = classify_url(href)
        if found is None or _is_media(href):
            return
        kind, ident = found
        ref = entry.reference if entry is not None else None
        context = entry.reference.text if entry is not None else self.context(a)
        c = Citation(kind, ident, href=href, text=text, context=context, reference=ref)
        c.ids = self.ids_for(kind, ident, href, ref)
        self.add(c, entry)

    def sup_marker(self, sup: lxml.html.HtmlElement) -> None:
        """``<sup>3</sup>`` or ``<sup>[3, 4]</sup>`` naming entries of the reference list."""
        if not self.by_label or self.entry_of(sup):
            return
        text = _plain(sup.text_content())
        m = _LABEL.match(text)
        if not m:
            return
        for n in _numbers(m.group(1)):
            if n in self.by_label:
                entry = self.by_label[n]
                self.add(self.reference_citation(entry, "", text, self.context(sup)))

    def text_node(self, owner: lxml.html.HtmlElement, attr: str, value: str) -> None:
        """Bracketed numbers naming reference entries, and URLs the sanitizer left bare."""
        events: list[tuple[int, int, str]] = []
        entry = self.entry_of(owner) if attr == "text" else self.entry_of_tail(owner)
        if self.by_label and entry is None:
            for m in _TEXT_MARKER.finditer(value):
                events.append((m.start(), m.end(), "marker"))
        if self.scan_bare_urls and "http" in value.lower():
            for m in _BARE_URL.finditer(value):
                url = _trim_url(m.group())
                events.append((m.start(), m.start() + len(url), "url"))
        for start, end, what in sorted(events):
            piece = value[start:end]
            if what == "marker":
                context = self.context(owner, (attr, start, end))
                for n in _numbers(piece[1:-1]):
                    if n in self.by_label:
                        self.add(self.reference_citation(self.by_label[n], "", piece, context))
                continue
            found = classify_url(piece)
            if found is None or _is_media(piece):
                continue
            kind, ident = found
            ref = entry.reference if entry is not None else None
            context = ref.text if ref is not None else self.context(owner, (attr, start, end))
            c = Citation(kind, ident, href=piece, text=piece, context=context, reference=ref)
            c.ids = self.ids_for(kind, ident, piece, ref)
            self.add(c, entry)

    def entry_of_tail(self, el: lxml.html.HtmlElement) -> _Entry | None:
        parent = el.getparent()
        return self.entry_of(parent) if parent is not None else None

    def reference_citation(self, entry: _Entry, href: str, text: str, context: str) -> Citation:
        kind, ident = _entry_kind(entry.reference)
        return Citation(
            kind=kind,
            identifier=ident,
            href=href,
            text=text,
            context=context,
            reference=entry.reference,
            ids=_entry_ids(entry.reference),
        )

    def ids_for(
        self, kind: CitationKind, ident: str, href: str, ref: ReferenceEntry | None
    ) -> dict[str, str]:
        ids = _entry_ids(ref) if ref is not None else {}
        ids[_ID_NAME[kind]] = ident
        ids.setdefault("url", href)
        return dict(sorted(ids.items()))

    # context --------------------------------------------------------------------------

    def context(self, el: lxml.html.HtmlElement, span: tuple[str, int, int] | None = None) -> str:
        """The sentence around ``el`` (or around ``span`` of its text/tail), plain text."""
        anchor = el.getparent() if span and span[0] == "tail" else el
        block = anchor
        while block is not None and _tag(block) not in _BLOCK_TAGS:
            block = block.getparent()
        if block is None:
            block = self.root
        parts: list[str] = []

        def emit(s: str, owner: lxml.html.HtmlElement, attr: str) -> None:
            if span is not None and owner is el and attr == span[0]:
                a, b = span[1], span[2]
                s = s[:a] + _OPEN + s[a:b] + _CLOSE + s[b:]
            parts.append(s)

        def walk(node: lxml.html.HtmlElement, inside: bool = False) -> None:
            tag = _tag(node)
            inside = inside or (span is None and node is el)
            # a line break inside the link itself must not cut its text off its sentence
            nested = node is not block and tag in _BLOCK_TAGS and not inside
            if nested or (tag == "br" and not inside):
                parts.append(_BREAK)
            if span is None and node is el:
                parts.append(_OPEN)
            if node.text:
                emit(node.text, node, "text")
            for child in node:
                if _tag(child):
                    walk(child, inside)
                if child.tail:
                    emit(child.tail, child, "tail")
            if span is None and node is el:
                parts.append(_CLOSE)
            if nested:
                parts.append(_BREAK)

        walk(block)
        for line in "".join(parts).split(_BREAK):
            if _OPEN not in line:
                continue
            clean, start, end = _collapse_with_marks(line)
            first, last = sentence_around(clean, start, end)
            return clean[first:last]
        return ""


def _collapse_with_marks(line: str) -> tuple[str, int, int]:
    """Collapse white space as the plain text does, and say where the marks were.

    Returns the text without the marks, and the offsets of the marked span in it.
    """
    out: list[str] = []
    start = end = -1
    space = False
    for ch in line:
        if ch == _OPEN:
            start = len(out) + (1 if space and out else 0)
        elif ch == _CLOSE:
            end = len(out)
        elif ch.isspace():
            space = True
        else:
            if space and out:
                out.append(" ")
            space = False
            out.append(ch)
    text = "".join(out)
    start = min(max(start, 0), len(text))
    end = start if end < start else min(end, len(text))
    return text, start, end


def _trim_url(url: str) -> str:
    """Drop punctuation that ends the sentence rather than the URL."""
    while url and url[-1] in ".,;:!?'\"”’":
        url = url[:-1]
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    while url.endswith("]") and url.count("]") > url.count("["):
        url = url[:-1]
    return url


def _bare_urls(text: str) -> list[str]:
    return [_trim_url(m.group()) for m in _BARE_URL.finditer(text)]


def _entry_kind(ref: ReferenceEntry) -> tuple[CitationKind, str]:
    """A numbered reference takes the identifier of its entry, if it has one."""
    for kind in _KIND_PRIORITY:
        value = {
            CitationKind.PUBMED: ref.pmid,
            CitationKind.PMC: ref.pmcid,
            CitationKind.DOI: ref.doi,
        }.get(kind, "")
        if not value and ref.url:
            found = classify_url(ref.url)
            if found and found[0] is kind:
                value = found[1]
        if value:
            return kind, value
    return CitationKind.REFERENCE, ref.anchor or ref.label


def _entry_ids(ref: ReferenceEntry) -> dict[str, str]:
    ids = {"pmid": ref.pmid, "pmcid": ref.pmcid, "doi": ref.doi, "url": ref.url}
    if ref.url and (found := classify_url(ref.url)) and not ids.get(_ID_NAME[found[0]]):
        ids[_ID_NAME[found[0]]] = found[1]  # a PII or NCT number the entry's link names
    return {k: v for k, v in sorted(ids.items()) if v}


# --- reference text --------------------------------------------------------------------

_VANCOUVER_AUTHOR = re.compile(r"^[A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+)* [A-Z]{1,3}$")


def _parse_reference_text(ref: ReferenceEntry) -> None:
    """Best-effort authors, title, journal, year, volume, issue and pages of an entry.

    Handles the two shapes health sites use most: Vancouver ("Smith J, Doe A. Title.
    J Pain. 2019;20(3):100-10.") and APA ("Smith, J., & Doe, A. (2019). Title. Journal,
    20(3), 100–110."). What it cannot tell stays empty; the entry text is always there.
    """
    text = ref.text
    bare = _BARE_URL.sub(" ", text)
    if not ref.doi and (m := _DOI_IN_TEXT.search(bare)):
        ref.doi = _clean_doi(m.group(1))
    if not ref.pmid and (m := re.search(r"\bPMID:?\s*(\d{1,9})\b", bare)):
        ref.pmid = m.group(1)
    if not ref.pmcid and (m := re.search(r"\bPMCID:?\s*(PMC\d+)|\b(PMC\d{4,9})\b", bare)):
        ref.pmcid = (m.group(1) or m.group(2)).upper()
    bare = _DOI_IN_TEXT.sub(" ", bare)
    bare = re.sub(r"\b(?:doi|PMID|PMCID):?\s*\S*", " ", bare, flags=re.I)
    bare = _plain(bare)

    if m := re.search(r"(\d{4})[a-z]?\s*;\s*(\d+)\s*(?:\(([^)]+)\))?\s*(?::\s*([\w\-–]+))?", bare):
        ref.year, ref.volume = m.group(1), m.group(2)
        ref.issue, ref.pages = m.group(3) or "", m.group(4) or ""
    elif m := re.search(r",\s*(\d+)\s*\(([^)]+)\)\s*,\s*([\w]+(?:[-–]\w+)?)", bare):
        ref.volume, ref.issue, ref.pages = m.group(1), m.group(2), m.group(3)
    if not ref.year and (
        m := re.search(r"\((\d{4})[a-z]?\)", bare) or re.search(r"\b(1[89]\d{2}|20\d{2})\b", bare)
    ):
        ref.year = m.group(1)

    if m := re.match(r"(.+?)\s*\((\d{4})[a-z]?(?:,[^)]*)?\)\.?\s+(.+)", bare):
        # APA: authors (year). Title. Journal, …
        ref.authors = [
            _plain(a) for a in re.findall(r"[A-Z][\w'’\-]+,\s(?:[A-Z]\.\s?)+", m.group(1))
        ]
        rest = _split_segments(m.group(3))
        if rest:
            ref.title = rest[0]
        if len(rest) > 1:
            ref.journal = re.split(r",\s*\d", rest[1])[0].strip()
        return
    segments = _split_segments(bare)
    if len(segments) >= 2:
        names = [n.strip() for n in segments[0].split(",")]
        names = [n for n in names if n and n.lower() not in {"et al", "et al."}]
        if names and all(_VANCOUVER_AUTHOR.match(n) for n in names):
            ref.authors = names
            ref.title = segments[1]
            if len(segments) > 2 and not re.match(r"\d{4}", segments[2]):
                ref.journal = segments[2]
            return


def _split_segments(text: str) -> list[str]:
    """Split a reference at ". " (reference parts are not sentences: "Doe AB." ends one)."""
    return [s.strip() for s in re.split(r"(?<=[^\s.])[.?!]\s+", text) if s.strip()]


# --- public entry points ---------------------------------------------------------------


def extract_citations(html: str, text: str | None = None) -> list[Citation]:
    """Every source the article cites, in document order (``ordinal`` 0, 1, …).

    ``html`` is canonical article HTML (from :func:`reader.core.sanitize.canonicalize`);
    ``text`` is the plain text from the same call; when given and free of "http", the
    scan for bare URLs is skipped. Recognised:

    * links to PubMed, PMC, DOIs (also inside publisher URLs), Elsevier PIIs,
      ClinicalTrials.gov and any other http(s) page;
    * numbered references (``[3]``, ``<sup>3</sup>``, ``<a href="#ref3">3</a>``,
      markdown-it footnotes) tied to the article's reference list (a list after a
      "References", "Sources", "Bibliography", "Notes"… heading, or the list a numbered
      in-article link points into). They take the kind and identifier of their entry
      when it has a PubMed/PMC/DOI link or identifier, else they are REFERENCE;
    * the reference list itself: each link in an entry is a citation carrying the entry,
      and an entry without links is one citation with ``href=""``;
    * URLs left as bare text (their ``href`` is then the URL itself).

    Not citations: links within the article that are not references (a table of
    contents, footnote back-references), ``mailto:``, links to image/audio files and
    links with no text (a linked gallery image).
    """
    if not html or not html.strip():
        return []
    return _Extractor(html, text).run()


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
    for m in _BARE_URL.finditer(s):
        url = _trim_url(m.group())
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
    url = c.href if _is_http(c.href) else ""
    if not url and c.reference is not None and _is_http(c.reference.url):
        url = c.reference.url
    if not url:
        url = _canonical_url(c.kind, c.identifier)
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
