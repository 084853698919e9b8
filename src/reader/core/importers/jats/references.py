"""Reference-list entries: authors, title, journal, year, pages and identifiers.

One :class:`~reader.core.model.ReferenceEntry` per ``<ref>``, from ``mixed-citation``,
``element-citation``, ``nlm-citation`` or the old ``citation``; identifiers come from
``pub-id``/``object-id``, DOI and PubMed links, or a "doi:" in the text, in the normal
forms of :mod:`reader.core.identifiers`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from reader.core.identifiers import normalise_doi, normalise_pmcid, normalise_pmid
from reader.core.importers.jats.math import plain
from reader.core.importers.jats.tree import (
    CITATION_TAGS,
    XLINK_HREF,
    child_named,
    children_named,
    local,
)
from reader.core.model import CitationKind, ReferenceEntry


def name_text(name: etree._Element) -> str:
    """'Given Surname' (with suffix) from <name>, or the text of <string-name>/<collab>."""
    if local(name) == "name":
        given = plain(child_named(name, "given-names"))
        surname = plain(child_named(name, "surname"))
        suffix = plain(child_named(name, "suffix"))
        prefix = plain(child_named(name, "prefix"))
        return " ".join(p for p in (prefix, given, surname, suffix) if p)
    if local(name) == "string-name" and child_named(name, "surname") is not None:
        given = plain(child_named(name, "given-names"))
        return " ".join(p for p in (given, plain(child_named(name, "surname"))) if p)
    return plain(name)


def ref_authors(cit: etree._Element) -> list[str]:
    groups = children_named(cit, "person-group")
    authors_groups = [g for g in groups if g.get("person-group-type", "author") == "author"]
    names: list[str] = []
    for g in authors_groups or ([] if groups else [cit]):
        for n in g:
            if local(n) in ("name", "string-name", "collab"):
                text = name_text(n)
                if text:
                    names.append(text)
    if not names:
        for n in cit:
            if local(n) in ("name", "string-name", "collab"):
                names.append(name_text(n))
    return [n for n in names if n]


def has_mixed_text(cit: etree._Element) -> bool:
    """True when the citation carries its own punctuation (true mixed content)."""
    if (cit.text or "").strip():
        return True
    return any((c.tail or "").strip() for c in cit)


@dataclass(slots=True)
class Ref:
    """A reference entry by its ``<ref id>``, for the in-text links that name it."""

    rid: str
    entry: ReferenceEntry
    html: str


def ref_entry(ref: etree._Element, position: int) -> tuple[ReferenceEntry, etree._Element | None]:
    """The entry of one <ref>, and the citation element to show for it.

    Springer-style refs hold a structured citation and a ``display-unstructured`` one:
    fields come from the structured one, identifiers from both, and the text shown is
    the publisher's own (the unstructured one).
    """
    cits = [c for c in ref.iter() if local(c) in CITATION_TAGS]
    structured = [c for c in cits if c.get("citation-type") != "display-unstructured"]
    cit = structured[0] if structured else (cits[0] if cits else None)
    shown = next((c for c in cits if has_mixed_text(c)), cit)
    label = plain(child_named(ref, "label")) or (
        plain(child_named(cit, "label")) if cit is not None else ""
    )
    entry = ReferenceEntry(label=label or str(position), anchor=f"ref-{ref.get('id', '')}")
    if cit is None:
        entry.text = plain(ref, skip=frozenset({"label"}))
        return entry, None
    entry.authors = ref_authors(cit)
    article_title = plain(child_named(cit, "article-title"))
    chapter = plain(child_named(cit, "chapter-title"))
    data_title = plain(child_named(cit, "data-title"))
    source = plain(child_named(cit, "source"))
    own_title = article_title or chapter or data_title
    entry.title = own_title or source
    entry.journal = source if own_title else ""
    year = plain(child_named(cit, "year")) or plain(child_named(cit, "date"))
    found_year = re.search(r"\d{4}", year)
    entry.year = found_year.group(0) if found_year else year
    entry.volume = plain(child_named(cit, "volume"))
    entry.issue = plain(child_named(cit, "issue"))
    fpage, lpage = plain(child_named(cit, "fpage")), plain(child_named(cit, "lpage"))
    entry.pages = (
        f"{fpage}–{lpage}"
        if fpage and lpage and lpage != fpage
        else fpage
        or plain(child_named(cit, "page-range"))
        or plain(child_named(cit, "elocation-id"))
    )
    for pub_id in ref.iter():
        kind = local(pub_id)
        if kind not in ("pub-id", "object-id"):
            continue
        id_type = (pub_id.get("pub-id-type") or "").lower()
        value = plain(pub_id)
        if id_type == "pmid" and not entry.pmid:
            entry.pmid = normalise_pmid(value)
        elif id_type in ("pmcid", "pmc") and not entry.pmcid:
            entry.pmcid = normalise_pmcid(value)
        elif id_type == "doi" and not entry.doi:
            entry.doi = normalise_doi(value)
    for link in ref.iter():
        if local(link) not in ("ext-link", "uri"):
            continue
        href = (link.get(XLINK_HREF) or plain(link)).strip()
        link_type = (link.get("ext-link-type") or "").lower()
        if link_type == "doi" or re.match(r"https?://(dx\.)?doi\.org/", href):
            entry.doi = entry.doi or normalise_doi(href)
        elif link_type == "pmid":
            entry.pmid = entry.pmid or normalise_pmid(href)
        elif not entry.url and href:
            entry.url = href if re.match(r"https?://|ftp://", href) else entry.url
    if not entry.doi:
        text_doi = re.search(r"\bdoi:\s*(10\.\d{4,9}/\S+[^\s.,;])", plain(shown), re.I)
        if text_doi:
            entry.doi = normalise_doi(text_doi.group(1))
    entry.text = plain(shown, skip=frozenset({"label"}))
    return entry, shown


def ref_ids(entry: ReferenceEntry) -> dict[str, str]:
    ids = {"pmid": entry.pmid, "pmcid": entry.pmcid, "doi": entry.doi, "url": entry.url}
    return {k: v for k, v in ids.items() if v}


def kind_and_id(entry: ReferenceEntry | None, anchor: str) -> tuple[CitationKind, str]:
    if entry is not None:
        if entry.pmid:
            return CitationKind.PUBMED, entry.pmid
        if entry.pmcid:
            return CitationKind.PMC, entry.pmcid
        if entry.doi:
            return CitationKind.DOI, entry.doi
    return CitationKind.REFERENCE, anchor
