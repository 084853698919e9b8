"""JATS / NLM XML importer: PubMed Central ``.nxml``, PLOS, eLife, Europe PMC.

The article becomes canonical HTML in reading order: abstract(s), body sections
(nested ``sec`` → h2/h3/h4…), figures and tables with their captions, boxes, formulas
as readable text, footnotes, back matter, then a "References" section
(``<h2>References</h2><ol>`` with ``<li id="ref-{rid}">``).

Each in-text ``<xref ref-type="bibr" rid="B3">`` becomes ``<a href="#ref-B3">`` and one
:class:`Citation` (several for ``rid="B1 B2"``), with its :class:`ReferenceEntry`
parsed from ``mixed-citation``, ``element-citation``, ``nlm-citation`` or the old
``citation``. The importer fills ``ImportedArticle.citations`` itself, so the library
does not run the generic HTML extractor on JATS.

``<pmc-articleset>`` files give one article per ``<article>``.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

from lxml import etree

from reader.core import xmlsafe
from reader.core.errors import ImportFailure
from reader.core.identifiers import identifier_url, normalise_doi, normalise_pmcid, normalise_pmid
from reader.core.model import (
    Citation,
    CitationKind,
    ImportedArticle,
    ImportOptions,
    ParseResult,
    ReferenceEntry,
    SourceFormat,
)
from reader.core.sanitize import canonicalize
from reader.core.sentences import sentence_around

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_DOCTYPE = re.compile(
    rb"<!DOCTYPE\s+(?:article|pmc-articleset)\b[^>]*(?:JATS|NLM|journalpublishing|archivearticle)",
    re.I,
)
_ARTICLE_ROOT = re.compile(rb"<article\b[^>]*>", re.I)

CITATION_TAGS = {"mixed-citation", "element-citation", "nlm-citation", "citation"}

# Elements whose content is laid out as blocks (the rest is inline text).
BLOCK_TAGS = {
    "p", "sec", "list", "def-list", "fig", "fig-group", "table-wrap", "table-wrap-group",
    "disp-formula", "disp-formula-group", "disp-quote", "boxed-text", "statement", "speech",
    "verse-group", "preformat", "supplementary-material", "array", "chem-struct-wrap",
    "ack", "app", "app-group", "ref-list", "fn-group", "glossary", "notes", "table",
    "graphic", "media", "title", "caption", "alternatives", "sig-block", "question-wrap",
    "answer", "question", "explanation",
}  # fmt: skip
# Never shown as text: identifiers and descriptions meant for machines or for images.
SKIP_TAGS = {
    "object-id", "alt-text", "long-desc", "permissions", "sec-meta", "processing-meta",
    "kwd-group", "counts", "custom-meta-group", "funding-group", "history",
}  # fmt: skip
INLINE_MAP = {
    "italic": "em", "bold": "strong", "sup": "sup", "sub": "sub", "monospace": "code",
    "underline": "u", "strike": "s", "sc": "span", "roman": "span", "sans-serif": "span",
    "overline": "span", "code": "code", "abbrev": "abbr",
}  # fmt: skip
_FIGURE_EXTRAS = ("table-wrap", "disp-formula", "list", "supplementary-material", "media")


def sniff(head: bytes, name: str) -> bool:
    """A JATS/NLM DOCTYPE, a ``<pmc-articleset>``, or an ``<article>`` with JATS markers."""
    if b"<pmc-articleset" in head or _DOCTYPE.search(head):
        return True
    m = _ARTICLE_ROOT.search(head)
    if m is None or b"<html" in head.lower():
        return False
    start = m.group(0)
    return (
        b"jats.nlm.nih.gov" in start
        or b"dtd-version=" in start
        or b"<front>" in head
        or b"<article-meta" in head
        or b"<journal-meta" in head
    )


# --- small helpers ---------------------------------------------------------------------


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _norm(text: str) -> str:
    return " ".join(text.split())


def _plain(el: etree._Element | None, *, skip: frozenset[str] = frozenset()) -> str:
    """Text of ``el``, whitespace collapsed, leaving out ``skip`` elements (not their tails)."""
    if el is None:
        return ""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if _local(node) in skip:
            return
        if _local(node) == "math":
            parts.append(_math_text(node))
            return
        parts.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            parts.append(child.tail or "")

    walk(el)
    return _norm("".join(parts))


def _child(el: etree._Element | None, *names: str) -> etree._Element | None:
    if el is None:
        return None
    for child in el:
        if _local(child) in names:
            return child
    return None


def _children(el: etree._Element | None, *names: str) -> list[etree._Element]:
    if el is None:
        return []
    return [c for c in el if _local(c) in names]


def _strip_namespaces(root: etree._Element) -> None:
    """JATS in a namespace (1.2+ variants) → plain names; MathML keeps its namespace."""
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            qname = etree.QName(el)
            if qname.namespace != MATHML_NS:
                el.tag = qname.localname


# --- math ------------------------------------------------------------------------------


def _math_text(el: etree._Element) -> str:
    """MathML as a readable line: x^2, a/b, √(x); other elements by their text."""
    name = _local(el)
    kids = [c for c in el if isinstance(c.tag, str)]

    def group(node: etree._Element) -> str:
        text = _math_text(node)
        return text if len(text) <= 1 or text.isalnum() else f"({text})"

    if name in ("annotation", "annotation-xml"):
        return ""
    if name == "semantics" and kids:
        return _math_text(kids[0])
    if name == "mfrac" and len(kids) == 2:
        return f"{group(kids[0])}/{group(kids[1])}"
    if name == "msup" and len(kids) == 2:
        return f"{_math_text(kids[0])}^{group(kids[1])}"
    if name == "msub" and len(kids) == 2:
        return f"{_math_text(kids[0])}_{group(kids[1])}"
    if name == "msubsup" and len(kids) == 3:
        return f"{_math_text(kids[0])}_{group(kids[1])}^{group(kids[2])}"
    if name in ("msqrt",):
        return "√(" + "".join(_math_text(k) for k in kids) + ")"
    if name == "mroot" and len(kids) == 2:
        return f"root{group(kids[1])}({_math_text(kids[0])})"
    if name == "mo":
        op = (el.text or "").strip()
        return f" {op} " if op in {"=", "+", "−", "-", "×", "<", ">", "≤", "≥", "±", "≈"} else op
    if name in ("mi", "mn", "mtext", "ms"):
        return (el.text or "").strip() if name != "mtext" else (el.text or "")
    if name == "mspace":
        return " "
    return "".join(_math_text(k) for k in kids) or (el.text or "").strip()


def _tex_text(el: etree._Element) -> str:
    """TeX source without the document preamble PMC wraps around it."""
    tex = "".join(el.itertext())
    body = re.search(r"\\begin\{document\}(.*?)\\end\{document\}", tex, re.S)
    if body:
        tex = body.group(1)
    tex = tex.strip()
    for open_, close in (("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)")):
        if tex.startswith(open_) and tex.endswith(close) and len(tex) > len(open_) + len(close):
            tex = tex[len(open_) : -len(close)]
            break
    return _norm(tex)


def _formula_text(el: etree._Element) -> str:
    """A formula element's best readable form: MathML text, else TeX, else its text."""
    math = next((d for d in el.iter() if _local(d) == "math"), None)
    if math is not None:
        text = _norm(_math_text(math))
        if text:
            return text
    tex = next((d for d in el.iter() if _local(d) == "tex-math"), None)
    if tex is not None:
        return _tex_text(tex)
    return _plain(el, skip=frozenset({"label", "graphic", "inline-graphic"}))


