"""Saved web pages (``.html``): find the article, drop the page around it, read metadata.

Main-content extraction: readability-lxml, with trafilatura as a recall fallback.
On Mozilla Readability's 25 test pages (``benchmarks/bench_extraction.py``), token F1
of the article text against ``expected.html`` was 0.977 for readability-lxml and 0.958
for trafilatura (``favor_precision``, the best of its settings); trafilatura cut the
synthetic metadata pages in half and trimmed article openings, while readability-lxml's
failures are of one kind: it misses part of a long list-heavy post. So readability-lxml
decides, and trafilatura's result replaces it only when trafilatura found clearly more
text (≥ 20 % more tokens) that contains nearly all of readability's (≥ 95 %): the
same article, more completely. readability-lxml also keeps the page's own markup
(ids, ``<a href>``, tables), which the citation extractor and the canonical HTML need.

Health articles end with reference lists that are nothing but links, which both
extractors throw away as "link-dense" boilerplate. :class:`_ArticleDocument` keeps
them: it protects data tables and reference blocks (a "References"/"Sources" heading,
a ``references``/``footnotes`` class, or a list of PubMed/DOI links) from
readability's clean-up, and re-attaches a reference block that sits beside the
article body rather than inside it.

Before extraction, navigation, share buttons, related-post widgets, comment threads,
ads and scripts are removed by tag and class, so their text cannot leak in.

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
import socket
import sys
from collections import Counter
from pathlib import PurePath
from types import ModuleType
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from readability import Document

from reader.core.errors import ImportFailure
from reader.core.htmlmeta import extract_metadata, site_from_url, text_similarity
from reader.core.images.choose import choose_pictures
from reader.core.images.collect import active as image_collector
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

_REFERENCE_HEADING = re.compile(
    r"^\s*(?:\d+\.?\s*)?(?:references?|sources?|citations?|bibliography|footnotes?|"
    r"endnotes|notes|works cited|literature( cited)?|further reading|"
    r"quellen|literatur|références|referencias|referências|fuentes|fontes)\s*:?\s*$",
    re.I,
)
_REFERENCE_CLASS = re.compile(
    r"(?:^|[-_])(?:refs?|references?|citations?|footnotes?|endnotes?|bibliography|"
    r"sources|works-cited|reflist)(?:[-_]|$)",
    re.I,
)
_SCHOLARLY_HOST = re.compile(
    r"^https?://(?:[\w-]+\.)*(?:ncbi\.nlm\.nih\.gov|pubmed\.gov|doi\.org|dx\.doi\.org|"
    r"clinicaltrials\.gov|sciencedirect\.com|nejm\.org|thelancet\.com|jamanetwork\.com|"
    r"bmj\.com|nature\.com|wiley\.com|springer\.com|cochranelibrary\.com|academic\.oup\.com|"
    r"plos\.org|frontiersin\.org|mdpi\.com|who\.int|cdc\.gov|nih\.gov)/",
    re.I,
)
_TOKEN = re.compile(r"\w+")


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
    article_html = _drop_title_heading(article_html, title)
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


def _tokens(el: etree._Element) -> list[str]:
    attrs = f"{el.get('class', '')} {el.get('id', '')}"
    return attrs.split()


def _is_boilerplate(el: etree._Element) -> bool:
    tokens = _tokens(el)
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
            _remove(el)


def _in_article(el: etree._Element) -> bool:
    return any(a.tag in ("article", "main") for a in el.iterancestors())


def _holds_article(el: etree._Element, total: int) -> bool:
    if el.find(".//article") is not None or el.find(".//main") is not None:
        return True
    return len(el.text_content()) > total * 0.5


def _remove(el: etree._Element) -> None:
    """Drop an element but keep its tail text, which belongs to the parent."""
    parent = el.getparent()
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


# --- main content ----------------------------------------------------------------------


def _is_reference_heading(el: etree._Element | None) -> bool:
    return (
        el is not None
        and isinstance(el.tag, str)
        and el.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "p", "strong", "b")
        and bool(_REFERENCE_HEADING.match(el.text_content()))
    )


def is_reference_block(el: etree._Element) -> bool:
    """A reference list or section: by its heading, its class, or its scholarly links."""
    if not isinstance(el.tag, str) or el.tag not in ("ol", "ul", "div", "section", "aside", "dl"):
        return False
    if any(_REFERENCE_CLASS.search(t) for t in _tokens(el)):
        return True
    if el.tag in ("ol", "ul", "dl"):
        if _is_reference_heading(el.getprevious()):
            return True
        hrefs = [a.get("href") or "" for a in el.iter("a")]
        items = len(el.findall("li")) or 1
        scholarly = sum(1 for h in hrefs if _SCHOLARLY_HOST.match(h))
        return scholarly >= 2 and scholarly >= items * 0.5
    first = next((c for c in el if isinstance(c.tag, str)), None)
    return _is_reference_heading(first)


def _is_data_table(table: etree._Element) -> bool:
    """Readability.js's ``_isDataTable``, simplified: tables of data, not of layout."""
    if (table.get("role") or "").lower() == "presentation":
        return False
    if table.find(".//table") is not None:
        return False
    if table.get("summary") or table.find("caption") is not None:
        return True
    if any(table.find(f".//{t}") is not None for t in ("thead", "tfoot", "th", "colgroup")):
        return True
    rows = table.findall(".//tr")
    columns = max((len(r.findall("td")) for r in rows), default=0)
    return len(rows) >= 10 or columns > 4 or len(rows) * columns > 10


