"""How articles, annotations and references are written as database rows and read back.

Lists and dicts are stored as JSON text; a missing value is stored as an empty string, so
queries never meet NULL where a column means "none".
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from reader.core.model import (
    Annotation,
    Article,
    ArticleSummary,
    ReferenceEntry,
    TextPositionSelector,
    TextQuoteSelector,
)

ARTICLE_JSON = ("authors", "categories", "tags", "identifiers", "featured_image", "metadata")
ARTICLE_COLUMNS = (
    "title", "html", "text", "source_format", "authors", "site_name", "url", "url_key",
    "guid", "external_id", "published", "modified", "excerpt", "language", "categories",
    "tags", "identifiers", "journal", "featured_image", "metadata", "content_hash",
    "fingerprint", "original_hash", "source_name",
)  # fmt: skip


def encode_article(values: dict[str, Any]) -> dict[str, Any]:
    row = dict(values)
    for key in ARTICLE_JSON:
        row[key] = json.dumps(row.get(key), ensure_ascii=False, sort_keys=True, default=str)
    for key in ARTICLE_COLUMNS:
        if row.get(key) is None and key not in ARTICLE_JSON:
            row[key] = "" if key != "original_hash" else None
    return row


def decode_article(r: sqlite3.Row) -> Article:
    return Article(
        id=r["id"],
        title=r["title"],
        html=r["html"],
        text=r["text"],
        source_format=r["source_format"],
        authors=json.loads(r["authors"]),
        site_name=r["site_name"],
        url=r["url"],
        guid=r["guid"],
        external_id=r["external_id"],
        published=r["published"],
        modified=r["modified"],
        added=r["added"],
        updated=r["updated"],
        excerpt=r["excerpt"],
        language=r["language"],
        categories=json.loads(r["categories"]),
        tags=json.loads(r["tags"]),
        identifiers=json.loads(r["identifiers"]),
        journal=r["journal"],
        featured_image=json.loads(r["featured_image"]),
        metadata=json.loads(r["metadata"]),
        is_read=bool(r["is_read"]),
        reading_position=float(r["reading_position"]),
    )


def decode_summary(r: sqlite3.Row) -> ArticleSummary:
    """A row of the library list (with its ``highlight_count``) as an ArticleSummary."""
    return ArticleSummary(
        id=r["id"],
        title=r["title"],
        site_name=r["site_name"],
        authors=json.loads(r["authors"]),
        published=r["published"],
        added=r["added"],
        source_format=r["source_format"],
        url=r["url"],
        is_read=bool(r["is_read"]),
        highlight_count=r["highlight_count"],
        trashed_at=r["trashed_at"],
    )


def decode_annotation(r: sqlite3.Row) -> Annotation:
    return Annotation(
        uuid=r["uuid"],
        article_id=r["article_id"],
        quote=TextQuoteSelector(exact=r["exact"], prefix=r["prefix"], suffix=r["suffix"]),
        position=TextPositionSelector(start=r["start"], end=r["end"]),
        color=r["color"],
        note=r["note"],
        tags=json.loads(r["tags"]),
        created=r["created"],
        modified=r["modified"],
        removed=bool(r["removed"]),
    )


def reference_to_dict(ref: ReferenceEntry | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {name: getattr(ref, name) for name in ReferenceEntry.__slots__}


def reference_from_dict(data: dict[str, Any] | None) -> ReferenceEntry | None:
    if not data:
        return None
    known = {k: v for k, v in data.items() if k in ReferenceEntry.__slots__}
    return ReferenceEntry(**known)
