"""WordPress REST API importer: ``/wp-json/wp/v2/posts`` (and pages) responses.

Accepted: one post object, a list of them (a saved archive page), with or without
``_embed``, pages and custom post types alike; also several objects one after another
(JSON Lines). Older WordPress and plugins that give plain strings instead of
``{"rendered": …}`` work too.

Where things come from, best source first:

* **title**: ``title.rendered``, tags stripped and entities decoded.
* **html/text**: :func:`reader.core.sanitize.canonicalize` of ``content.rendered``
  against the post's ``link``.
* **url**: the SEO plugin's canonical URL, else ``link``.
* **published/modified**: ``date`` with the offset ``date - date_gmt`` (so the wall time
  the site showed is kept and the instant is exact); with no ``date_gmt`` (drafts),
  the offset of the SEO head's ``article:published_time`` / JSON-LD ``datePublished``,
  then of ``modified - modified_gmt``; with none, naive.
* **authors**: ``_embedded.author``, then the JSON-LD ``Person`` the article node names,
  then Yoast's ``author``/"Written by", then ``<meta name="author">``.
* **site_name**: JSON-LD ``WebSite`` then ``Organization`` name, then ``og:site_name``
  cut at " | " (a tagline), then the part after the title in the SEO title
  ("Post - Site"), else the host of the post's address ("example.org").
* **categories/tags**: ``_embedded["wp:term"]``; else breadcrumbs, Yoast's JSON-LD
  ``articleSection``/``keywords``, and ``class_list`` slugs (``category-…`` matched to a
  known name or title-cased; ``tag-…`` kept lower-case, as a tag's case is unknowable
  and AIOSEO's ``articleSection`` mixes categories and tags).
* **featured_image**: ``_embedded["wp:featuredmedia"]``; else the JSON-LD image. When
  the post's HTML does not show it, it is also a figure at the top of the article (a web
  image, fetched only on Download Images; see :mod:`.featured`).
* **language**: ``lang`` (Polylang/WPML), JSON-LD ``inLanguage``, ``og:locale``.

WordPress objects that are not articles (comments, media, terms, users, revisions, menu
items, blocks…) become :class:`Skipped`; unpublished posts too unless
``options.include_drafts``. In a list, a broken item becomes a warning and the rest
import; a file with nothing importable raises :class:`ImportFailure`.

This module sniffs the file and assembles each post; the parts live beside it:
:mod:`.reading` (the JSON), :mod:`.kinds` (what an object is), :mod:`.fields` (dates,
authors, terms, featured image, excerpt), :mod:`.seo` (Yoast, AIOSEO, JSON-LD),
:mod:`.values` (strings out of JSON values), :mod:`.featured` (the lead figure) and
:mod:`.posttypes` (WordPress's post types and statuses, shared with the WXR importer).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Any

from reader.core.errors import ImportFailure
from reader.core.htmlmeta import site_from_url
from reader.core.importers.wordpress.featured import rest_featured_image, with_featured_image
from reader.core.importers.wordpress.fields import (
    excerpt_text,
    post_authors,
    post_date,
    post_featured_image,
    post_terms,
)
from reader.core.importers.wordpress.kinds import (
    WP_KEYS,
    is_rest_error,
    kind_of,
    not_article_reason,
)
from reader.core.importers.wordpress.posttypes import DRAFT_STATUSES, NOT_ARTICLE_TYPES
from reader.core.importers.wordpress.reading import MAX_INT_DIGITS, decode_head, load_json
from reader.core.importers.wordpress.seo import Seo
from reader.core.importers.wordpress.values import (
    as_text,
    http_url,
    plain_text,
    rendered_text,
)
from reader.core.model import ImportedArticle, ImportOptions, ParseResult, Skipped, SourceFormat
from reader.core.sanitize import canonicalize
from reader.core.textdecode import decode_text

__all__ = ["MAX_INT_DIGITS", "NOT_ARTICLE_TYPES", "UNPUBLISHED", "parse", "sniff"]

# A REST response (context=edit) can also hold auto-drafts, which a WXR export never does.
UNPUBLISHED = DRAFT_STATUSES | {"auto-draft"}
_KEY = re.compile(r'"([A-Za-z_][A-Za-z0-9_:]*)"\s*:')


def sniff(head: bytes, name: str) -> bool:
    """JSON whose keys look like a WordPress REST object (``.json`` breaks ties).

    A ``.json`` file that is not WordPress is claimed too, so that its user hears
    "JSON, but not a WordPress REST response" rather than "unknown format".
    """
    text = decode_head(head).lstrip("\ufeff \t\r\n")
    if not text.startswith(("{", "[")):
        return False
    if '"rendered"' in text:
        return True
    if len(set(_KEY.findall(text)) & WP_KEYS) >= 2:
        return True
    return name.lower().endswith(".json")


def parse(data: bytes, name: str, options: ImportOptions) -> ParseResult:
    """The articles in a WordPress REST response (see the module docstring)."""
    result = ParseResult()
    payload = load_json(decode_text(data), result.warnings)
    if isinstance(payload, dict):
        if is_rest_error(payload):
            message = as_text(payload.get("message")) or as_text(payload.get("code"))
            raise ImportFailure(f"this is a WordPress REST error response, not a post: {message}")
        items: list[Any] = [payload]
    elif isinstance(payload, list):
        items = payload
        if not items:
            raise ImportFailure("an empty JSON list: the WordPress response holds no posts")
    else:
        raise ImportFailure(
            "JSON, but not a WordPress REST response (expected a post object or a list)"
        )
    kinds = [kind_of(item) if isinstance(item, dict) else None for item in items]
    if all(kind is None for kind in kinds):
        raise ImportFailure(
            "JSON, but not a WordPress REST response: no object has WordPress fields "
            'such as "title": {"rendered": …}, "content", "guid" or "link"'
        )
    skipped: list[str] = []
    for number, (item, kind) in enumerate(zip(items, kinds, strict=True), start=1):
        where = f"item {number}" if len(items) > 1 else "the post"
        if kind is None:
            what = "is not a JSON object" if not isinstance(item, dict) else "is not WordPress"
            result.warnings.append(f"{where} {what}; ignored")
            continue
        if kind != "post":
            skipped.append(not_article_reason(item, kind))
            continue
        try:
            outcome = _article(item, options, result.warnings)
        except ImportFailure as exc:
            if len(items) == 1:
                raise
            title = plain_text(rendered_text(item.get("title")))[:120]
            named = f"{where} “{title}”" if title and title not in str(exc) else where
            result.failed.append(f"{named}: {exc}")
            continue
        if isinstance(outcome, Skipped):
            skipped.append(outcome.reason)
        else:
            result.articles.append(outcome)
    for reason, count in Counter(skipped).items():
        suffix = f" ({count} in this file)" if count > 1 else ""
        result.skipped.append(Skipped(reason + suffix))
    if not result.articles and not result.skipped and not result.failed:
        detail = result.warnings[0] if result.warnings else "no posts"
        raise ImportFailure(f"nothing to import from this WordPress response: {detail}")
    return result


def _article(
    obj: dict[str, Any], options: ImportOptions, warnings: list[str]
) -> ImportedArticle | Skipped:
    seo = Seo(obj)
    title = plain_text(rendered_text(obj.get("title"))) or seo.headline() or "Untitled"
    status = as_text(obj.get("status")) or "publish"
    wp_type = as_text(obj.get("type")) or "post"
    noun = "page" if wp_type == "page" else "post"
    if status == "trash":
        return Skipped(f"{noun} “{title}” is in the trash")
    if status in UNPUBLISHED and not options.include_drafts:
        return Skipped(f"{status} {noun} “{title}” (import with drafts included to add it)")
    content_field = obj.get("content")
    content = rendered_text(content_field)
    if isinstance(content_field, dict) and content_field.get("protected") and not content.strip():
        return Skipped(f"password-protected {noun} “{title}”: its text is not in the file")
    if content_field is None:
        raise ImportFailure(f"{noun} “{title}” has no content field")
    link = http_url(rendered_text(obj.get("link")))
    url = seo.canonical() or link
    featured = post_featured_image(obj, seo)
    shown = with_featured_image(content, rest_featured_image(obj, featured))
    canonical = canonicalize(shown, base_url=link or url)
    if not canonical.text:
        warnings.append(f"{noun} “{title}” has no text")
    excerpt = excerpt_text(rendered_text(obj.get("excerpt")), link) or seo.description()
    categories, tags, other_terms = post_terms(obj, seo)
    published = post_date(obj, "date", "date_gmt", seo.offset("published"))
    modified = post_date(obj, "modified", "modified_gmt", seo.offset("modified"))
    metadata: dict[str, Any] = {"wp_type": wp_type, "status": status}
    for key in ("slug", "format", "comment_status"):
        if as_text(obj.get(key)):
            metadata[key] = as_text(obj.get(key))
    if isinstance(obj.get("sticky"), bool):
        metadata["sticky"] = obj["sticky"]
    if isinstance(obj.get("parent"), int) and obj["parent"]:
        metadata["parent_id"] = obj["parent"]
    if seo.description():
        metadata["seo_description"] = seo.description()
    if seo.title():
        metadata["seo_title"] = seo.title()
    if other_terms:
        metadata["terms"] = other_terms
    return ImportedArticle(
        title=title,
        html=canonical.html,
        text=canonical.text,
        source_format=SourceFormat.WORDPRESS_JSON,
        authors=post_authors(obj, seo),
        site_name=seo.site_name(title) or site_from_url(url),
        url=url,
        guid=as_text(html.unescape(rendered_text(obj.get("guid")))),
        external_id=as_text(obj.get("id")) if isinstance(obj.get("id"), int | str) else "",
        published=published,
        modified=modified,
        excerpt=excerpt,
        language=as_text(obj.get("lang")) or seo.language(),
        categories=categories,
        tags=tags,
        featured_image=featured,
        metadata=metadata,
    )