def _lead_figure(best: etree._Element) -> etree._Element | None:
    """The article's lead picture: the first ``<figure>`` holding a picture inside the
    same ``<article>``/``<main>`` as the text and before it. News pages put it above the
    headline, outside the block readability picks (CityLab); Readability.js keeps it,
    and a reader, like the page, opens the article with it."""
    scope = next((a for a in best.iterancestors() if a.tag in ("article", "main")), None)
    if scope is None:
        return None
    above = set(best.iterancestors())
    for el in scope.iter():
        if el is best:
            return None
        pictured = el.tag == "figure" and el not in above
        if pictured and any((img.get("src") or "").strip() for img in el.iter("img")):
            return el
    return None


class _ArticleDocument(Document):
    """readability-lxml that keeps reference lists and data tables (see module doc)."""

    def get_article(self, candidates, best_candidate, html_partial=False):
        best = best_candidate["elem"]
        scope = next((a for a in best.iterancestors() if a.tag in ("article", "main")), None)
        if scope is None:
            parent = best.getparent()
            scope = parent.getparent() if parent is not None else None
            scope = scope if scope is not None else parent
        # Reference blocks beside (not inside) the best element, found before
        # get_article moves the chosen siblings into its output.
        beside: list[etree._Element] = []
        if scope is not None:
            for el in scope.iter():
                if el is best or best in el.iterancestors() or el in best.iterancestors():
                    continue
                if any(b in el.iterancestors() for b in beside):
                    continue
                if is_reference_block(el):
                    beside.append(el)
        lead = _lead_figure(best)
        output = super().get_article(candidates, best_candidate, html_partial=html_partial)
        target = output if html_partial else output.find(".//div")
        contained = set(output.iter())
        if lead is not None and lead not in contained:
            target.insert(0, lead)
        for el in beside:
            if el in contained:
                continue
            heading = el.getprevious()
            if _is_reference_heading(heading) and heading not in contained:
                target.append(heading)
            target.append(el)
        return output

    def get_preserved_elements(self, node):
        allowed = super().get_preserved_elements(node)
        keep: list[etree._Element] = [t for t in node.iter("table") if _is_data_table(t)]
        keep += [el for el in node.iter() if is_reference_block(el)]
        for el in keep:
            allowed[el] = True
            for inner in el.iter("table", "ul", "div", "section", "aside"):
                allowed[inner] = True
            for ancestor in el.iterancestors():
                allowed[ancestor] = True
                if ancestor is node:
                    break
        for el in node.iter("div", "section"):
            if el not in allowed and self._holds_a_picture(el):
                allowed[el] = True
        return allowed

    def _holds_a_picture(self, el: etree._Element) -> bool:
        """A wrapper whose content is one or two pictures (Medium's
        ``aspectRatioPlaceholder``, a theme's image ``div``): readability-lxml drops it as
        "no content", Readability.js keeps it (``_cleanConditionally`` spares short
        blocks with one or two images), and so does Margin, unless its class marks it as
        furniture (a negative class weight: sidebar, ad, promo…) or its picture is a
        thumbnail linking to another page (a "related posts" teaser)."""
        images = [
            img
            for img in el.iter("img")
            if (img.get("src") or "").strip() and not _links_elsewhere(img)
        ]
        if not 1 <= len(images) <= 2 or el.find(".//input") is not None:
            return False
        if len(el.text_content().strip()) >= self.min_text_length:
            return False  # a block with text: readability's own rules decide
        return self.class_weight(el) >= 0 and self.get_link_density(el) <= 0.2


