"""WordPress eXtended RSS (Tools > Export) importer, WXR 1.0 to 1.2.

What becomes an article: posts and pages whose status is ``publish``; drafts, pending,
scheduled (``future``) and private ones only with ``ImportOptions.include_drafts``.
Password-protected posts are imported like any other: the export holds their text in
the clear and the person importing it is the site's owner; ``metadata`` records
``password_protected`` so the UI can say so. The password itself is never kept.

Attachments, navigation menu items, other post types and comments are not articles:
each kind is reported once as :class:`Skipped` with a count. Attachments still serve
the posts: they give images their alt text and captions, and the featured image.

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
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from reader.core import xmlsafe
from reader.core.errors import ImportFailure
from reader.core.model import (
    ImportedArticle,
    ImportOptions,
    ParseResult,
    Skipped,
    SourceFormat,
)
from reader.core.sanitize import canonicalize

_WP_NS = re.compile(r"^https?://wordpress\.org/export/[^/]+/$")
_EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/[^/]+/excerpt/$")
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"

ARTICLE_TYPES = {"post", "page"}
PUBLISHED = {"publish"}
DRAFT_STATUSES = {"draft", "pending", "private", "future"}

# What a skipped post type is called in the report.
_KIND_NAMES = {
    "attachment": "attachments (media items)",
    "nav_menu_item": "navigation menu items",
    "revision": "revisions",
    "wp_block": "reusable blocks",
    "wp_template": "site templates",
    "wp_template_part": "site template parts",
    "wp_navigation": "navigation menus",
    "wp_global_styles": "global style settings",
    "custom_css": "custom CSS entries",
}


@dataclass(slots=True)
class _Item:
    """The parts of one <item> Margin uses, as plain strings (the element is freed)."""

    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_id: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    post_modified: str = ""
    post_modified_gmt: str = ""
    status: str = ""
    post_type: str = ""
    password: bool = False
    sticky: bool = False
    post_name: str = ""
    attachment_url: str = ""
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    post_format: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    comment_count: int = 0


@dataclass(slots=True)
class _Channel:
    title: str = ""
    link: str = ""
    language: str = ""
    wxr_version: str = ""
    authors: dict[str, str] = field(default_factory=dict)  # login → display name
    items: list[_Item] = field(default_factory=list)


# --- sniff -----------------------------------------------------------------------------


def sniff(head: bytes, name: str) -> bool:
    """An RSS document that declares a WordPress export namespace."""
    lowered = head.lower()
    return b"<rss" in lowered and b"wordpress.org/export/" in lowered


# --- reading the XML -------------------------------------------------------------------


def _kind(el: etree._Element) -> tuple[str, str]:
    """(namespace family, local name): "wp", "excerpt", "content", "dc" or ""."""
    qname = etree.QName(el)
    ns = qname.namespace or ""
    if _EXCERPT_NS.match(ns):
        family = "excerpt"
    elif _WP_NS.match(ns):
        family = "wp"
    elif ns == _CONTENT_NS:
        family = "content"
    elif ns == _DC_NS:
        family = "dc"
    else:
        family = ""
    return family, qname.localname


def _text(el: etree._Element) -> str:
    return xmlsafe.text_of(el).strip()


def _read_item(el: etree._Element) -> _Item:
    item = _Item()
    for child in el:
        if not isinstance(child.tag, str):
            continue
        family, local = _kind(child)
        if family == "":
            if local == "title":
                item.title = _text(child)
            elif local == "link":
                item.link = _text(child)
            elif local == "guid":
                item.guid = _text(child)
            elif local == "category":
                _read_category(child, item)
        elif family == "content" and local == "encoded":
            item.content = xmlsafe.text_of(child)
        elif family == "excerpt" and local == "encoded":
            item.excerpt = xmlsafe.text_of(child)
        elif family == "dc" and local == "creator":
            item.creator = _text(child)
        elif family == "wp":
            _read_wp_field(child, local, item)
    return item


def _read_category(el: etree._Element, item: _Item) -> None:
    name = _text(el)
    if not name:
        return
    domain = el.get("domain", "category")
    if domain == "category":
        target = item.categories
    elif domain in ("post_tag", "tag"):
        target = item.tags
    elif domain == "post_format":
        item.post_format = el.get("nicename", "") or name
        return
    else:
        return
    if name not in target:
        target.append(name)


def _read_wp_field(el: etree._Element, local: str, item: _Item) -> None:
    simple = {
        "post_id": "post_id",
        "post_date": "post_date",
        "post_date_gmt": "post_date_gmt",
        "post_modified": "post_modified",
        "post_modified_gmt": "post_modified_gmt",
        "status": "status",
        "post_type": "post_type",
        "post_name": "post_name",
        "attachment_url": "attachment_url",
    }
    if local in simple:
        setattr(item, simple[local], _text(el))
    elif local == "post_password":
        item.password = bool(_text(el))
    elif local == "is_sticky":
        item.sticky = _text(el) == "1"
    elif local == "postmeta":
        key = value = ""
        for child in el:
            if not isinstance(child.tag, str):
                continue
            _, sub = _kind(child)
            if sub == "meta_key":
                key = _text(child)
            elif sub == "meta_value":
                value = xmlsafe.text_of(child)
        if key in ("_wp_attachment_image_alt", "_thumbnail_id"):
            item.meta[key] = value.strip()
    elif local == "comment":
        item.comment_count += 1


def _read_author(el: etree._Element, authors: dict[str, str]) -> None:
    login = display = ""
    first = last = ""
    for child in el:
        if not isinstance(child.tag, str):
            continue
        _, local = _kind(child)
        if local == "author_login":
            login = _text(child)
        elif local == "author_display_name":
            display = _text(child)
        elif local == "author_first_name":
            first = _text(child)
        elif local == "author_last_name":
            last = _text(child)
    if login:
        authors[login] = display or " ".join(p for p in (first, last) if p) or login


def _stream(data: bytes, warnings: list[str]) -> _Channel:
    """Read the export, freeing each item's element as soon as it is copied out."""
    channel = _Channel()
    events = xmlsafe.iterparse(data, warnings=warnings)
    for _, el in events:
        if not isinstance(el.tag, str):
            continue
        family, local = _kind(el)
        if family == "" and local == "item":
            channel.items.append(_read_item(el))
            el.clear(keep_tail=False)
        elif family == "wp" and local == "author" and _is_channel_child(el):
            _read_author(el, channel.authors)
            el.clear(keep_tail=False)
    root = events.root
    if root is None or etree.QName(root).localname != "rss":
        raise ImportFailure("this XML file is not a WordPress export (no <rss> root element)")
    chan = next((c for c in root if isinstance(c.tag, str) and _kind(c) == ("", "channel")), None)
    if chan is None:
        raise ImportFailure("this WordPress export has no <channel> element")
    for child in chan:
        if not isinstance(child.tag, str):
            continue
        family, local = _kind(child)
        if family == "" and local == "title":
            channel.title = _text(child)
        elif family == "" and local == "link":
            channel.link = _text(child)
        elif family == "" and local == "language":
            channel.language = _text(child)
        elif family == "wp" and local == "wxr_version":
            channel.wxr_version = _text(child)
    return channel


