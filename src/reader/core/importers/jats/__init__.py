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

This module reads the file and assembles each article; the parts live beside it:
:mod:`.meta` (date, authors, identifiers, keywords), :mod:`.references` (the entries),
:mod:`.render` (the body as HTML, on the text, links and citations of :mod:`.inline`),
:mod:`.contexts` (the sentence of each citation), :mod:`.math` (formulas and plain
text) and :mod:`.tree` (element names and sets).
"""

from __future__ import annotations

import re

from lxml import etree

from reader.core import xmlsafe
from reader.core.errors import ImportFailure
from reader.core.identifiers import identifier_url
from reader.core.importers.jats.math import plain
from reader.core.importers.jats.meta import (
    article_authors,
    article_identifiers,
    keywords,
    pub_date,
    subjects,
)
from reader.core.importers.jats.references import Ref, ref_entry
from reader.core.importers.jats.render import Renderer
from reader.core.importers.jats.tree import (
    SKIP_TAGS,
    XML_LANG,
    child_named,
    children_named,
    local,
    strip_namespaces,
)
from reader.core.model import (
    ImportedArticle,
    ImportOptions,
    ParseResult,
    ReferenceEntry,
    SourceFormat,
)
from reader.core.sanitize import canonicalize

__all__ = ["parse", "sniff"]

_DOCTYPE = re.compile(
    rb"<!DOCTYPE\s+(?:article|pmc-articleset)\b[^>]*(?:JATS|NLM|journalpublishing|archivearticle)",
    re.I,
)
_ARTICLE_ROOT = re.compile(rb"<article\b[^>]*>", re.I)


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


def _convert(article: etree._Element) -> ImportedArticle:
    front = child_named(article, "front")
    meta = child_named(front, "article-meta")
    journal_meta = child_named(front, "journal-meta")
    if meta is None:
        raise ImportFailure("this JATS article has no <article-meta> (no title or authors)")
    title_group = child_named(meta, "title-group")
    title = plain(child_named(title_group, "article-title"), skip=frozenset({"xref", "fn"}))
    subtitle = plain(child_named(title_group, "subtitle"))
    if not title:
        title = plain(child_named(title_group, "trans-title-group")) or "(untitled article)"

    journal = plain(
        child_named(child_named(journal_meta, "journal-title-group"), "journal-title")
    ) or plain(child_named(journal_meta, "journal-title"))
    publisher = plain(child_named(child_named(journal_meta, "publisher"), "publisher-name"))

    # Every <ref> of the article (nested ref-lists too), outside sub-articles' own lists.
    ref_elements = [r for r in article.iter() if local(r) == "ref"]
    refs: dict[str, Ref] = {}
    renderer = Renderer(refs=refs)
    ref_cits: list[tuple[etree._Element, ReferenceEntry, etree._Element | None]] = []
    for position, ref in enumerate(ref_elements, start=1):
        entry, cit = ref_entry(ref, position)
        ref_cits.append((ref, entry, cit))
        rid = ref.get("id", "")
        if rid and rid not in refs:
            refs[rid] = Ref(rid=rid, entry=entry, html="")

    parts: list[str] = []
    abstracts = [
        a for a in children_named(meta, "abstract")
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
            excerpt = plain(abstract, skip=frozenset(SKIP_TAGS | {"title", "label"}))
    body = child_named(article, "body")
    if body is not None:
        parts.append(renderer.flow(body, 0))
    floats = child_named(article, "floats-group")
    if floats is not None:
        parts.append(renderer.flow(floats, 0))
    back = child_named(article, "back")
    if back is not None:
        parts.append(renderer.flow(back, 0))
    # Sub-articles (eLife decision letters, author responses) follow the article.
    for sub in children_named(article, "sub-article", "response"):
        stub = child_named(sub, "front-stub")
        if stub is None:
            stub = child_named(child_named(sub, "front"), "article-meta")
        sub_title = child_named(child_named(stub, "title-group"), "article-title")
        head = f"<h2>{renderer.inline(sub_title).strip()}</h2>" if sub_title is not None else ""
        sub_body = child_named(sub, "body")
        content = renderer.flow(sub_body, 1) if sub_body is not None else ""
        if head or content:
            parts.append(f"<section{renderer.id_attr(sub)}>{head}{content}</section>")
    if renderer.footnotes:
        parts.append(f"<section><h2>Notes</h2><ol>{''.join(renderer.footnotes)}</ol></section>")
    if ref_cits:
        items = "".join(renderer.reference_html(r, e, c) for r, e, c in ref_cits)
        parts.append(f'<section id="references"><h2>References</h2><ol>{items}</ol></section>')

    identifiers = article_identifiers(meta)
    url = identifier_url("doi", identifiers.get("doi", ""))
    url = url or identifier_url("pmcid", identifiers.get("pmcid", ""))
    canon = canonicalize("".join(parts), base_url=url)
    published, published_iso = pub_date(meta)

    fpage, lpage = plain(child_named(meta, "fpage")), plain(child_named(meta, "lpage"))
    metadata: dict[str, object] = {
        "article_type": article.get("article-type", ""),
        "volume": plain(child_named(meta, "volume")),
        "issue": plain(child_named(meta, "issue")),
        "pages": f"{fpage}–{lpage}" if fpage and lpage and fpage != lpage else fpage,
        "elocation_id": plain(child_named(meta, "elocation-id")),
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
        authors=article_authors(meta),
        site_name=journal or publisher,
        url=url,
        guid=identifiers.get("doi", ""),
        external_id=identifiers.get("pmcid") or identifiers.get("pmid") or "",
        published=published,
        excerpt=excerpt[:1000],
        language=lang,
        categories=subjects(meta),
        tags=keywords(meta),
        identifiers=identifiers,
        citations=renderer.citations,
        journal=journal,
        metadata={k: v for k, v in metadata.items() if v},
    )


def parse(data: bytes, name: str, options: ImportOptions) -> ParseResult:
    """One article per JATS ``<article>`` (a ``<pmc-articleset>`` may hold several)."""
    result = ParseResult()
    root = xmlsafe.parse_bytes(data, result.warnings)  # unknown entities, stray controls
    strip_namespaces(root)
    if local(root) == "article":
        articles = [root]
    elif local(root) == "pmc-articleset":
        articles = [a for a in root if local(a) == "article"]
    else:
        raise ImportFailure(f"this XML file is not a JATS article (its root is <{local(root)}>)")
    if not articles:
        raise ImportFailure("this PMC article set contains no articles")
    for article in articles:
        result.articles.append(_convert(article))
    return result
