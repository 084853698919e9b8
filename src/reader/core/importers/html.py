"""Saved web pages (``.html``): find the article, drop the page around it, read metadata.

Before extraction, navigation, share buttons, related-post widgets, comment threads,
ads and scripts are removed by tag and class, so their text cannot leak in; then
:mod:`.main_content` finds the article (readability-lxml, trafilatura as a second
opinion, reference lists and data tables protected).

Pictures: before that clean-up (which takes ``<noscript>`` with it),
:mod:`reader.core.images.choose` turns lazy-loaded images, their ``<noscript>`` copies
and ``<picture>`` sources into one plain ``<img>`` each. readability-lxml drops a block
that holds only a picture as "no content"; Margin keeps it as Readability.js does
(unless it is a thumbnail linking to another page), and adds the article's lead
``<figure>`` when it sits above the text, outside the block readability picks.
``python benchmarks/bench_page_images.py`` compares the pictures kept with
Readability.js's on its test pages.

Nothing is ever fetched: the page is parsed from the bytes with lxml's HTML parser
(``no_network``), and trafilatura only runs ``extract`` on the string.
"""

from __future__ import annotations

import logging
import re
from pathlib import PurePath

import lxml.html
from lxml import etree

from reader.core.errors import ImportFailure
from reader.core.htmlmeta import extract_metadata, site_from_url
from reader.core.images.choose import choose_pictures
from reader.core.images.collect import active as image_collector
from reader.core.importers.main_content import (
    class_tokens,
    drop_title_heading,
    extract_main_content,
    remove_keeping_tail,
)
from reader.core.model import ImportedArticle, ImportOptions, ParseResult, SourceFormat
from reader.core.sanitize import canonicalize, limit_depth
from reader.core.textdecode import declared_charset, decode_text, sniff_bom

# readability-lxml logs every removal at INFO on its own logger; keep the app log quiet.
logging.getLogger("readability.readability").setLevel(logging.WARNING)
logging.getLogger("trafilatura").setLevel(logging.ERROR)

_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_ANYWHERE = re.compile(rb"<(?:html|head|body)[\s>]", re.I)
_TAG = re.compile(rb"</?(?:p|div|a|span|h[1-6]|li|ul|ol|table|br|img|article|section)\b", re.I)
# JATS and WXR are sniffed before HTML, but stay out of their way anyway: a JATS
# article has a <body> too.
_XML_DOC = re.compile(
    rb"<(?:rss|front|article-meta|pmc-articleset|article\s[^>]*dtd-version|"
    rb"!DOCTYPE\s+(?:article|pmc))\b",
    re.I,
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)

# Whole elements that never belong to an article.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "form",
    "button", "input", "select", "textarea", "nav", "dialog", "svg", "canvas", "link",
    "meta",
)  # fmt: skip
_DROP_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary", "dialog"}
# class/id tokens of page furniture: share buttons, related posts, comments, ads…
_BOILERPLATE = re.compile(
    r"(?:^|[-_])(?:share|sharing|sharedaddy|social|related|relatedposts|jp-relatedposts|"
    r"comments?|commentlist|disqus|respond|newsletter|subscribe|subscription|signup|"
    r"breadcrumbs?|cookie|consent|promo|sponsored|advert|advertisement|ads?|adslot|"
    r"outbrain|taboola|popup|modal|paywall|skip-link|screen-reader-text|sr-only|"
    r"visually-hidden|print-only)(?:[-_]|$)",
    re.I,
)
# …unless the same element is also marked as the article ("post comments-open").
_KEEP_HINT = re.compile(
    r"^(?:(?:article|entry|post|story|main)[-_]?)?"
    r"(?:body|content|text|main|article|entry|post|story|hentry)$",
    re.I,
)


def sniff(head: bytes, name: str) -> bool:
    """An HTML page: starts like one, or is full of HTML tags, and is not JATS/RSS XML."""
    _, head = sniff_bom(head)
    if head[:4].count(0) >= 1:  # UTF-16 without BOM: look at the ASCII bytes
        head = head.replace(b"\x00", b"")
    if head.lstrip()[:1] in (b"{", b"["):
        return False  # JSON (a WordPress REST export full of HTML strings)
    if _XML_DOC.search(head[:4096]):
        return False
    if head.lstrip().startswith(b"<?xml") and not re.search(rb"<html\b", head[:4096], re.I):
        return False
    if _HTML_START.match(head) or _HTML_ANYWHERE.search(head[:4096]):
        return True
    suffix = PurePath(name).suffix.lower()
    tags = len(_TAG.findall(head))
    return tags >= 12 or (suffix in (".html", ".htm", ".xhtml") and tags >= 2)


