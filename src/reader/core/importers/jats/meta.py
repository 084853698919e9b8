"""Article metadata from ``<article-meta>``: date, authors, identifiers, keywords, subjects."""

from __future__ import annotations

import datetime as dt

from lxml import etree

from reader.core.identifiers import normalise_doi, normalise_pmcid, normalise_pmid
from reader.core.importers.jats.math import plain
from reader.core.importers.jats.references import name_text
from reader.core.importers.jats.tree import child_named, children_named, local


def pub_date(meta: etree._Element) -> tuple[dt.datetime | None, str]:
    """The best publication date: epub, then ppub, then any; (datetime, ISO string)."""
    ranked: list[tuple[float, etree._Element]] = []
    order = {"epub": 0.0, "pub": 1.0, "ppub": 2.0, "epub-ppub": 3.0, "collection": 5.0}
    for date in children_named(meta, "pub-date"):
        kind = date.get("pub-type") or date.get("date-type") or ""
        if kind == "pub" and date.get("publication-format") == "print":
            kind = "ppub"
        rank = order.get(kind, 4.0)
        if child_named(date, "day") is None:
            rank += 0.5  # a full date beats a month of the same kind
        ranked.append((rank, date))
    for _, date in sorted(ranked, key=lambda r: r[0]):
        year = plain(child_named(date, "year"))
        if not year.isdigit():
            continue
        month_text = plain(child_named(date, "month"))
        month = int(month_text) if month_text.isdigit() and 1 <= int(month_text) <= 12 else 1
        day_text = plain(child_named(date, "day"))
        day = int(day_text) if day_text.isdigit() else 1
        try:
            when = dt.datetime(int(year), month, day, tzinfo=dt.UTC)
        except ValueError:
            when = dt.datetime(int(year), month, 1, tzinfo=dt.UTC)
        return when, when.date().isoformat()
    return None, ""


def article_authors(meta: etree._Element) -> list[str]:
    authors: list[str] = []
    for group in children_named(meta, "contrib-group"):
        for contrib in children_named(group, "contrib"):
            if contrib.get("contrib-type", "author") != "author":
                continue
            name = next(
                (c for c in contrib if local(c) in ("name", "string-name", "collab")),
                None,
            )
            if name is None:
                alt = child_named(contrib, "name-alternatives")
                name = child_named(alt, "name", "string-name")
            if name is None:
                continue
            if local(name) == "collab":
                text = plain(name, skip=frozenset({"contrib-group", "xref", "fn"}))
            else:
                text = name_text(name)
            if text and text not in authors:
                authors.append(text)
    return authors


def article_identifiers(meta: etree._Element) -> dict[str, str]:
    ids: dict[str, str] = {}
    for aid in children_named(meta, "article-id"):
        id_type = (aid.get("pub-id-type") or "").lower()
        value = plain(aid)
        if id_type == "doi" and "doi" not in ids:
            ids["doi"] = normalise_doi(value)
        elif id_type == "pmid" and "pmid" not in ids:
            ids["pmid"] = normalise_pmid(value)
        elif id_type in ("pmc", "pmcid") and "pmcid" not in ids:
            ids["pmcid"] = normalise_pmcid(value)
    return {k: v for k, v in ids.items() if v}


def keywords(meta: etree._Element) -> list[str]:
    tags: list[str] = []
    for group in children_named(meta, "kwd-group"):
        if (group.get("kwd-group-type") or "").lower() in ("abbreviations", "abbr"):
            continue
        for kwd in group.iter():
            if local(kwd) in ("kwd", "compound-kwd"):
                text = plain(kwd)
                if text and text not in tags:
                    tags.append(text)
    return tags


def subjects(meta: etree._Element) -> list[str]:
    cats = child_named(meta, "article-categories")
    subjects: list[str] = []
    if cats is None:
        return subjects
    for subject in cats.iter():
        if local(subject) == "subject":
            text = plain(subject)
            if text and text not in subjects:
                subjects.append(text)
    return subjects