def _is_channel_child(el: etree._Element) -> bool:
    parent = el.getparent()
    return parent is not None and _kind(parent) == ("", "channel")


# The one repair: an element whose whole content is CDATA that itself contains
# "<![CDATA[" or "]]>". Everything between the first "<![CDATA[" after the start tag
# and the last "]]>" before the end tag is the text, as WordPress's regex parser reads it.
_CDATA_ELEMENT = re.compile(
    rb"<(?P<tag>[A-Za-z_][\w:.-]*)(?P<attrs>\s[^<>]*)?>\s*<!\[CDATA\[(?P<body>.*?)\]\]>\s*</(?P=tag)>",
    re.S,
)


def _repair_nested_cdata(data: bytes) -> bytes:
    def repl(m: re.Match[bytes]) -> bytes:
        body = m.group("body")
        if b"<![CDATA[" not in body and b"]]>" not in body:
            return m.group(0)
        escaped = body.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")
        return b"<%s%s>%s</%s>" % (m["tag"], m["attrs"] or b"", escaped, m["tag"])

    return _CDATA_ELEMENT.sub(repl, data)


def _read(data: bytes) -> tuple[_Channel, list[str]]:
    warnings: list[str] = []
    try:
        return _stream(data, warnings), warnings
    except etree.XMLSyntaxError as exc:
        first_error = xmlsafe.describe_syntax_error(exc)
        if b"<![CDATA[" not in data:
            raise ImportFailure(first_error) from None
    repaired = _repair_nested_cdata(data)
    if repaired == data:
        raise ImportFailure(first_error)
    warnings = []
    try:
        channel = _stream(repaired, warnings)
    except etree.XMLSyntaxError:
        raise ImportFailure(first_error) from None
    warnings.append(
        f"the export is not well-formed XML ({first_error}); it was read the way "
        "WordPress reads it, taking nested CDATA sections as text"
    )
    return channel, warnings


