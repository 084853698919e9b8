"""Metadata of a saved web page: title, authors, site, dates, canonical URL, language.

The precedence follows Mozilla Readability (``Readability.js``, ``_getJSONLD`` and
``_getArticleMetadata``), because its test pages (``expected-metadata.json``) are our
golden data and because its choices are sensible for news and health sites:

1. schema.org JSON-LD of an article type (also inside ``@graph``, ``mainEntity`` and
   lists; ``@id`` references to a Person/Organization node are resolved),
2. Dublin Core (``dc:``/``dcterm:`` properties, then ``DC.`` names),
3. Open Graph / Twitter / plain ``<meta name>`` tags, then Parse.ly ``parsely-*``,
4. the document ``<title>``, cleaned of its " | Site name" part the way Readability does,
5. for the byline only: a byline element in the page (``rel=author``, ``itemprop=author``,
   ``class=byline``…).

Everything here reads an already parsed lxml tree and never fetches anything.

The parts: :mod:`.metatags` (``<meta>``/``<link>`` tags), :mod:`.jsonld` (schema.org),
:mod:`.title` (the document title) and :mod:`.byline` (names); this module applies the
precedence. The encoding a page declares is :func:`reader.core.textdecode.declared_charset`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from reader.core.htmlmeta.byline import content_byline, is_url, split_byline
from reader.core.htmlmeta.jsonld import article_json_ld
from reader.core.htmlmeta.metatags import (
    canonical_url,
    first_meta,
    keywords,
    language,
    meta_values,
    parsely_page,
    site_from_url,
)
from reader.core.htmlmeta.title import article_title, document_title, text_similarity

__all__ = [
    "PageMetadata",
    "extract_metadata",
    "parse_datetime",
    "site_from_url",
    "split_byline",
    "text_similarity",
]


@dataclass(slots=True)
class PageMetadata:
    """What a web page says about itself: title, byline, dates, identifiers."""

    title: str = ""
    byline: str = ""  # as the page writes it ("By Jane Doe, MD")
    authors: list[str] = field(default_factory=list)  # byline split into names
    site_name: str = ""
    published: dt.datetime | None = None
    published_raw: str = ""
    modified: dt.datetime | None = None
    canonical_url: str = ""
    language: str = ""
    excerpt: str = ""
    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    image: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def extract_metadata(root: etree._Element) -> PageMetadata:
    """Read the metadata of a parsed HTML page (``lxml.html`` document root)."""
    values = meta_values(root)
    jsonld = article_json_ld(root)
    parsely = parsely_page(root)
    doc_title = document_title(root)
    meta = PageMetadata()

    meta.title = (
        jsonld.get("title")
        or values.get("dc:title")
        or values.get("dcterm:title")
        or values.get("og:title")
        or values.get("weibo:article:title")
        or values.get("weibo:webpage:title")
        or values.get("title")
        or values.get("twitter:title")
        or values.get("parsely-title")
        or article_title(root, doc_title)
    )
    article_author = values.get("article:author", "")
    if is_url(article_author):
        article_author = ""
    meta.byline = (
        jsonld.get("byline")
        or values.get("dc:creator")
        or values.get("dcterm:creator")
        or values.get("author")
        or values.get("parsely-author")
        or article_author
        or parsely.get("author", "")
        or content_byline(root)
    )
    meta.authors = jsonld.get("authors") or split_byline(meta.byline)
    meta.excerpt = (
        jsonld.get("excerpt")
        or values.get("dc:description")
        or values.get("dcterm:description")
        or values.get("og:description")
        or values.get("weibo:article:description")
        or values.get("weibo:webpage:description")
        or values.get("description")
        or values.get("twitter:description")
        or ""
    )
    meta.site_name = jsonld.get("site_name") or values.get("og:site_name") or ""
    meta.published_raw = (
        jsonld.get("published")
        or values.get("article:published_time")
        or values.get("parsely-pub-date")
        or parsely.get("pub_date", "")
        or first_meta(root, "property", "og:published_time")
        or first_meta(root, "name", "dc.date", "dcterms.date", "date", "citation_date")
        or ""
    )
    meta.published = parse_datetime(meta.published_raw)
    meta.modified = parse_datetime(
        jsonld.get("modified")
        or first_meta(root, "property", "article:modified_time", "og:updated_time")
        or ""
    )
    meta.canonical_url = canonical_url(root, values)
    meta.language = language(root)
    meta.tags = keywords(root)
    section = first_meta(root, "property", "article:section")
    if section:
        meta.categories = [section]
    meta.image = first_meta(root, "property", "og:image") or ""
    for key in ("pmid", "doi"):
        value = first_meta(root, "name", f"citation_{key}", f"dc.identifier.{key}")
        if value:
            meta.extra[key] = value
    return meta


def parse_datetime(raw: str) -> dt.datetime | None:
    """ISO 8601 (or RFC 2822) → aware datetime; a date or time without a zone is UTC.

    Margin sorts articles by date, and aware and naive datetimes cannot be compared,
    so a source that gives no zone is taken to mean UTC (the raw string is kept).
    """
    raw = raw.strip()
    if not raw:
        return None
    value: dt.datetime | None = None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        try:
            value = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value
