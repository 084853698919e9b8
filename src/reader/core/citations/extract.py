"""The extractor: every source an article cites, in document order, with its sentence.

One walk over the canonical HTML finds links (classified by
:mod:`~reader.core.citations.classify`), numbered markers tied to the reference list
(:mod:`~reader.core.citations.references`) and URLs left as bare text. The sentence
around each comes from :func:`reader.core.sentences.sentence_around`, on the plain text
of the block that holds it.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import lxml.html

from reader.core.citations.classify import BARE_URL, classify_url, is_media, trim_url
from reader.core.citations.references import (
    BLOCK_TAGS,
    LABEL,
    Entry,
    ReferenceList,
    entry_ids,
    entry_kind,
    numbers,
    plain,
    tag_of,
)
from reader.core.identifiers import id_name
from reader.core.model import Citation, CitationKind, ReferenceEntry
from reader.core.sentences import sentence_around

__all__ = ["extract_citations"]

# "[3]", "[3, 4]", "[3–5]" written in the text
_TEXT_MARKER = re.compile(r"\[(\d{1,4}(?:\s*[,–—-]\s*\d{1,4})*)\]")
_OPEN, _CLOSE = "\ue000", "\ue001"  # marks a citation while its sentence is found
# A block boundary or <br>: a newline in the HTML source is only white space.
_BREAK = "\ue002"


class _Extractor:
    def __init__(self, html: str, text: str | None) -> None:
        self.root = lxml.html.fragment_fromstring(html or "<div></div>", create_parent="div")
        self.scan_bare_urls = text is None or "http" in text
        ids: dict[str, lxml.html.HtmlElement] = {}
        for el in self.root.iter():
            if tag_of(el) and (i := el.get("id")):
                ids.setdefault(i, el)
        self.ids = ids
        self.refs = ReferenceList(self.root, ids)
        self.citations: list[Citation] = []

    def run(self) -> list[Citation]:
        self.refs.find()
        self.walk(self.root, in_link=False)
        for n, c in enumerate(self.citations):
            c.ordinal = n
        return self.citations

    def walk(self, el: lxml.html.HtmlElement, in_link: bool) -> None:
        tag = tag_of(el)
        entry = self.refs.entries.get(el)
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
            if tag_of(child):
                self.walk(child, in_link)
            if child.tail and not in_link:
                self.text_node(child, "tail", child.tail)
        if entry is not None:
            self.entry_end(entry)

    def entry_start(self, entry: Entry) -> None:
        entry.has_citation = False
        entry.start = len(self.citations)

    def entry_end(self, entry: Entry) -> None:
        """An entry with no link of its own is still a source the article lists."""
        if entry.has_citation:
            return
        kind, ident = entry_kind(entry.reference)
        ids = entry_ids(entry.reference)
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

    def add(self, c: Citation, entry: Entry | None = None) -> None:
        if entry is not None:
            entry.has_citation = True
        self.citations.append(c)

    def link(self, a: lxml.html.HtmlElement) -> None:
        href = a.get("href", "")
        text = plain(a.text_content())
        placeholder_text = "".join(
            el.text_content() for el in a.xpath('.//span[@class="image-placeholder"]')
        )
        if not text or not plain(text.replace(plain(placeholder_text), "", 1)):
            return  # an image wrapped in a link (a gallery), or an empty anchor
        entry = self.refs.entry_of(a)
        if href.startswith("#"):
            if entry is not None:
                return  # a back-reference, or a link between notes
            target_entry = None
            target = self.ids.get(unquote(href[1:]))
            if target is not None:
                target_entry = self.refs.entry_of(target)
            if target_entry is None and self.refs.looks_numbered(a):
                m = LABEL.match(text)
                nums = numbers(m.group(1)) if m else []
                target_entry = self.refs.by_label.get(nums[0]) if nums else None
            if target_entry is None:
                return  # a table of contents, a "back to top"
            self.add(self.reference_citation(target_entry, href, text, self.context(a)))
            return
        found = classify_url(href)
        if found is None or is_media(href):
            return
        kind, ident = found
        ref = entry.reference if entry is not None else None
        context = entry.reference.text if entry is not None else self.context(a)
        c = Citation(kind, ident, href=href, text=text, context=context, reference=ref)
        c.ids = self.ids_for(kind, ident, href, ref)
        self.add(c, entry)

    def sup_marker(self, sup: lxml.html.HtmlElement) -> None:
        """``<sup>3</sup>`` or ``<sup>[3, 4]</sup>`` naming entries of the reference list."""
        if not self.refs.by_label or self.refs.entry_of(sup):
            return
        text = plain(sup.text_content())
        m = LABEL.match(text)
        if not m:
            return
        for n in numbers(m.group(1)):
            if n in self.refs.by_label:
                entry = self.refs.by_label[n]
                self.add(self.reference_citation(entry, "", text, self.context(sup)))

    def text_node(self, owner: lxml.html.HtmlElement, attr: str, value: str) -> None:
        """Bracketed numbers naming reference entries, and URLs the sanitizer left bare."""
        events: list[tuple[int, int, str]] = []
        entry = self.refs.entry_of(owner) if attr == "text" else self.entry_of_tail(owner)
        if self.refs.by_label and entry is None:
            for m in _TEXT_MARKER.finditer(value):
                events.append((m.start(), m.end(), "marker"))
        if self.scan_bare_urls and "http" in value.lower():
            for m in BARE_URL.finditer(value):
                url = trim_url(m.group())
                events.append((m.start(), m.start() + len(url), "url"))
        for start, end, what in sorted(events):
            piece = value[start:end]
            if what == "marker":
                context = self.context(owner, (attr, start, end))
                for n in numbers(piece[1:-1]):
                    if n in self.refs.by_label:
                        self.add(self.reference_citation(self.refs.by_label[n], "", piece, context))
                continue
            found = classify_url(piece)
            if found is None or is_media(piece):
                continue
            kind, ident = found
            ref = entry.reference if entry is not None else None
            context = ref.text if ref is not None else self.context(owner, (attr, start, end))
            c = Citation(kind, ident, href=piece, text=piece, context=context, reference=ref)
            c.ids = self.ids_for(kind, ident, piece, ref)
            self.add(c, entry)

    def entry_of_tail(self, el: lxml.html.HtmlElement) -> Entry | None:
        parent = el.getparent()
        return self.refs.entry_of(parent) if parent is not None else None

    def reference_citation(self, entry: Entry, href: str, text: str, context: str) -> Citation:
        kind, ident = entry_kind(entry.reference)
        return Citation(
            kind=kind,
            identifier=ident,
            href=href,
            text=text,
            context=context,
            reference=entry.reference,
            ids=entry_ids(entry.reference),
        )

    def ids_for(
        self, kind: CitationKind, ident: str, href: str, ref: ReferenceEntry | None
    ) -> dict[str, str]:
        ids = entry_ids(ref) if ref is not None else {}
        ids[id_name(kind)] = ident
        ids.setdefault("url", href)
        return dict(sorted(ids.items()))

    # context --------------------------------------------------------------------------

    def context(self, el: lxml.html.HtmlElement, span: tuple[str, int, int] | None = None) -> str:
        """The sentence around ``el`` (or around ``span`` of its text/tail), plain text."""
        anchor = el.getparent() if span and span[0] == "tail" else el
        block = anchor
        while block is not None and tag_of(block) not in BLOCK_TAGS:
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
            tag = tag_of(node)
            inside = inside or (span is None and node is el)
            # a line break inside the link itself must not cut its text off its sentence
            nested = node is not block and tag in BLOCK_TAGS and not inside
            if nested or (tag == "br" and not inside):
                parts.append(_BREAK)
            if span is None and node is el:
                parts.append(_OPEN)
            if node.text:
                emit(node.text, node, "text")
            for child in node:
                if tag_of(child):
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
