"""One post's fields beyond its text: dates with their offset, authors, categories and
tags, the featured image and the excerpt, each from the best source the file has
(``_embedded``, then the SEO plugin, then ``class_list``; see the package docstring).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import unquote

from reader.core.importers.wordpress.kinds import is_rest_error
from reader.core.importers.wordpress.seo import Seo
from reader.core.importers.wordpress.values import (
    as_text,
    http_url,
    parse_datetime,
    plain_text,
    rendered_text,
    unique,
)
from reader.core.sanitize import canonicalize


def excerpt_text(markup: str, base_url: str) -> str:
    text = canonicalize(markup, base_url=base_url).text if markup else ""
    text = " ".join(text.split())
    # WordPress's "more" marker: "… [&hellip;]" or "[…]".
    text = re.sub(r"\s*\[(?:…|\.\.\.)\]\s*$", "…", text)
    return text


def post_date(
    obj: dict[str, Any], local_key: str, gmt_key: str, seo_offset: dt.timedelta | None
) -> dt.datetime | None:
    local = parse_datetime(obj.get(local_key))
    gmt = parse_datetime(obj.get(gmt_key))
    if local is not None and local.tzinfo is not None:
        return local
    if gmt is not None:
        gmt = gmt.replace(tzinfo=dt.UTC) if gmt.tzinfo is None else gmt
        if local is None:
            return gmt
        offset = local - gmt.replace(tzinfo=None)
        if _plausible_offset(offset):
            return local.replace(tzinfo=dt.timezone(offset))
        return gmt
    if local is None:
        return None
    if seo_offset is not None:
        return local.replace(tzinfo=dt.timezone(seo_offset))
    # A draft has no date_gmt; the site's offset may still show in the modified pair.
    mod_local = parse_datetime(obj.get("modified"))
    mod_gmt = parse_datetime(obj.get("modified_gmt"))
    if mod_local is not None and mod_gmt is not None and mod_gmt.tzinfo is None:
        offset = mod_local.replace(tzinfo=None) - mod_gmt
        if _plausible_offset(offset):
            return local.replace(tzinfo=dt.timezone(offset))
    return local


def _plausible_offset(offset: dt.timedelta) -> bool:
    return abs(offset) <= dt.timedelta(hours=14) and offset.total_seconds() % 900 == 0


def _embedded(obj: dict[str, Any], key: str) -> list[Any]:
    embedded = obj.get("_embedded")
    value = embedded.get(key) if isinstance(embedded, dict) else None
    return value if isinstance(value, list) else []


def _ok(entry: Any) -> bool:
    """An embedded entry that is data, not a REST error (``rest_forbidden``…)."""
    return isinstance(entry, dict) and not is_rest_error(entry)


def post_authors(obj: dict[str, Any], seo: Seo) -> list[str]:
    names = [plain_text(as_text(a.get("name"))) for a in _embedded(obj, "author") if _ok(a)]
    names = unique(names)
    if not names:
        names = seo.authors()
    if not names and isinstance(obj.get("author_name"), str):
        names = unique([plain_text(obj["author_name"])])
    return names


def post_terms(obj: dict[str, Any], seo: Seo) -> tuple[list[str], list[str], dict[str, list[str]]]:
    categories: list[str] = []
    tags: list[str] = []
    others: dict[str, list[str]] = {}
    embedded_terms = False
    for group in _embedded(obj, "wp:term"):
        if not isinstance(group, list):
            continue
        for term in group:
            if not _ok(term):
                continue
            embedded_terms = True
            name = plain_text(as_text(term.get("name")))
            taxonomy = as_text(term.get("taxonomy"))
            if not name:
                continue
            if taxonomy == "category":
                categories.append(name)
            elif taxonomy == "post_tag":
                tags.append(name)
            elif taxonomy:
                others.setdefault(taxonomy, []).append(name)
    if embedded_terms:
        return unique(categories), unique(tags), {k: unique(v) for k, v in others.items()}
    # No _embed: names from the SEO plugin, then slugs from class_list.
    listed = obj.get("categories")
    category_ids = listed if isinstance(listed, list) else []
    known = seo.section_names()
    for category_id in category_ids:
        name = seo.breadcrumb_category(category_id)
        if name:
            categories.append(name)
    for slug in _class_slugs(obj, "category-"):
        if slug.isdigit() or any(_slugify(c) == slug for c in categories):
            continue
        match = next((n for n in known if _slugify(n) == slug), "")
        categories.append(match or _humanise(slug).title())
    if not categories:
        categories = seo.yoast_sections()
    tags = seo.yoast_keywords()
    if not tags:
        tags = [_humanise(slug) for slug in _class_slugs(obj, "tag-") if not slug.isdigit()]
    return unique(categories), unique(tags), others


def _class_slugs(obj: dict[str, Any], prefix: str) -> list[str]:
    classes = obj.get("class_list")
    if isinstance(classes, dict):  # PHP arrays with gaps serialise as objects
        classes = list(classes.values())
    if not isinstance(classes, list):
        return []
    return [
        unquote(c[len(prefix) :]).lower()
        for c in classes
        if isinstance(c, str) and c.startswith(prefix) and len(c) > len(prefix)
    ]


def _slugify(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name.lower()).strip("-")


def _humanise(slug: str) -> str:
    return " ".join(as_text(slug).replace("-", " ").replace("_", " ").split())


def post_featured_image(obj: dict[str, Any], seo: Seo) -> dict[str, str] | None:
    for media in _embedded(obj, "wp:featuredmedia"):
        if not _ok(media):
            continue
        url = http_url(as_text(media.get("source_url")))
        alt = plain_text(as_text(media.get("alt_text")))
        caption = plain_text(rendered_text(media.get("caption")))
        if url or alt or caption:
            return {"alt": alt, "caption": caption, "url": url}
    if obj.get("featured_media") in (0, None) and "featured_media" in obj:
        return None
    return seo.image()
