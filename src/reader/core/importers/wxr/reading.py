"""Reading a WordPress export: the channel, its authors and each item, streamed.

``iterparse`` copies each ``<item>`` out as plain strings and clears its element, so a
tens-of-megabytes export is never held twice. The one repair (CDATA nested in CDATA,
read as WordPress's own regex parser reads it) is here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from reader.core import xmlsafe
from reader.core.errors import ImportFailure

_WP_NS = re.compile(r"^https?://wordpress\.org/export/[^/]+/$")
_EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/[^/]+/excerpt/$")
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"


@dataclass(slots=True)
class Item:
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
class Channel:
    """The export's site (title, link, language), its authors and its items."""

    title: str = ""
    link: str = ""
    language: str = ""
    wxr_version: str = ""
    authors: dict[str, str] = field(default_factory=dict)  # login → display name
    items: list[Item] = field(default_factory=list)


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


def _read_item(el: etree._Element) -> Item:
    item = Item()
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


def _read_category(el: etree._Element, item: Item) -> None:
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


def _read_wp_field(el: etree._Element, local: str, item: Item) -> None:
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


def _stream(data: bytes, warnings: list[str]) -> Channel:
    """Read the export, freeing each item's element as soon as it is copied out."""
    channel = Channel()
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


def read_export(data: bytes) -> tuple[Channel, list[str]]:
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