# --- references ------------------------------------------------------------------------


def _name_text(name: etree._Element) -> str:
    """'Given Surname' (with suffix) from <name>, or the text of <string-name>/<collab>."""
    if _local(name) == "name":
        given = _plain(_child(name, "given-names"))
        surname = _plain(_child(name, "surname"))
        suffix = _plain(_child(name, "suffix"))
        prefix = _plain(_child(name, "prefix"))
        return " ".join(p for p in (prefix, given, surname, suffix) if p)
    if _local(name) == "string-name" and _child(name, "surname") is not None:
        given = _plain(_child(name, "given-names"))
        return " ".join(p for p in (given, _plain(_child(name, "surname"))) if p)
    return _plain(name)


def _ref_authors(cit: etree._Element) -> list[str]:
    groups = _children(cit, "person-group")
    authors_groups = [g for g in groups if g.get("person-group-type", "author") == "author"]
    names: list[str] = []
    for g in authors_groups or ([] if groups else [cit]):
        for n in g:
            if _local(n) in ("name", "string-name", "collab"):
                text = _name_text(n)
                if text:
                    names.append(text)
    if not names:
        for n in cit:
            if _local(n) in ("name", "string-name", "collab"):
                names.append(_name_text(n))
    return [n for n in names if n]


def _has_mixed_text(cit: etree._Element) -> bool:
    """True when the citation carries its own punctuation (true mixed content)."""
    if (cit.text or "").strip():
        return True
    return any((c.tail or "").strip() for c in cit)


@dataclass(slots=True)
class _Ref:
    rid: str
    entry: ReferenceEntry
    html: str


def _ref_entry(ref: etree._Element, position: int) -> tuple[ReferenceEntry, etree._Element | None]:
    """The entry of one <ref>, and the citation element to show for it.

    Springer-style refs hold a structured citation and a ``display-unstructured`` one:
    fields come from the structured one, identifiers from both, and the text shown is
    the publisher's own (the unstructured one).
    """
    cits = [c for c in ref.iter() if _local(c) in CITATION_TAGS]
    structured = [c for c in cits if c.get("citation-type") != "display-unstructured"]
    cit = structured[0] if structured else (cits[0] if cits else None)
    shown = next((c for c in cits if _has_mixed_text(c)), cit)
    label = _plain(_child(ref, "label")) or (
        _plain(_child(cit, "label")) if cit is not None else ""
    )
    entry = ReferenceEntry(label=label or str(position), anchor=f"ref-{ref.get('id', '')}")
    if cit is None:
        entry.text = _plain(ref, skip=frozenset({"label"}))
        return entry, None
    entry.authors = _ref_authors(cit)
    article_title = _plain(_child(cit, "article-title"))
    chapter = _plain(_child(cit, "chapter-title"))
    data_title = _plain(_child(cit, "data-title"))
    source = _plain(_child(cit, "source"))
    own_title = article_title or chapter or data_title
    entry.title = own_title or source
    entry.journal = source if own_title else ""
    year = _plain(_child(cit, "year")) or _plain(_child(cit, "date"))
    found_year = re.search(r"\d{4}", year)
    entry.year = found_year.group(0) if found_year else year
    entry.volume = _plain(_child(cit, "volume"))
    entry.issue = _plain(_child(cit, "issue"))
    fpage, lpage = _plain(_child(cit, "fpage")), _plain(_child(cit, "lpage"))
    entry.pages = (
        f"{fpage}–{lpage}"
        if fpage and lpage and lpage != fpage
        else fpage or _plain(_child(cit, "page-range")) or _plain(_child(cit, "elocation-id"))
    )
    for pub_id in ref.iter():
        kind = _local(pub_id)
        if kind not in ("pub-id", "object-id"):
            continue
        id_type = (pub_id.get("pub-id-type") or "").lower()
        value = _plain(pub_id)
        if id_type == "pmid" and not entry.pmid:
            entry.pmid = normalise_pmid(value)
        elif id_type in ("pmcid", "pmc") and not entry.pmcid:
            entry.pmcid = normalise_pmcid(value)
        elif id_type == "doi" and not entry.doi:
            entry.doi = normalise_doi(value)
    for link in ref.iter():
        if _local(link) not in ("ext-link", "uri"):
            continue
        href = (link.get(XLINK_HREF) or _plain(link)).strip()
        link_type = (link.get("ext-link-type") or "").lower()
        if link_type == "doi" or re.match(r"https?://(dx\.)?doi\.org/", href):
            entry.doi = entry.doi or normalise_doi(href)
        elif link_type == "pmid":
            entry.pmid = entry.pmid or normalise_pmid(href)
        elif not entry.url and href:
            entry.url = href if re.match(r"https?://|ftp://", href) else entry.url
    if not entry.doi:
        text_doi = re.search(r"\bdoi:\s*(10\.\d{4,9}/\S+[^\s.,;])", _plain(shown), re.I)
        if text_doi:
            entry.doi = normalise_doi(text_doi.group(1))
    entry.text = _plain(shown, skip=frozenset({"label"}))
    return entry, shown