def parse(data: bytes, name: str, options: ImportOptions) -> ParseResult:
    """One saved page → one article (its main content and metadata)."""
    bom, _ = sniff_bom(data)
    text = decode_text(data, declared=None if bom else declared_charset(data))
    root = _parse_html(text)
    meta = extract_metadata(root)
    result = ParseResult()

    # Before the page furniture goes (it takes <noscript> and aria-hidden images with
    # it): lazy-loaded images, their <noscript> copies and <picture>s become one plain
    # <img> each, holding the real picture.
    collector = image_collector()
    choose_pictures(root, collector.local_bytes if collector is not None else None)
    _strip_boilerplate(root)
    cleaned = lxml.html.tostring(root, encoding="unicode")
    article_html, extractor = extract_main_content(cleaned)
    if not article_html.strip():
        raise ImportFailure("no article text found in the page")
    title = meta.title or PurePath(name).stem
    article_html = drop_title_heading(article_html, title)
    canonical = canonicalize(article_html, base_url=meta.canonical_url)
    if not canonical.text.strip():
        raise ImportFailure("no article text found in the page")

    metadata: dict[str, object] = {"extractor": extractor}
    if meta.byline:
        metadata["byline"] = meta.byline
    if meta.published_raw:
        metadata["published_raw"] = meta.published_raw
    direction = (root.get("dir") or "").lower()
    if direction in ("rtl", "ltr"):
        metadata["dir"] = direction
    identifiers = {k: v for k, v in meta.extra.items() if k in ("pmid", "doi")}
    result.articles.append(
        ImportedArticle(
            title=title,
            html=canonical.html,
            text=canonical.text,
            source_format=SourceFormat.HTML,
            authors=meta.authors,
            site_name=meta.site_name,
            url=meta.canonical_url,
            published=meta.published,
            modified=meta.modified,
            excerpt=meta.excerpt,
            language=meta.language,
            categories=meta.categories,
            tags=meta.tags,
            featured_image={"url": meta.image, "alt": "", "caption": ""} if meta.image else None,
            identifiers=identifiers,
            metadata=metadata,
        )
    )
    fill_site_from_address(result.articles[0])
    return result


def fill_site_from_address(article: ImportedArticle) -> None:
    """A page that names no site gets its address's host ("zotero.org") as its site.

    The Site column should say where a page came from, and a blank tells the reader
    nothing. Readability's golden metadata leaves ``siteName`` null for such pages (it
    reports only what a page declares), so the derived name is marked in
    ``metadata["site_name_from"]``: benchmarks/bench_extraction.py compares the declared
    name with Readability's and counts the derived ones apart.
    """
    if not article.site_name:
        article.site_name = site_from_url(article.url)
        if article.site_name:
            article.metadata["site_name_from"] = "address"


# --- parsing and cleaning --------------------------------------------------------------


def _parse_html(text: str) -> lxml.html.HtmlElement:
    # lxml refuses str input that carries an XML encoding declaration; the text is
    # already decoded, so the declaration has nothing left to say.
    text = _XML_DECL.sub("", text, count=1)
    # libxml2 drops whatever sits deeper than 255 elements; unwrap past that first.
    text = limit_depth(text)
    parser = lxml.html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, recover=True
    )
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ImportFailure(f"the HTML page cannot be read: {exc}") from None
    if root is None:
        raise ImportFailure("the HTML page is empty")
    return root


def _is_boilerplate(el: etree._Element) -> bool:
    tokens = class_tokens(el)
    if not any(_BOILERPLATE.search(t) for t in tokens):
        return False
    # "post has-comments" on the article wrapper must not take the article with it.
    return not any(_KEEP_HINT.search(t) for t in tokens)


def _strip_boilerplate(root: lxml.html.HtmlElement) -> None:
    """Remove page furniture in place, never the element that holds the article."""
    body = root.find("body")
    if body is None:
        body = root
    total = len(body.text_content()) or 1
    doomed: list[etree._Element] = []
    for el in body.iter():
        if not isinstance(el.tag, str) or el is body:
            continue
        tag = el.tag.lower()
        role = (el.get("role") or "").lower()
        drop = (
            tag in _DROP_TAGS
            or role in _DROP_ROLES
            or el.get("aria-hidden") == "true"
            or el.get("hidden") is not None
            or (tag in ("header", "footer", "aside") and not _in_article(el))
            or _is_boilerplate(el)
        )
        if drop and tag not in _DROP_TAGS and _holds_article(el, total):
            continue
        if drop:
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            remove_keeping_tail(el)


def _in_article(el: etree._Element) -> bool:
    return any(a.tag in ("article", "main") for a in el.iterancestors())


def _holds_article(el: etree._Element, total: int) -> bool:
    if el.find(".//article") is not None or el.find(".//main") is not None:
        return True
    return len(el.text_content()) > total * 0.5