# --- content ---------------------------------------------------------------------------

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*?-->")
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"\]]+))""")
_CAPTION = re.compile(r"\[(caption|wp_caption)\b([^\]]*)\](.*?)\[/\1\]", re.S)
_CAPTION_IMAGE = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.S)
_ENCLOSING = re.compile(r"\[([A-Za-z][\w-]*)\b([^\]]*)\](.*?)\[/\1\]", re.S)
# Shortcodes whose output is media or markup Margin cannot show offline.
_DROPPED = ("gallery", "playlist", "embed", "audio", "video", "wpvideo", "soundcloud", "youtube")
_MEDIA_URL = re.compile(r"https?://[^\s\"'\]]+")
_SELF_CLOSING_KNOWN = re.compile(
    r"\[(?:" + "|".join(_DROPPED) + r"|contact-form(?:-7)?|gravityforms?|wpforms|"
    r"instagram|tweet|googlemaps|slideshow|toc)\b[^\]]*\]",
    re.I,
)
# Any other "[name key=value …]" or "[name /]" is a shortcode; "[1]", "[sic]" are not.
_SELF_CLOSING_ATTRS = re.compile(r"\[[A-Za-z][\w-]*\s+[^\]]*=[^\]]*\]|\[[A-Za-z][\w-]*\s*/\]")

_BARE_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.M)

_ALLBLOCKS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|"
    "map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|"
    "aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary"
)


def _attrs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR.finditer(text):
        out[m.group(1).lower()] = next((g for g in m.groups()[1:] if g is not None), "")
    return out


@dataclass(slots=True)
class _Media:
    url: str = ""
    alt: str = ""
    caption: str = ""
    title: str = ""


def _captions_to_figures(content: str, media: dict[str, _Media]) -> str:
    def repl(m: re.Match[str]) -> str:
        attrs = _attrs(m.group(2))
        inner = m.group(3)
        split = _CAPTION_IMAGE.match(inner)
        image, rest = (split.group(1), split.group(2)) if split else ("", inner)
        caption = attrs.get("caption") or rest.strip()
        ident = attrs.get("id", "").removeprefix("attachment_")
        if not caption and ident in media:
            caption = html.escape(media[ident].caption)
        if not image and not caption:
            return ""
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        return f"\n\n<figure>{image}{figcaption}</figure>\n\n"

    return _CAPTION.sub(repl, content)


def _media_link(name: str, attrs_text: str, inner: str) -> str:
    """An audio/video/embed shortcode's URL as a plain link (nothing plays offline)."""
    if name.lower() not in ("embed", "audio", "video"):
        return ""
    found = _MEDIA_URL.search(inner) or _MEDIA_URL.search(attrs_text)
    if not found:
        return ""
    url = html.escape(found.group(0))
    return f'<a href="{url}">{url}</a>'


def _strip_shortcodes(content: str) -> str:
    # Enclosing shortcodes: keep their inner text (repeat for nesting), except media.
    for _ in range(5):

        def repl(m: re.Match[str]) -> str:
            name = m.group(1)
            if name.lower() in _DROPPED:
                return _media_link(name, m.group(2), m.group(3))
            return m.group(3)

        new = _ENCLOSING.sub(repl, content)
        if new == content:
            break
        content = new
    content = _SELF_CLOSING_KNOWN.sub(
        lambda m: _media_link(m.group(0)[1:].split()[0].rstrip("]"), m.group(0), ""), content
    )
    return _SELF_CLOSING_ATTRS.sub("", content)


