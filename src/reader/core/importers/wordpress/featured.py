"""A post's featured image at the top of its article, when the post's text does not show it.

Why Margin shows it: a WordPress theme prints the featured image ("post thumbnail")
above the post on the post's own page (``the_post_thumbnail()`` in nearly every
``single.php``), and read-later apps (Pocket, Readwise Reader, Instapaper) open an
article with its lead image. So the article as its readers saw it starts with that
picture, and for a clinical post it is often the diagram the post is about. Margin
shows it the same way: a ``<figure>`` before the text, with the export's caption and
its alt text as the accessible name.

What it is not: fetched. It is a web image like the post's others, a placeholder until
the user asks for Download Images, and stored with them then. It is left out when the
post already shows the same picture (any size of the same upload, or the same
attachment id), so no picture is shown twice. Only WordPress's own record counts (the
REST ``_embedded["wp:featuredmedia"]`` or ``featured_media`` with the SEO plugin's
image, and WXR's ``_thumbnail_id`` attachment): a saved page's ``og:image`` is as often
a logo or a social-card crop, so there it stays metadata.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree

from reader.core.images.choose import LAZY_SRC, LAZY_SRCSET
from reader.core.images.references import parse_srcset, ranked

# WordPress names each size of an upload after it: photo-300x200.jpg, photo-scaled.jpg
# (WordPress 5.3's big-image copy), photo-rotated.jpg, photo-e1712345678901.jpg (edited).
_SIZE_SUFFIX = re.compile(r"(?:-\d+x\d+|-scaled|-rotated|-e\d{10,}|@\dx)+$", re.I)
_ATTACHMENT_CLASS = re.compile(r"\bwp-image-(\d+)\b")


@dataclass(slots=True)
class FeaturedImage:
    """The featured image as the export records it."""

    url: str
    alt: str = ""
    caption: str = ""
    attachment_id: str = ""
    sizes: list[tuple[str, float]] = field(default_factory=list)  # (url, width)


def rest_featured_image(
    obj: dict[str, Any], recorded: dict[str, str] | None
) -> FeaturedImage | None:
    """From a REST post: the embedded media, else, when ``featured_media`` names one, the
    image the SEO plugin records for the post (``recorded``; Yoast and AIOSEO give the
    featured image there)."""
    ident = obj.get("featured_media")
    attachment = str(ident) if isinstance(ident, int) and ident > 0 else ""
    embedded = obj.get("_embedded")
    media_list = embedded.get("wp:featuredmedia") if isinstance(embedded, dict) else None
    for media in media_list if isinstance(media_list, list) else []:
        if not isinstance(media, dict) or not _http(media.get("source_url")):
            continue
        mime = str(media.get("mime_type") or "image/").lower()
        if not mime.startswith("image/") or mime.startswith("image/svg"):
            return None  # a video or an SVG: no picture Margin could show
        caption = media.get("caption")
        caption = caption.get("rendered") if isinstance(caption, dict) else caption
        return FeaturedImage(
            url=str(media["source_url"]),
            alt=_plain(media.get("alt_text")),
            caption=_plain(caption),
            attachment_id=str(media.get("id") or attachment),
            sizes=_sizes(media),
        )
    if attachment and recorded and _http(recorded.get("url")):
        return FeaturedImage(
            url=recorded["url"],
            alt=recorded.get("alt", ""),
            caption=recorded.get("caption", ""),
            attachment_id=attachment,
        )
    return None


def with_featured_image(content: str, image: FeaturedImage | None) -> str:
    """``content`` with the featured image's figure before it, unless it shows it already."""
    if image is None or not _http(image.url) or _shows(content, image):
        return content  # (a javascript: or file: "image" is no picture at all)
    best = ranked(image.sizes)[0] if image.sizes else image.url
    caption = f"<figcaption>{html.escape(image.caption)}</figcaption>" if image.caption else ""
    figure = (
        f'<figure><img src="{html.escape(best)}" alt="{html.escape(image.alt)}">'
        f"{caption}</figure>\n"
    )
    return figure + content


def _shows(content: str, image: FeaturedImage) -> bool:
    if "<img" not in content.lower():
        return False
    wanted = {_upload_key(image.url)} | {_upload_key(url) for url, _ in image.sizes}
    wanted.discard("")
    try:
        root = lxml.html.fragment_fromstring(content, create_parent="div")
    except (etree.ParserError, ValueError):
        return False
    for el in root.iter("img", "source"):
        ids = {el.get("data-attachment-id") or "", el.get("data-id") or ""}
        found = _ATTACHMENT_CLASS.search(el.get("class") or "")
        if found:
            ids.add(found.group(1))
        if image.attachment_id and image.attachment_id in ids:
            return True
        refs = [el.get("src") or "", *(el.get(a) or "" for a in LAZY_SRC)]
        for attribute in ("srcset", *LAZY_SRCSET):
            refs += [url for url, _ in parse_srcset(el.get(attribute) or "")]
        if wanted & {_upload_key(ref) for ref in refs}:
            return True
    return False


def _upload_key(url: str) -> str:
    """The upload's own name, whatever size of it a URL names: ``Photo-1024x768.jpg`` →
    ``photo``. Two images of one post with one name are the same picture."""
    if not url or url[:5].lower() == "data:":
        return ""
    name = posixpath.basename(unquote(urlsplit(url.strip()).path))
    stem = posixpath.splitext(name)[0]
    return _SIZE_SUFFIX.sub("", stem).lower()


def _sizes(media: dict[str, Any]) -> list[tuple[str, float]]:
    details = media.get("media_details")
    sizes = details.get("sizes") if isinstance(details, dict) else None
    out: list[tuple[str, float]] = []
    for size in sizes.values() if isinstance(sizes, dict) else []:
        if isinstance(size, dict) and _http(size.get("source_url")):
            width = size.get("width")
            if isinstance(width, int | float) and width > 0:
                out.append((str(size["source_url"]), float(width)))
    full_width = details.get("width") if isinstance(details, dict) else None
    if out and isinstance(full_width, int | float) and full_width > 0:
        out.append((str(media["source_url"]), float(full_width)))
    return out


def _http(value: Any) -> bool:
    return isinstance(value, str) and urlsplit(value.strip()).scheme.lower() in ("http", "https")


def _plain(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        return ""
    if "<" not in value and "&" not in value:
        return " ".join(value.split())
    try:
        root = lxml.html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(html.unescape(value).split())
    return " ".join(root.text_content().split())
