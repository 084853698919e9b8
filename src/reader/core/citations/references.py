"""The article's reference list: where it is, its numbered entries, and what each names.

A reference list is the list (or run of numbered paragraphs) after a "References",
"Sources", "Bibliography", "Notes"… heading, or the list an in-article numbered link
points into (markdown-it footnotes, Wikipedia's ``cite_note-N``). Each entry becomes a
:class:`~reader.core.model.ReferenceEntry` with its label, anchor, text and links, and
best-effort authors, title, journal, year, volume, issue and pages read from the text
(Vancouver and APA, the two shapes health sites use most).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

import lxml.html

from reader.core.citations.classify import BARE_URL, bare_urls, classify_url
from reader.core.identifiers import id_name, is_http, normalise_doi
from reader.core.model import CitationKind, ReferenceEntry

__all__ = [
    "BLOCK_TAGS",
    "LABEL",
    "Entry",
    "ReferenceList",
    "entry_ids",
    "entry_kind",
    "numbers",
    "plain",
    "tag_of",
]

BLOCK_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "dl", "dt", "dd",
    "blockquote", "table", "tr", "td", "th", "figure", "figcaption", "pre", "div",
    "section", "hr", "caption", "article", "aside", "header", "footer", "main", "nav",
}  # fmt: skip
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_REFERENCE_HEADINGS = {
    "references", "reference", "sources", "source", "bibliography", "notes", "footnotes",
    "endnotes", "citations", "works cited", "literature cited", "reference list",
    "references and notes", "sources and references", "notes and references",
    "research sources", "cited sources", "scientific references", "studies cited",
}  # fmt: skip
_ENTRY_MARKER = re.compile(r"^\s*(?:\[(\d{1,4})\]|(\d{1,4})[.)])\s*")
# "[3]", "[3, 4]", "[3–5]" as a link's or superscript's whole text
LABEL = re.compile(r"^\s*\[?\s*(\d{1,4}(?:\s*[,–—-]\s*\d{1,4})*)\s*\]?\s*$")
_DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)")
# When an entry has several identifiers, the citation takes the most specific.
_KIND_PRIORITY = [
    CitationKind.PUBMED,
    CitationKind.PMC,
    CitationKind.DOI,
    CitationKind.PII,
    CitationKind.TRIAL,
]


def tag_of(el: object) -> str:
    """The lower-case tag of an element; ``""`` for comments and processing instructions."""
    name = getattr(el, "tag", None)
    return name.lower() if isinstance(name, str) else ""


def plain(s: str) -> str:
    return " ".join(s.split())


def numbers(label: str) -> list[str]:
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
class Entry:
    """One entry of a reference list, while the extractor walks the article."""

    element: lxml.html.HtmlElement
    reference: ReferenceEntry
    has_citation: bool = False
    start: int = 0  # index in the citation list where the entry began


def heading_level(el: lxml.html.HtmlElement) -> int | None:
    """Level of a heading; 7 for a paragraph that is only bold text (a WordPress habit)."""
    tag = tag_of(el)
    if tag in HEADINGS:
        return HEADINGS[tag]
    if (
        tag == "p"
        and len(el) == 1
        and tag_of(el[0]) in {"strong", "b"}
        and not (el.text or "").strip()
        and not (el[0].tail or "").strip()
        and 0 < len(plain(el.text_content())) <= 60
    ):
        return 7
    return None


def heading_key(el: lxml.html.HtmlElement) -> str:
    return plain(el.text_content()).lower().rstrip(":").strip()


def is_backref(a: lxml.html.HtmlElement) -> bool:
    """A footnote's link back to where it is cited: ``↩︎``, ``^``, ``↑``."""
    href = a.get("href", "")
    return href.startswith("#") and not re.search(r"\w", a.text_content())