def autop(text: str) -> str:
    """WordPress's ``wpautop``, reduced: blank lines make paragraphs, single newlines <br>.

    Block-level tags are set apart first so they are never wrapped in <p>, and
    <pre> blocks keep their newlines, as in WordPress.
    """
    if not text.strip():
        return ""
    pres: list[str] = []

    def keep_pre(m: re.Match[str]) -> str:
        pres.append(m.group(0))
        return f"<pre wp-pre-tag-{len(pres) - 1}></pre>"

    text = re.sub(r"<pre\b.*?</pre>", keep_pre, text, flags=re.S | re.I)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.I)
    text = re.sub(rf"(<(?:{_ALLBLOCKS})[\s/>])", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</(?:{_ALLBLOCKS})>)", r"\1\n\n", text, flags=re.I)
    chunks = [c.strip() for c in re.split(r"\n\s*\n", text) if c.strip()]
    out: list[str] = []
    block_start = re.compile(rf"^</?(?:{_ALLBLOCKS})[\s/>]", re.I)
    block_end = re.compile(rf"</?(?:{_ALLBLOCKS})[^>]*>$", re.I)
    for chunk in chunks:
        if block_start.match(chunk) or block_end.search(chunk):
            out.append(chunk)
            continue
        if re.fullmatch(r"(?:<!--.*?-->\s*)+", chunk, flags=re.S):
            out.append(chunk)
            continue
        out.append("<p>" + re.sub(r"\s*\n\s*", "<br />\n", chunk) + "</p>")
    result = "\n".join(out)
    for i, pre in enumerate(pres):
        result = result.replace(f"<pre wp-pre-tag-{i}></pre>", pre)
    return result


def _fill_images(content: str, media: dict[str, _Media]) -> str:
    """Give images with no alt text the alt their attachment has in the export."""
    if "<img" not in content or not media:
        return content
    root = lxml.html.fragment_fromstring(content, create_parent="div")
    changed = False
    for img in root.iter("img"):
        if (img.get("alt") or "").strip():
            continue
        found = re.search(r"\bwp-image-(\d+)\b", img.get("class", ""))
        entry = media.get(found.group(1)) if found else None
        if entry is None:
            src = (img.get("src") or "").split("?")[0]
            entry = next((m for m in media.values() if m.url and m.url == src), None)
        if entry is not None and (entry.alt or entry.title):
            img.set("alt", entry.alt or entry.title)
            changed = True
    if not changed:
        return content
    parts = [root.text or ""]
    parts += [lxml.html.tostring(child, encoding="unicode") for child in root]
    return "".join(parts)


def _content_html(item: _Item, media: dict[str, _Media]) -> str:
    content = item.content
    has_blocks = "<!-- wp:" in content
    content = _BLOCK_COMMENT.sub("", content)
    content = _captions_to_figures(content, media)
    content = _strip_shortcodes(content)
    # A URL alone on its line is what WordPress turns into an embed: keep it as a link.
    content = _BARE_URL_LINE.sub(r'<a href="\1">\1</a>', content)
    if not has_blocks:
        content = autop(content)
    return _fill_images(content, media)


# --- metadata --------------------------------------------------------------------------


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


def _article(item: _Item, channel: _Channel, media: dict[str, _Media]) -> ImportedArticle:
    canon = canonicalize(_content_html(item, media), base_url=item.link)
    title = _plain(item.title)
    if not title:
        words = canon.text.split()
        title = " ".join(words[:10]) + ("…" if len(words) > 10 else "") if words else ""
        title = title or "(untitled)"
    authors = [channel.authors.get(item.creator, item.creator)] if item.creator else []
    featured = None
    thumb = media.get(item.meta.get("_thumbnail_id", ""))
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
    channel, warnings = _read(data)
    media: dict[str, _Media] = {}
    for item in channel.items:
        if item.post_type == "attachment" and item.post_id:
            media[item.post_id] = _Media(
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
        label = _KIND_NAMES.get(kind, f"items of type “{kind}”")
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
