"""WordPress's post types that hold no article, and its unpublished statuses.

One table for both WordPress importers: the REST one names a single skipped object
(``one``), the WXR one counts each kind in an export (``many``).
"""

from __future__ import annotations

from typing import NamedTuple


class PostTypeName(NamedTuple):
    """What the import report calls one object of a post type, and several."""

    one: str
    many: str


# Post types that hold no article: media, revisions, block-editor internals, menus, caches.
NOT_ARTICLE_TYPES: dict[str, PostTypeName] = {
    "attachment": PostTypeName("WordPress media item", "attachments (media items)"),
    "revision": PostTypeName("WordPress revision", "revisions"),
    "nav_menu_item": PostTypeName("WordPress menu item", "navigation menu items"),
    "wp_block": PostTypeName("WordPress reusable block", "reusable blocks"),
    "wp_template": PostTypeName("WordPress template", "site templates"),
    "wp_template_part": PostTypeName("WordPress template part", "site template parts"),
    "wp_navigation": PostTypeName("WordPress navigation menu", "navigation menus"),
    "wp_global_styles": PostTypeName("WordPress global styles", "global style settings"),
    "wp_font_family": PostTypeName("WordPress font", "font families"),
    "wp_font_face": PostTypeName("WordPress font", "font faces"),
    "customize_changeset": PostTypeName("WordPress customizer changeset", "customizer changesets"),
    "oembed_cache": PostTypeName("WordPress oEmbed cache entry", "oEmbed cache entries"),
    "user_request": PostTypeName("WordPress privacy request", "privacy requests"),
    "custom_css": PostTypeName("WordPress custom CSS", "custom CSS entries"),
}

# Statuses of posts not (yet) public: imported only when the user asks for drafts.
DRAFT_STATUSES = frozenset({"draft", "pending", "private", "future"})