def _ids(entry: ReferenceEntry) -> dict[str, str]:
    ids = {"pmid": entry.pmid, "pmcid": entry.pmcid, "doi": entry.doi, "url": entry.url}
    return {k: v for k, v in ids.items() if v}


def _kind_and_id(entry: ReferenceEntry | None, anchor: str) -> tuple[CitationKind, str]:
    if entry is not None:
        if entry.pmid:
            return CitationKind.PUBMED, entry.pmid
        if entry.pmcid:
            return CitationKind.PMC, entry.pmcid
        if entry.doi:
            return CitationKind.DOI, entry.doi
    return CitationKind.REFERENCE, anchor


# --- sentence context -------------------------------------------------------------------

_CONTEXT_BLOCKS = {
    "p", "td", "th", "list-item", "title", "caption", "def", "term", "fn", "disp-quote",
    "license-p", "attrib", "statement",
}  # fmt: skip


class _Contexts:
    """The sentence around each in-text citation, from the plain text of its block.

    Positions are keyed by the ``xref`` elements themselves, and the dictionaries keep
    those elements alive. lxml makes a fresh Python proxy for a node whenever none is
    alive, so ``id()`` of an element names nothing stable: keyed by ``id()``, most
    lookups missed and a citation quoted the first sentence of its paragraph.
    """

    def __init__(self) -> None:
        self._layouts: dict[etree._Element, str] = {}
        self._spans: dict[etree._Element, tuple[int, int]] = {}

    def _block_of(self, xref: etree._Element) -> etree._Element | None:
        node = xref.getparent()
        while node is not None and _local(node) not in _CONTEXT_BLOCKS:
            node = node.getparent()
        return node

    def _layout(self, block: etree._Element) -> str:
        """The block's text, recording where each xref's text starts and ends in it."""
        if block in self._layouts:
            return self._layouts[block]
        parts: list[str] = []
        length = 0

        def add(text: str) -> None:
            nonlocal length
            if text:
                parts.append(text)
                length += len(text)

        def walk(node: etree._Element) -> None:
            name = _local(node)
            if name == "math":
                add(_math_text(node))
                return
            if name in SKIP_TAGS:
                return
            start = length
            add(node.text or "")
            for child in node:
                if isinstance(child.tag, str):
                    if _local(child) in BLOCK_TAGS and _local(child) not in ("title",):
                        add(" ")
                    walk(child)
                add(child.tail or "")
            if name == "xref":
                self._spans[node] = (start, length)

        walk(block)
        text = "".join(parts)
        self._layouts[block] = text
        return text

    def sentence(self, xref: etree._Element) -> str:
        block = self._block_of(xref)
        if block is None:
            return ""
        text = self._layout(block)
        at, end = self._spans.get(xref, (0, 0))
        start, stop = sentence_around(text, at, end)
        sentence = _norm(text[start:stop])
        if len(sentence) > 600:
            rel = max(0, at - start - 300)
            sentence = "…" + _norm(text[start + rel : start + rel + 600]) + "…"
        return sentence


# --- rendering -------------------------------------------------------------------------


_NEWLINE_SPACE = re.compile(r"\s*\n\s*")


def _esc(text: str | None) -> str:
    """Escape text for HTML; line breaks of the XML source are only spaces."""
    if not text:
        return ""
    return html.escape(_NEWLINE_SPACE.sub(" ", text), quote=False)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


