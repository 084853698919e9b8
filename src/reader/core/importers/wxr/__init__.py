"""WordPress eXtended RSS (Tools > Export) importer, WXR 1.0 to 1.2.

What becomes an article: posts and pages whose status is ``publish``; drafts, pending,
scheduled (``future``) and private ones only with ``ImportOptions.include_drafts``.
Password-protected posts are imported like any other: the export holds their text in
the clear and the person importing it is the site's owner; ``metadata`` records
``password_protected`` so the UI can say so. The password itself is never kept.

Attachments, navigation menu items, other post types and comments are not articles:
each kind is reported once as :class:`Skipped` with a count. Attachments still serve
the posts: they give images their alt text and captions, and the featured image
(``_thumbnail_id``), which becomes a figure at the top of the article when the post's
text does not show it (:mod:`reader.core.importers.wordpress.featured`).

Content goes through what WordPress itself does before showing a post: Gutenberg block
comments are dropped, ``[caption]`` becomes ``<figure>``/``<figcaption>``, other
shortcodes keep their inner text, classic (non-block) content gets ``wpautop``'s
paragraphs, and the result is canonicalized against the post's permalink.

Parsing streams the file (``iterparse``, each item cleared once read), so a
tens-of-megabytes export is never held twice. A file that is not well-formed is refused
with its line number, except for one known WordPress quirk: CDATA sections nested inside
CDATA (``crazy-cdata.xml`` in WordPress's own tests). WordPress's importer falls back to
a regex parser that takes everything between an element's first ``<![CDATA[`` and its
last ``]]>``; Margin does the same repair, and only that one, then parses strictly again.

This module admits the posts and assembles each article; :mod:`.reading` streams the
XML and :mod:`.content` turns a post's content into HTML. The post types that are not
articles and the draft statuses are WordPress's, shared with the REST importer
(:mod:`reader.core.importers.wordpress.posttypes`).
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter

import lxml.html
from lxml import etree

from reader.core.errors import ImportFailure
from reader.core.importers.wordpress.featured import FeaturedImage, with_featured_image
from reader.core.importers.wordpress.posttypes import DRAFT_STATUSES, NOT_ARTICLE_TYPES
from reader.core.importers.wxr.content import Media, autop, content_html
from reader.core.importers.wxr.reading import Channel, Item, read_export
from reader.core.model import (
    ImportedArticle,
    ImportOptions,
    ParseResult,
    Skipped,
    SourceFormat,
)
from reader.core.sanitize import canonicalize

__all__ = ["ARTICLE_TYPES", "DRAFT_STATUSES", "PUBLISHED", "autop", "parse", "sniff"]

ARTICLE_TYPES = {"post", "page"}
PUBLISHED = {"publish"}


def sniff(head: bytes, name: str) -> bool:
    """An RSS document that declares a WordPress export namespace."""
    lowered = head.lower()
    return b"<rss" in lowered and b"wordpress.org/export/" in lowered


def _parse_wp_date(value: str, *, utc: bool) -> dt.datetime | None:
    value = value.strip()
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        parsed = dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC) if utc else parsed


def _date(gmt: str, local: str) -> dt.datetime | None:
    """The GMT time when the export has it, else the site's local time (naive)."""
    return _parse_wp_date(gmt, utc=True) or _parse_wp_date(local, utc=False)


def _plain(fragment: str) -> str:
    """Text of a small HTML fragment (titles, excerpts): tags dropped, entities decoded."""
    if not fragment.strip():
        return ""
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split())
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except etree.ParserError:
        return " ".join(html.unescape(fragment).split())
    return " ".join(root.text_content().split())