class ReferenceList:
    """The entries of an article's reference lists, by element and by label."""

    def __init__(self, root: lxml.html.HtmlElement, ids: dict[str, lxml.html.HtmlElement]) -> None:
        self.root = root
        self.ids = ids  # element ids of the article → elements
        self.entries: dict[lxml.html.HtmlElement, Entry] = {}  # element → entry
        self.by_label: dict[str, Entry] = {}

    def find(self) -> None:
        elements = [el for el in self.root.iter() if tag_of(el)]
        for i, el in enumerate(elements):
            level = heading_level(el)
            if level is None or heading_key(el) not in _REFERENCE_HEADINGS:
                continue
            found: list[lxml.html.HtmlElement] = []
            found_set: set[lxml.html.HtmlElement] = set()
            for nxt in elements[i + 1 :]:
                nlevel = heading_level(nxt)
                if nlevel is not None and (nlevel <= level or (nlevel == 7 and level == 7)):
                    break
                if found_set & {nxt, *nxt.iterancestors()}:
                    continue  # inside a list already taken
                if tag_of(nxt) in {"ol", "ul"}:
                    found += [li for li in nxt if tag_of(li) == "li"]
                    found_set.add(nxt)
                elif tag_of(nxt) == "p" and _ENTRY_MARKER.match(nxt.text_content()):
                    found.append(nxt)
                    found_set.add(nxt)
            for n, item in enumerate(found, 1):
                self.add(item, str(n))
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
            if tag_of(block) == "li" and parent is not None and tag_of(parent) in {"ol", "ul"}:
                items = [li for li in parent if tag_of(li) == "li"]
                for n, li in enumerate(items, 1):
                    if li not in self.entries:
                        self.add(li, str(n))
            else:
                m = LABEL.match(a.text_content())
                self.add(block, m.group(1) if m else "")

    @staticmethod
    def entry_block(el: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
        """The list item or paragraph an in-article anchor names, if it is one."""
        for node in [el, *el.iterancestors()]:
            tag = tag_of(node)
            if tag in HEADINGS or tag in {"section", "div", "article", "ol", "ul", "table"}:
                return None
            if tag in {"li", "p", "dd", "dt"}:
                return node
        return None

    def looks_numbered(self, a: lxml.html.HtmlElement) -> bool:
        if LABEL.match(a.text_content()):
            return True
        return any(tag_of(x) == "sup" for x in a.iterancestors()) or any(
            tag_of(x) == "sup" for x in a.iter()
        )

    def add(self, el: lxml.html.HtmlElement, number: str) -> None:
        ref = parse_entry(el, number)
        entry = Entry(el, ref)
        self.entries[el] = entry
        if ref.label:
            self.by_label.setdefault(ref.label, entry)

    def entry_of(self, el: lxml.html.HtmlElement) -> Entry | None:
        for node in [el, *el.iterancestors()]:
            if node in self.entries:
                return self.entries[node]
        return None


def parse_entry(el: lxml.html.HtmlElement, number: str) -> ReferenceEntry:
    parts: list[str] = []
    links: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        skip = tag_of(node) == "a" and is_backref(node)
        if tag_of(node) in BLOCK_TAGS and node is not el:
            parts.append(" ")
        if tag_of(node) == "a" and not skip and is_http(node.get("href", "")):
            links.append(node.get("href", "").strip())
        if not skip and node.text:
            parts.append(node.text)
        for child in node:
            if tag_of(child):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    text = plain("".join(parts))
    label = number
    if m := _ENTRY_MARKER.match(text):
        label = m.group(1) or m.group(2)
        text = text[m.end() :]
    anchor = el.get("id", "")
    if not anchor:
        anchor = next((d.get("id") for d in el.iter() if tag_of(d) and d.get("id")), "")
    links += [u for u in bare_urls(text) if u not in links]
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
    parse_reference_text(ref)
    return ref


def entry_kind(ref: ReferenceEntry) -> tuple[CitationKind, str]:
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


def entry_ids(ref: ReferenceEntry) -> dict[str, str]:
    ids = {"pmid": ref.pmid, "pmcid": ref.pmcid, "doi": ref.doi, "url": ref.url}
    if ref.url and (found := classify_url(ref.url)) and not ids.get(id_name(found[0])):
        ids[id_name(found[0])] = found[1]  # a PII or NCT number the entry's link names
    return {k: v for k, v in sorted(ids.items()) if v}


# --- reference text --------------------------------------------------------------------

_VANCOUVER_AUTHOR = re.compile(r"^[A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+)* [A-Z]{1,3}$")


def parse_reference_text(ref: ReferenceEntry) -> None:
    """Best-effort authors, title, journal, year, volume, issue and pages of an entry.

    Handles the two shapes health sites use most: Vancouver ("Smith J, Doe A. Title.
    J Pain. 2019;20(3):100-10.") and APA ("Smith, J., & Doe, A. (2019). Title. Journal,
    20(3), 100–110."). What it cannot tell stays empty; the entry text is always there.
    """
    text = ref.text
    bare = BARE_URL.sub(" ", text)
    if not ref.doi and (m := _DOI_IN_TEXT.search(bare)):
        ref.doi = normalise_doi(m.group(1))
    if not ref.pmid and (m := re.search(r"\bPMID:?\s*(\d{1,9})\b", bare)):
        ref.pmid = m.group(1)
    if not ref.pmcid and (m := re.search(r"\bPMCID:?\s*(PMC\d+)|\b(PMC\d{4,9})\b", bare)):
        ref.pmcid = (m.group(1) or m.group(2)).upper()
    bare = _DOI_IN_TEXT.sub(" ", bare)
    bare = re.sub(r"\b(?:doi|PMID|PMCID):?\s*\S*", " ", bare, flags=re.I)
    bare = plain(bare)

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
            plain(a) for a in re.findall(r"[A-Z][\w'’\-]+,\s(?:[A-Z]\.\s?)+", m.group(1))
        ]
        rest = split_segments(m.group(3))
        if rest:
            ref.title = rest[0]
        if len(rest) > 1:
            ref.journal = re.split(r",\s*\d", rest[1])[0].strip()
        return
    segments = split_segments(bare)
    if len(segments) >= 2:
        names = [n.strip() for n in segments[0].split(",")]
        names = [n for n in names if n and n.lower() not in {"et al", "et al."}]
        if names and all(_VANCOUVER_AUTHOR.match(n) for n in names):
            ref.authors = names
            ref.title = segments[1]
            if len(segments) > 2 and not re.match(r"\d{4}", segments[2]):
                ref.journal = segments[2]
            return


def split_segments(text: str) -> list[str]:
    """Split a reference at ". " (reference parts are not sentences: "Doe AB." ends one)."""
    return [s.strip() for s in re.split(r"(?<=[^\s.])[.?!]\s+", text) if s.strip()]