@dataclass
class _Renderer:
    refs: dict[str, _Ref]
    citations: list[Citation] = field(default_factory=list)
    contexts: _Contexts = field(default_factory=_Contexts)
    footnotes: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    rendered_fns: set[str] = field(default_factory=set)

    # ids -------------------------------------------------------------------------------

    def _id_attr(self, el: etree._Element) -> str:
        ident = el.get("id", "")
        if not ident or ident in self.ids or not re.fullmatch(r"[A-Za-z][\w.:-]*", ident):
            return ""
        self.ids.add(ident)
        return f' id="{_attr(ident)}"'

    # inline ----------------------------------------------------------------------------

    def inline(self, el: etree._Element) -> str:
        """The content of ``el`` as inline HTML (block children flattened into it)."""
        out = [_esc(el.text)]
        for child in el:
            if isinstance(child.tag, str):
                out.append(self.inline_element(child))
            out.append(_esc(child.tail))
        return "".join(out)

    def inline_element(self, el: etree._Element) -> str:
        name = _local(el)
        if name in SKIP_TAGS or (name in ("label",) and _local(el.getparent()) in ("fn",)):
            return ""
        if name in INLINE_MAP:
            tag = INLINE_MAP[name]
            return f"<{tag}>{self.inline(el)}</{tag}>"
        if name == "break":
            return "<br>"
        if name == "xref":
            return self.xref(el)
        if name in ("ext-link", "uri", "self-uri"):
            return self.link(el)
        if name == "email":
            addr = _plain(el)
            return f'<a href="mailto:{_attr(addr)}">{_esc(addr)}</a>'
        if name == "pub-id":
            return self.pub_id(el)
        if name in ("inline-formula", "disp-formula"):
            return f"<span>{_esc(_formula_text(el))}</span>"
        if name == "math":
            return f"<span>{_esc(_norm(_math_text(el)))}</span>"
        if name == "tex-math":
            return f"<span>{_esc(_tex_text(el))}</span>"
        if name in ("inline-graphic", "graphic", "media"):
            return ""
        if name == "fn":
            return self.inline_fn(el)
        if name == "p":
            return " " + self.inline(el) + " "
        if name == "table-wrap" or name == "fig" or name == "list":
            # Rare: a float inside inline content (e.g. a table cell). Flatten its text.
            return " " + _esc(_plain(el)) + " "
        return self.inline(el)

    def link(self, el: etree._Element) -> str:
        href = (el.get(XLINK_HREF) or _plain(el)).strip()
        link_type = (el.get("ext-link-type") or "").lower()
        if link_type == "doi" and not href.startswith("http"):
            href = identifier_url("doi", normalise_doi(href))
        elif link_type == "pmid" and href.isdigit():
            href = identifier_url("pmid", href)
        elif href.startswith("www."):
            href = "https://" + href
        text = self.inline(el) or _esc(href)
        if not re.match(r"(?:https?|mailto|ftp):", href):
            return text
        return f'<a href="{_attr(href)}">{text}</a>'

    def pub_id(self, el: etree._Element) -> str:
        value = _plain(el)
        id_type = (el.get("pub-id-type") or "").lower()
        if id_type == "doi":
            doi = normalise_doi(value)
            return f'<a href="{_attr(identifier_url("doi", doi))}">doi:{_esc(value)}</a>'
        if id_type == "pmid":
            pmid = normalise_pmid(value)
            return f'<a href="{identifier_url("pmid", pmid)}">PMID: {_esc(value)}</a>'
        if id_type in ("pmcid", "pmc"):
            pmcid = normalise_pmcid(value)
            return f'<a href="{identifier_url("pmcid", pmcid)}">{pmcid}</a>'
        return _esc(value)

    def inline_fn(self, el: etree._Element) -> str:
        label = _plain(_child(el, "label")) or str(len(self.footnotes) + 1)
        fn_id = el.get("id") or f"fn-auto-{len(self.footnotes) + 1}"
        body = " ".join(self.inline(p) for p in el if _local(p) == "p") or self.inline(el)
        self.footnotes.append(f'<li id="{_attr(fn_id)}"><sup>{_esc(label)}</sup> {body}</li>')
        return f'<sup><a href="#{_attr(fn_id)}">{_esc(label)}</a></sup>'

    def xref(self, el: etree._Element) -> str:
        ref_type = el.get("ref-type", "")
        rids = (el.get("rid") or "").split()
        text = self.inline(el)
        if ref_type != "bibr":
            if not rids:
                return text
            return f'<a href="#{_attr(rids[0])}">{text}</a>' if text.strip() else ""
        if not rids:
            return text
        shown = _plain(el)
        context = self.contexts.sentence(el)
        parts = [p.strip() for p in re.split(r"[,;]", shown)] if len(rids) > 1 else [shown]
        if len(rids) > 1 and len(parts) != len(rids):
            parts = [
                self.refs[r].entry.label if r in self.refs else r for r in rids
            ]  # "1–3" for three ids: show each reference's own label
        links = []
        for rid, part in zip(rids, parts, strict=True):
            anchor = f"ref-{rid}"
            ref = self.refs.get(rid)
            entry = ref.entry if ref else None
            kind, ident = _kind_and_id(entry, anchor)
            self.citations.append(
                Citation(
                    kind=kind,
                    identifier=ident,
                    href=f"#{anchor}",
                    text=part,
                    context=context,
                    reference=entry,
                    ordinal=len(self.citations),
                    ids=_ids(entry) if entry else {},
                )
            )
            inner = text if len(rids) == 1 else _esc(part)
            links.append(f'<a href="#{_attr(anchor)}">{inner}</a>')
        return ", ".join(links)

    # blocks ----------------------------------------------------------------------------

    def flow(self, el: etree._Element, depth: int, *, wrap: bool = True) -> str:
        """Children of ``el``: block children as blocks, runs of inline content as <p>."""
        out: list[str] = []
        run: list[str] = [_esc(el.text)]

        def flush() -> None:
            text = "".join(run)
            if text.strip():
                out.append(f"<p>{text.strip()}</p>" if wrap else text.strip())
            run.clear()

        for child in el:
            if not isinstance(child.tag, str):
                run.append(_esc(child.tail))
                continue
            name = _local(child)
            if name in BLOCK_TAGS and name not in ("title", "caption", "label"):
                flush()
                out.append(self.block(child, depth))
            elif name in ("title", "label", "caption"):
                pass  # the parent renders these itself
            else:
                run.append(self.inline_element(child))
            run.append(_esc(child.tail))
        flush()
        return "".join(out)

    def heading(self, el: etree._Element, depth: int, default: str = "") -> str:
        title = _child(el, "title")
        label = _plain(_child(el, "label"))
        text = self.inline(title) if title is not None else _esc(default)
        if label and text.strip():
            text = f"{_esc(label)} {text}"
        elif label:
            text = _esc(label)
        if not text.strip():
            return ""
        level = min(depth + 2, 6)
        return f"<h{level}>{text.strip()}</h{level}>"

    def section(self, el: etree._Element, depth: int, default: str = "") -> str:
        head = self.heading(el, depth, default)
        body = self.flow(el, depth + 1)
        if not head and not body:
            return ""
        return f"<section{self._id_attr(el)}>{head}{body}</section>"

    def block(self, el: etree._Element, depth: int) -> str:
        name = _local(el)
        if name in SKIP_TAGS:
            return ""
        if name == "p":
            return self.flow(el, depth)
        if name in ("sec", "app", "notes", "question-wrap"):
            return self.section(el, depth)
        if name == "ack":
            return self.section(el, depth, "Acknowledgments")
        if name == "app-group":
            return self.section(el, depth, "Appendix" if _child(el, "title") is None else "")
        if name == "glossary":
            return self.section(el, depth, "Abbreviations")
        if name == "fn-group":
            return self.fn_group(el, depth)
        if name == "ref-list":
            return ""  # gathered into one References section at the end
        if name == "list":
            return self.list(el, depth)
        if name == "def-list":
            return self.def_list(el, depth)
        if name in ("fig",):
            return self.figure(el)
        if name in ("fig-group", "table-wrap-group", "disp-formula-group", "alternatives"):
            return self.group(el, depth)
        if name == "table-wrap":
            return self.table_wrap(el, depth)
        if name in ("table", "array"):
            return self.table(el)
        if name == "disp-formula":
            label = _plain(_child(el, "label"))
            text = _esc(_formula_text(el)) + (f" {_esc(label)}" if label else "")
            return f"<p{self._id_attr(el)}>{text}</p>"
        if name in ("disp-quote", "statement", "speech", "verse-group"):
            head = self.caption_line(el)
            return f"<blockquote{self._id_attr(el)}>{head}{self.flow(el, depth + 1)}</blockquote>"
        if name == "boxed-text":
            head = self.caption_line(el)
            return f"<blockquote{self._id_attr(el)}>{head}{self.flow(el, depth + 1)}</blockquote>"
        if name in ("preformat", "code"):
            return f"<pre>{html.escape(''.join(el.itertext()), quote=False)}</pre>"
        if name == "supplementary-material":
            head = self.caption_line(el)
            rest = self.flow(el, depth + 1)
            return f"<div{self._id_attr(el)}>{head}{rest}</div>" if head or rest else ""
        if name == "media":
            head = self.caption_line(el)
            return f"<div{self._id_attr(el)}>{head}</div>" if head else ""
        if name in ("graphic", "chem-struct-wrap"):
            alt = _plain(_child(el, "alt-text")) or _plain(_child(el, "caption")) or "image"
            return f'<p{self._id_attr(el)}><img alt="{_attr(alt)}"></p>'
        if name == "title":
            return f"<p><strong>{self.inline(el)}</strong></p>"
        if name == "caption":
            return self.flow(el, depth)
        return self.flow(el, depth)

    def caption_line(self, el: etree._Element) -> str:
        """Label and caption of a box/quote/supplement as a bold lead-in paragraph."""
        label = _plain(_child(el, "label"))
        caption = _child(el, "caption")
        title = _child(caption, "title") if caption is not None else _child(el, "title")
        parts = [f"<strong>{_esc(label)}</strong>"] if label else []
        if title is not None:
            parts.append(f"<strong>{self.inline(title)}</strong>")
        head = f"<p>{' '.join(parts)}</p>" if parts else ""
        if caption is not None:
            head += self.flow(caption, 0)
        return head

    def group(self, el: etree._Element, depth: int) -> str:
        if _local(el) == "alternatives":
            preferred = _child(el, "table")
            if preferred is None:
                preferred = _child(el, "graphic")
            return self.block(preferred, depth) if preferred is not None else ""
        return self.caption_line(el) + self.flow(el, depth)

    def list(self, el: etree._Element, depth: int) -> str:
        list_type = el.get("list-type", "")
        tag = "ol" if list_type in ("order", "alpha-lower", "alpha-upper", "roman-lower",
                                    "roman-upper") else "ul"  # fmt: skip
        title = _child(el, "title")
        head = f"<p><strong>{self.inline(title)}</strong></p>" if title is not None else ""
        items = []
        for item in el:
            if _local(item) != "list-item":
                continue
            paras = [c for c in item if isinstance(c.tag, str)]
            label = _plain(_child(item, "label"))
            if (
                len(paras) == 1
                and _local(paras[0]) == "p"
                and not any(_local(c) in BLOCK_TAGS for c in paras[0])
            ):
                body = self.inline(paras[0]).strip()
            else:
                body = self.flow(item, depth + 1)
            # A list that numbers itself shows no label; "simple" and custom lists do.
            if label and (list_type == "simple" or (tag == "ul" and list_type != "bullet")):
                body = f"{_esc(label)} {body}"
            items.append(f"<li>{body}</li>")
        return f"{head}<{tag}{self._id_attr(el)}>{''.join(items)}</{tag}>"

    def def_list(self, el: etree._Element, depth: int) -> str:
        title = _child(el, "title")
        head = f"<p><strong>{self.inline(title)}</strong></p>" if title is not None else ""
        rows = []
        for item in el:
            if _local(item) != "def-item":
                continue
            for part in item:
                if _local(part) == "term":
                    rows.append(f"<dt>{self.inline(part).strip()}</dt>")
                elif _local(part) == "def":
                    rows.append(f"<dd>{self.flow(part, depth + 1, wrap=False)}</dd>")
        return f"{head}<dl{self._id_attr(el)}>{''.join(rows)}</dl>"

    def caption_text(self, el: etree._Element) -> str:
        label = _plain(_child(el, "label"))
        caption = _child(el, "caption")
        parts = [f"<strong>{_esc(label)}</strong>"] if label else []
        if caption is not None:
            title = _child(caption, "title")
            if title is not None:
                parts.append(f"<strong>{self.inline(title).strip()}</strong>")
            for p in caption:
                if _local(p) == "p":
                    parts.append(self.inline(p).strip())
        return " ".join(p for p in parts if p)

    def figure(self, el: etree._Element) -> str:
        # The caption follows as text: the placeholder only needs to say which figure.
        alt = _plain(_child(el, "label")).rstrip(".:") or _plain(_child(el, "alt-text"))
        figcaption = self.caption_text(el)
        extra = "".join(self.block(c, 3) for c in el if _local(c) in _FIGURE_EXTRAS)
        cap = f"<figcaption>{figcaption}</figcaption>" if figcaption else ""
        img = f'<img alt="{_attr(alt or "figure")}">'
        return f"<figure{self._id_attr(el)}>{img}{extra}{cap}</figure>"

    def table_wrap(self, el: etree._Element, depth: int) -> str:
        ident = self._id_attr(el)
        label = _plain(_child(el, "label"))
        caption = _child(el, "caption")
        cap_parts = [f"<strong>{_esc(label)}</strong>"] if label else []
        title = _child(caption, "title") if caption is not None else None
        if title is not None:
            cap_parts.append(self.inline(title).strip())
        notes = "".join(f"<p>{self.inline(p).strip()}</p>" for p in _children(caption, "p"))
        tables = [c for c in el.iter() if _local(c) == "table"]
        cap_html = f"<caption>{' '.join(cap_parts)}</caption>" if cap_parts else ""
        if tables:
            body = "".join(self.table(t, cap_html if i == 0 else "") for i, t in enumerate(tables))
        else:
            alt = ": ".join(p for p in (label, _plain(title)) if p) or "table"
            body = f"<p>{' '.join(cap_parts)}</p>" if cap_parts else ""
            body += f'<p><img alt="{_attr(alt)}"></p>'
        foot = ""
        for part in el:
            if _local(part) == "table-wrap-foot":
                for item in part.iter():
                    if _local(item) == "fn":
                        fn_label = _plain(_child(item, "label"))
                        text = " ".join(self.inline(p).strip() for p in _children(item, "p"))
                        lead = f"<sup>{_esc(fn_label)}</sup> " if fn_label else ""
                        foot += f"<p{self._id_attr(item)}><small>{lead}{text}</small></p>"
                    elif _local(item) == "p" and _local(item.getparent()) == "table-wrap-foot":
                        foot += f"<p><small>{self.inline(item).strip()}</small></p>"
        return f"<div{ident}>{body}{notes}{foot}</div>"

    def table(self, table: etree._Element, caption: str = "") -> str:
        out = [f"<table>{caption}"]
        for part in table:
            name = _local(part)
            if name in ("thead", "tbody", "tfoot"):
                out.append(f"<{name}>")
                out.extend(self.row(r) for r in part if _local(r) == "tr")
                out.append(f"</{name}>")
            elif name == "tr":
                out.append(self.row(part))
        out.append("</table>")
        return "".join(out)

    def row(self, tr: etree._Element) -> str:
        cells = []
        for cell in tr:
            name = _local(cell)
            if name in ("td", "th"):
                cells.append(f"<{name}>{self.flow(cell, 4, wrap=False)}</{name}>")
        return f"<tr>{''.join(cells)}</tr>"

    def fn_group(self, el: etree._Element, depth: int) -> str:
        head = self.heading(el, depth, "Notes")
        items = []
        for fn in el:
            if _local(fn) != "fn":
                continue
            label = _plain(_child(fn, "label"))
            lead = f"<sup>{_esc(label)}</sup> " if label else ""
            body = " ".join(self.inline(p).strip() for p in _children(fn, "p")) or self.inline(fn)
            items.append(f"<li{self._id_attr(fn)}>{lead}{body}</li>")
        return f"<section{self._id_attr(el)}>{head}<ul>{''.join(items)}</ul></section>"

    # references ------------------------------------------------------------------------

    def reference_html(
        self, ref: etree._Element, entry: ReferenceEntry, cit: etree._Element | None
    ) -> str:
        """One ``<li id="ref-…">``: mixed citations as written, structured ones formatted."""
        if cit is not None and _has_mixed_text(cit):
            body = self.inline(cit).strip()
            known = body
        elif cit is not None:
            pieces = []
            if entry.authors:
                shown = entry.authors[:6]
                etal = ", et al." if len(entry.authors) > 6 or _child_deep(cit, "etal") else ""
                names = _esc(", ".join(shown)) + etal
                pieces.append(names if names.endswith(".") else names + ".")
            if entry.title:
                title = _esc(entry.title)
                pieces.append(title if title.endswith((".", "?", "!")) else title + ".")
            where = _esc(entry.journal)
            detail = entry.year
            if entry.volume:
                detail += f";{entry.volume}"
            if entry.issue:
                detail += f"({entry.issue})"
            if entry.pages:
                detail += f":{entry.pages}"
            tail = " ".join(p for p in (f"<em>{where}</em>" if where else "", _esc(detail)) if p)
            if tail:
                pieces.append(tail + ".")
            comment = _plain(_child(cit, "comment"))
            if comment and not re.match(r"(?i)doi:?\s*10\.", comment):
                pieces.append(_esc(comment))
            body = " ".join(pieces) or _esc(entry.text)
            known = ""
        else:
            body = self.flow(ref, 5, wrap=False)
            known = body
        links = []
        if entry.doi and "doi.org/" not in known:
            doi_url = _attr(identifier_url("doi", entry.doi))
            links.append(f'<a href="{doi_url}">doi:{_esc(entry.doi)}</a>')
        if entry.pmid and "pubmed.ncbi.nlm.nih.gov/" not in known:
            pmid_url = identifier_url("pmid", entry.pmid)
            links.append(f'<a href="{pmid_url}">PMID: {entry.pmid}</a>')
        if entry.pmcid and entry.pmcid not in known:  # PMC's old and new addresses
            pmc_url = identifier_url("pmcid", entry.pmcid)
            links.append(f'<a href="{pmc_url}">{entry.pmcid}</a>')
        if entry.url and entry.url not in known:
            links.append(f'<a href="{_attr(entry.url)}">{_esc(entry.url)}</a>')
        if cit is None or not _has_mixed_text(cit):
            # The structured parts glued together read badly: use the formatted entry.
            entry.text = _norm(html.unescape(re.sub(r"<[^>]+>", " ", body)))
        # The <ol> numbers the entries: a numeric label ("3", "3.", "[3]") would repeat it.
        label = "" if re.fullmatch(r"\[?\d+[.\]]?", entry.label) else entry.label
        lead = f"<strong>{_esc(label)}</strong> " if label and not body.startswith(label) else ""
        return f'<li id="{_attr(entry.anchor)}">{lead}{body} {" ".join(links)}</li>'


