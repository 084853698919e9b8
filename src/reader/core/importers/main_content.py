"""The article inside a saved page: main-content extraction, with the reference lists
and data tables health articles need kept.

readability-lxml, with trafilatura as a recall fallback. On Mozilla Readability's 25
test pages (``benchmarks/bench_extraction.py``), token F1 of the article text against
``expected.html`` was 0.977 for readability-lxml and 0.958 for trafilatura
(``favor_precision``, the best of its settings); trafilatura cut the synthetic metadata
pages in half and trimmed article openings, while readability-lxml's failures are of
one kind: it misses part of a long list-heavy post. So readability-lxml decides, and
trafilatura's result replaces it only when trafilatura found clearly more text (≥ 20 %
more tokens) that contains nearly all of readability's (≥ 95 %): the same article, more
completely. readability-lxml also keeps the page's own markup (ids, ``<a href>``,
tables), which the citation extractor and the canonical HTML need.

Health articles end with reference lists that are nothing but links, which both
extractors throw away as "link-dense" boilerplate. :class:`_ArticleDocument` keeps
them: it protects data tables and reference blocks (a "References"/"Sources" heading,
a ``references``/``footnotes`` class, or a list of PubMed/DOI links) from
readability's clean-up, and re-attaches a reference block that sits beside the
article body rather than inside it.
"""

from __future__ import annotations

import re
import socket
import sys
from collections import Counter
from types import ModuleType
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from readability import Document

from reader.core.htmlmeta import text_similarity
from reader.core.sanitize import canonicalize

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


def class_tokens(el: etree._Element) -> list[str]:
    """The words of an element's class and id."""
    attrs = f"{el.get('class', '')} {el.get('id', '')}"
    return attrs.split()


def remove_keeping_tail(el: etree._Element) -> None:
    """Drop an element but keep its tail text, which belongs to the parent."""
    parent = el.getparent()
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


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
    if any(_REFERENCE_CLASS.search(t) for t in class_tokens(el)):
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


def drop_title_heading(html: str, title: str) -> str:
    """Remove the article's own title heading: the reader view shows the title already."""
    if not title or not html.strip():
        return html
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    for count, el in enumerate(fragment.iter("h1", "h2")):
        if count > 1:
            break
        text = " ".join(el.text_content().split())
        if text and text_similarity(title, text) > 0.75 and text_similarity(text, title) > 0.75:
            remove_keeping_tail(el)
            return lxml.html.tostring(fragment, encoding="unicode")
    return html