def _article(item: Item, channel: Channel, media: dict[str, Media]) -> ImportedArticle:
    content = content_html(item, media)
    thumb_id = item.meta.get("_thumbnail_id", "")
    thumb = media.get(thumb_id)
    lead = None
    if thumb is not None and thumb.url:
        lead = FeaturedImage(thumb.url, thumb.alt, thumb.caption, attachment_id=thumb_id)
    canon = canonicalize(with_featured_image(content, lead), base_url=item.link)
    title = _plain(item.title)
    if not title:
        # The first words of the post's own text, not the featured image's caption.
        words = (canonicalize(content, base_url=item.link) if lead else canon).text.split()
        title = " ".join(words[:10]) + ("…" if len(words) > 10 else "") if words else ""
        title = title or "(untitled)"
    authors = [channel.authors.get(item.creator, item.creator)] if item.creator else []
    featured = None
    if thumb is not None and thumb.url:
        featured = {"alt": thumb.alt, "caption": thumb.caption, "url": thumb.url}
    metadata: dict[str, object] = {
        "post_type": item.post_type,
        "status": item.status,
        "wxr_version": channel.wxr_version,
    }
    if item.post_name:
        metadata["slug"] = item.post_name
    if item.password:
        metadata["password_protected"] = True
    if item.sticky:
        metadata["sticky"] = True
    if item.post_format:
        metadata["post_format"] = item.post_format
    return ImportedArticle(
        title=title,
        html=canon.html,
        text=canon.text,
        source_format=SourceFormat.WXR,
        authors=authors,
        site_name=channel.title,
        url=item.link,
        guid=item.guid,
        external_id=item.post_id,
        published=_date(item.post_date_gmt, item.post_date),
        modified=_date(item.post_modified_gmt, item.post_modified),
        excerpt=_plain(item.excerpt),
        language=channel.language,
        categories=list(item.categories),
        tags=list(item.tags),
        featured_image=featured,
        metadata=metadata,
    )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def parse(data: bytes, name: str, options: ImportOptions) -> ParseResult:
    """Every post and page of a WordPress export that ``options`` admits."""
    channel, warnings = read_export(data)
    media: dict[str, Media] = {}
    for item in channel.items:
        if item.post_type == "attachment" and item.post_id:
            media[item.post_id] = Media(
                url=item.attachment_url or item.guid,
                alt=item.meta.get("_wp_attachment_image_alt", ""),
                caption=_plain(item.excerpt),
                title=_plain(item.title),
            )
    result = ParseResult(warnings=warnings)
    admitted = PUBLISHED | (DRAFT_STATUSES if options.include_drafts else set())
    skipped_types: Counter[str] = Counter()
    skipped_status: Counter[str] = Counter()
    comments = 0
    for item in channel.items:
        if item.post_type not in ARTICLE_TYPES:
            skipped_types[item.post_type or "unknown"] += 1
            continue
        if item.status not in admitted:
            skipped_status[item.status or "unknown"] += 1
            continue
        comments += item.comment_count
        try:
            result.articles.append(_article(item, channel, media))
        except ImportFailure as exc:
            # One oversized or unreadable post must not cost the rest of the export.
            title = _plain(item.title) or f"post {item.post_id or '?'}"
            result.failed.append(f"“{title}”: {exc}")
    for kind, n in skipped_types.items():
        known = NOT_ARTICLE_TYPES.get(kind)
        label = known.many if known is not None else f"items of type “{kind}”"
        result.skipped.append(Skipped(f"{n} {label}: not articles"))
    for status, n in skipped_status.items():
        hint = " (import with drafts included to add them)" if status in DRAFT_STATUSES else ""
        result.skipped.append(
            Skipped(f"{_plural(n, 'post', 'posts')} with status “{status}”{hint}")
        )
    if comments:
        result.skipped.append(
            Skipped(f"{_plural(comments, 'comment', 'comments')}: comments are not imported")
        )
    if not result.articles and not result.skipped:
        if len(result.failed) == 1:
            raise ImportFailure(result.failed[0])
        if not result.failed:
            raise ImportFailure("this WordPress export contains no posts or pages")
    return result