def _child_deep(el: etree._Element, name: str) -> bool:
    return any(_local(d) == name for d in el.iter())


# --- metadata --------------------------------------------------------------------------


def _pub_date(meta: etree._Element) -> tuple[dt.datetime | None, str]:
    """The best publication date: epub, then ppub, then any; (datetime, ISO string)."""
    ranked: list[tuple[float, etree._Element]] = []
    order = {"epub": 0.0, "pub": 1.0, "ppub": 2.0, "epub-ppub": 3.0, "collection": 5.0}
    for date in _children(meta, "pub-date"):
        kind = date.get("pub-type") or date.get("date-type") or ""
        if kind == "pub" and date.get("publication-format") == "print":
            kind = "ppub"
        rank = order.get(kind, 4.0)
        if _child(date, "day") is None:
            rank += 0.5  # a full date beats a month of the same kind
        ranked.append((rank, date))
    for _, date in sorted(ranked, key=lambda r: r[0]):
        year = _plain(_child(date, "year"))
        if not year.isdigit():
            continue
        month_text = _plain(_child(date, "month"))
        month = int(month_text) if month_text.isdigit() and 1 <= int(month_text) <= 12 else 1
        day_text = _plain(_child(date, "day"))
        day = int(day_text) if day_text.isdigit() else 1
        try:
            when = dt.datetime(int(year), month, day, tzinfo=dt.UTC)
        except ValueError:
            when = dt.datetime(int(year), month, 1, tzinfo=dt.UTC)
        return when, when.date().isoformat()
    return None, ""


