"""What kind of WordPress object a JSON object is: a post (or page, or custom post
type), or a comment, media item, term, user, REST error or other non-article.
"""

from __future__ import annotations

import re
from typing import Any

from reader.core.importers.wordpress.posttypes import NOT_ARTICLE_TYPES
from reader.core.importers.wordpress.values import as_text

# Keys that only WordPress REST objects have (or nearly): two of them make a WP object.
WP_KEYS = {
    "date_gmt", "modified_gmt", "guid", "slug", "link", "_links", "_embedded",
    "featured_media", "comment_status", "ping_status", "author_name", "avatar_urls",
    "taxonomy", "yoast_head", "yoast_head_json", "aioseo_head", "aioseo_head_json",
    "class_list", "sticky", "template", "menu_order",
}  # fmt: skip
# Revisions and autosaves keep the post type of their post but carry a slug like this.
_REVISION_SLUG = re.compile(r"\d+-(?:auto)?(?:revision|autosave)-v\d+")


def is_rest_error(obj: dict[str, Any]) -> bool:
    return isinstance(obj.get("code"), str) and "message" in obj and "id" not in obj


def _has_rendered(value: Any) -> bool:
    return isinstance(value, dict) and ("rendered" in value or "raw" in value)


def kind_of(obj: dict[str, Any]) -> str | None:
    """post, comment, media, term, user, error, other; None when not WordPress."""
    if is_rest_error(obj):
        return "error"
    wp_type = obj.get("type")
    if wp_type == "attachment" or ("media_type" in obj and "source_url" in obj):
        return "media"
    if wp_type == "comment" or ("author_name" in obj and "post" in obj):
        return "comment"
    if "taxonomy" in obj and "name" in obj and "content" not in obj:
        return "term"
    if "avatar_urls" in obj and "name" in obj and "content" not in obj:
        return "user"
    if "rest_base" in obj and ("slug" in obj or "name" in obj):
        return "other"  # /wp/v2/types or /wp/v2/taxonomies
    rendered = any(_has_rendered(obj.get(key)) for key in ("title", "content", "excerpt", "guid"))
    plain = isinstance(obj.get("content"), str) and isinstance(obj.get("title"), str)
    wp_keys = len(WP_KEYS & obj.keys())
    if rendered or (plain and wp_keys >= 1) or (wp_keys >= 2 and "content" in obj):
        if isinstance(wp_type, str) and wp_type in NOT_ARTICLE_TYPES:
            return "other"
        if _REVISION_SLUG.fullmatch(as_text(obj.get("slug"))):
            return "other"
        return "post"
    if wp_keys >= 2:
        return "other"
    return None


def not_article_reason(obj: dict[str, Any], kind: str) -> str:
    if kind == "comment":
        return "WordPress comment, not an article"
    if kind == "media":
        return "WordPress media item (attachment), not an article"
    if kind == "term":
        taxonomy = as_text(obj.get("taxonomy"))
        label = {"category": "category", "post_tag": "tag"}.get(taxonomy, f"{taxonomy} term")
        return f"WordPress {label}, not an article"
    if kind == "user":
        return "WordPress user, not an article"
    if kind == "error":
        return f"WordPress REST error ({as_text(obj.get('message'))}), not an article"
    wp_type = as_text(obj.get("type"))
    if wp_type in NOT_ARTICLE_TYPES:
        return f"{NOT_ARTICLE_TYPES[wp_type].one}, not an article"
    if _REVISION_SLUG.fullmatch(as_text(obj.get("slug"))):
        return "WordPress revision, not an article"
    return "WordPress object that is not a post, not an article"