def _links_elsewhere(img: etree._Element) -> bool:
    """Is the image inside a link to a page (not to a larger copy of the picture)?"""
    link = next(img.iterancestors("a"), None)
    if link is None:
        return False
    path = urlsplit((link.get("href") or "").strip()).path.lower()
    return not path.endswith((".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff"))


def readability_extract(html: str) -> str:
    return _ArticleDocument(html).summary(html_partial=True)


def _import_trafilatura() -> ModuleType | None:
    """trafilatura, imported on first use without urllib3's IPv6 probe socket.

    trafilatura imports courlan, which imports urllib3, whose module body binds a
    throw-away socket to ``::1`` to learn whether IPv6 works. Margin never downloads
    anything, so the answer is never used; with ``socket.has_ipv6`` false for the
    length of the import, urllib3 skips the probe (and would prefer IPv4, were it ever
    asked to connect). The flag is restored at once; the import lock serialises this.
    """
    if "trafilatura" in sys.modules:
        return sys.modules["trafilatura"]
    had_ipv6 = socket.has_ipv6
    socket.has_ipv6 = False
    try:
        import trafilatura
    except ImportError:  # optional: readability-lxml alone still works
        return None
    finally:
        socket.has_ipv6 = had_ipv6
    return trafilatura


def trafilatura_extract(html: str) -> str:
    """trafilatura on the string only (it never downloads anything from ``extract``)."""
    trafilatura = _import_trafilatura()
    if trafilatura is None:
        return ""
    return (
        trafilatura.extract(
            html,
            output_format="html",
            include_links=True,
            include_tables=True,
            include_formatting=True,
            include_images=True,
            include_comments=False,
            favor_precision=True,
            with_metadata=False,
        )
        or ""
    )


def _token_counts(html: str) -> Counter[str]:
    return Counter(_TOKEN.findall(canonicalize(html).text.lower()))


def extract_main_content(html: str) -> tuple[str, str]:
    """The article's HTML and the name of the extractor that found it."""
    primary = readability_extract(html)
    fallback = trafilatura_extract(html)
    ours, theirs = _token_counts(primary), _token_counts(fallback)
    n_ours, n_theirs = sum(ours.values()), sum(theirs.values())
    if n_theirs and (
        not n_ours or (n_theirs >= 1.2 * n_ours and sum((ours & theirs).values()) >= 0.95 * n_ours)
    ):
        return fallback, "trafilatura"
    return primary, "readability"


def _drop_title_heading(html: str, title: str) -> str:
    """Remove the article's own title heading: the reader view shows the title already."""
    if not title or not html.strip():
        return html
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    for count, el in enumerate(fragment.iter("h1", "h2")):
        if count > 1:
            break
        text = " ".join(el.text_content().split())
        if text and text_similarity(title, text) > 0.75 and text_similarity(text, title) > 0.75:
            _remove(el)
            return lxml.html.tostring(fragment, encoding="unicode")
    return html