def _article_authors(meta: etree._Element) -> list[str]:
    authors: list[str] = []
    for group in _children(meta, "contrib-group"):
        for contrib in _children(group, "contrib"):
            if contrib.get("contrib-type", "author") != "author":
                continue
            name = next(
                (c for c in contrib if _local(c) in ("name", "string-name", "collab")), None
            )
            if name is None:
                alt = _child(contrib, "name-alternatives")
                name = _child(alt, "name", "string-name")
            if name is None:
                continue
            if _local(name) == "collab":
                text = _plain(name, skip=frozenset({"contrib-group", "xref", "fn"}))
            else:
                text = _name_text(name)
            if text and text not in authors:
                authors.append(text)
    return authors


def _identifiers(meta: etree._Element) -> dict[str, str]:
    ids: dict[str, str] = {}
    for aid in _children(meta, "article-id"):
        id_type = (aid.get("pub-id-type") or "").lower()
        value = _plain(aid)
        if id_type == "doi" and "doi" not in ids:
            ids["doi"] = normalise_doi(value)
        elif id_type == "pmid" and "pmid" not in ids:
            ids["pmid"] = normalise_pmid(value)
        elif id_type in ("pmc", "pmcid") and "pmcid" not in ids:
            ids["pmcid"] = normalise_pmcid(value)
    return {k: v for k, v in ids.items() if v}


def _keywords(meta: etree._Element) -> list[str]:
    tags: list[str] = []
    for group in _children(meta, "kwd-group"):
        if (group.get("kwd-group-type") or "").lower() in ("abbreviations", "abbr"):
            continue
        for kwd in group.iter():
            if _local(kwd) in ("kwd", "compound-kwd"):
                text = _plain(kwd)
                if text and text not in tags:
                    tags.append(text)
    return tags


def _subjects(meta: etree._Element) -> list[str]:
    cats = _child(meta, "article-categories")
    subjects: list[str] = []
    if cats is None:
        return subjects
    for subject in cats.iter():
        if _local(subject) == "subject":
            text = _plain(subject)
            if text and text not in subjects:
                subjects.append(text)
    return subjects


# --- one article -----------------------------------------------------------------------


def _convert(article: etree._Element) -> ImportedArticle:
    front = _child(article, "front")
    meta = _child(front, "article-meta")
    journal_meta = _child(front, "journal-meta")
    if meta is None:
        raise ImportFailure("this JATS article has no <article-meta> (no title or authors)")
    title_group = _child(meta, "title-group")
    title = _plain(_child(title_group, "article-title"), skip=frozenset({"xref", "fn"}))
    subtitle = _plain(_child(title_group, "subtitle"))
    if not title:
        title = _plain(_child(title_group, "trans-title-group")) or "(untitled article)"

    journal = _plain(
        _child(_child(journal_meta, "journal-title-group"), "journal-title")
    ) or _plain(_child(journal_meta, "journal-title"))
    publisher = _plain(_child(_child(journal_meta, "publisher"), "publisher-name"))

    # Every <ref> of the article (nested ref-lists too), outside sub-articles' own lists.
    ref_elements = [r for r in article.iter() if _local(r) == "ref"]
    refs: dict[str, _Ref] = {}
    renderer = _Renderer(refs=refs)
    ref_cits: list[tuple[etree._Element, ReferenceEntry, etree._Element | None]] = []
    for position, ref in enumerate(ref_elements, start=1):
        entry, cit = _ref_entry(ref, position)
        ref_cits.append((ref, entry, cit))
        rid = ref.get("id", "")
        if rid and rid not in refs:
            refs[rid] = _Ref(rid=rid, entry=entry, html="")

    parts: list[str] = []
    abstracts = [
        a for a in _children(meta, "abstract")
        if (a.get("abstract-type") or "") not in ("toc", "teaser", "graphical", "web-summary")
    ]  # fmt: skip
    excerpt = ""
    for i, abstract in enumerate(abstracts):
        heading = renderer.heading(abstract, 0, "Abstract" if i == 0 else "Summary")
        parts.append(
            f'<section id="abstract{"" if i == 0 else f"-{i + 1}"}">{heading}'
            f"{renderer.flow(abstract, 1)}</section>"
        )
        if not excerpt:
            excerpt = _plain(abstract, skip=frozenset(SKIP_TAGS | {"title", "label"}))
    body = _child(article, "body")
    if body is not None:
        parts.append(renderer.flow(body, 0))
    floats = _child(article, "floats-group")
    if floats is not None:
        parts.append(renderer.flow(floats, 0))
    back = _child(article, "back")
    if back is not None:
        parts.append(renderer.flow(back, 0))
    # Sub-articles (eLife decision letters, author responses) follow the article.
    for sub in _children(article, "sub-article", "response"):
        stub = _child(sub, "front-stub")
        if stub is None:
            stub = _child(_child(sub, "front"), "article-meta")
        sub_title = _child(_child(stub, "title-group"), "article-title")
        head = f"<h2>{renderer.inline(sub_title).strip()}</h2>" if sub_title is not None else ""
        sub_body = _child(sub, "body")
        content = renderer.flow(sub_body, 1) if sub_body is not None else ""
        if head or content:
            parts.append(f"<section{renderer._id_attr(sub)}>{head}{content}</section>")
    if renderer.footnotes:
        parts.append(f"<section><h2>Notes</h2><ol>{''.join(renderer.footnotes)}</ol></section>")
    if ref_cits:
        items = "".join(renderer.reference_html(r, e, c) for r, e, c in ref_cits)
        parts.append(f'<section id="references"><h2>References</h2><ol>{items}</ol></section>')

    identifiers = _identifiers(meta)
    url = identifier_url("doi", identifiers.get("doi", ""))
    url = url or identifier_url("pmcid", identifiers.get("pmcid", ""))
    canon = canonicalize("".join(parts), base_url=url)
    published, published_iso = _pub_date(meta)

    fpage, lpage = _plain(_child(meta, "fpage")), _plain(_child(meta, "lpage"))
    metadata: dict[str, object] = {
        "article_type": article.get("article-type", ""),
        "volume": _plain(_child(meta, "volume")),
        "issue": _plain(_child(meta, "issue")),
        "pages": f"{fpage}–{lpage}" if fpage and lpage and fpage != lpage else fpage,
        "elocation_id": _plain(_child(meta, "elocation-id")),
        "publisher": publisher,
        "publication_date": published_iso,
    }
    if subtitle:
        metadata["subtitle"] = subtitle
    lang = (article.get(XML_LANG) or "").strip().lower()
    return ImportedArticle(
        title=title,
        html=canon.html,
        text=canon.text,
        source_format=SourceFormat.JATS,
        authors=_article_authors(meta),
        site_name=journal or publisher,
        url=url,
        guid=identifiers.get("doi", ""),
        external_id=identifiers.get("pmcid") or identifiers.get("pmid") or "",
        published=published,
        excerpt=excerpt[:1000],
        language=lang,
        categories=_subjects(meta),
        tags=_keywords(meta),
        identifiers=identifiers,
        citations=renderer.citations,
        journal=journal,
        metadata={k: v for k, v in metadata.items() if v},
    )


def parse(data: bytes, name: str, options: ImportOptions) -> ParseResult:
    """One article per JATS ``<article>`` (a ``<pmc-articleset>`` may hold several)."""
    root = xmlsafe.parse_bytes(data)
    _strip_namespaces(root)
    if _local(root) == "article":
        articles = [root]
    elif _local(root) == "pmc-articleset":
        articles = [a for a in root if _local(a) == "article"]
    else:
        raise ImportFailure(f"this XML file is not a JATS article (its root is <{_local(root)}>)")
    if not articles:
        raise ImportFailure("this PMC article set contains no articles")
    result = ParseResult()
    for article in articles:
        result.articles.append(_convert(article))
    return result
