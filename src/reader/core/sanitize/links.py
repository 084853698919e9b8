"""Links in canonical HTML: resolved against the article's URL, or unwrapped; bare URLs
in text become links.

Only ``http:``, ``https:`` and ``mailto:`` URLs and in-article ``#fragment`` links stay;
a link to the article's own URL with a fragment becomes that fragment.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

from reader.core.sanitize.dom import unwrap, within

_NO_LINKIFY = {"a", "code", "pre"}
_URL_IN_TEXT = re.compile(r"(?<![\w@/=\"'])https?://[^\s<>\"'\u00a0]+", re.IGNORECASE)
_TRAILING_PUNCT = ".,;:!?'\"*»”’"


def fix_link(a: etree._Element, base_url: str) -> None:
    name = a.attrib.pop("name", None)
    if name and not a.get("id"):
        a.set("id", name)
    href = a.get("href")
    if href is None:
        if not a.get("id"):
            unwrap(a)
        return
    href = _resolve(href, base_url)
    if href is None:
        if a.get("id"):
            del a.attrib["href"]
        else:
            unwrap(a)
        return
    a.set("href", href)


def _resolve(href: str, base_url: str) -> str | None:
    """The canonical form of ``href``, or None when it cannot stay a link."""
    href = href.strip()
    if not href:
        return None
    if href.startswith("#"):
        return href if len(href) > 1 else None
    if href.startswith("//"):
        scheme = urlsplit(base_url).scheme if base_url else ""
        href = f"{scheme if scheme in ('http', 'https') else 'https'}:{href}"
    elif base_url and not urlsplit(href).scheme:
        href = urljoin(base_url, href)
    scheme = urlsplit(href).scheme.lower()
    if scheme == "mailto":
        return href
    if scheme not in ("http", "https"):
        return None
    if base_url:
        target, fragment = urldefrag(href)
        if fragment and target == urldefrag(base_url)[0]:
            return f"#{fragment}"
    return href


def linkify(root: etree._Element) -> None:
    """Turn bare http(s) URLs in text into links, except inside a, code and pre."""
    targets: list[tuple[etree._Element, bool]] = []
    protected = within(root, _NO_LINKIFY)
    for el in root.iter():
        if el.text and "://" in el.text and el not in protected:
            targets.append((el, True))
        if el.tail and "://" in el.tail and el is not root:
            parent = el.getparent()
            if parent is not None and parent not in protected:
                targets.append((el, False))
    for el, is_text in targets:
        text = el.text if is_text else el.tail
        pieces = _split_urls(text or "")
        if len(pieces) == 1:
            continue
        anchors: list[etree._Element] = []
        for url, after in pieces[1:]:
            a = etree.Element("a", href=url)
            a.text = url
            a.tail = after
            anchors.append(a)
        if is_text:
            el.text = pieces[0][1]
            for offset, a in enumerate(anchors):
                el.insert(offset, a)
        else:
            el.tail = pieces[0][1]
            parent = el.getparent()
            index = parent.index(el) + 1
            for offset, a in enumerate(anchors):
                parent.insert(index + offset, a)


def _split_urls(text: str) -> list[tuple[str, str]]:
    """``[("", before), (url, after), …]``: the URLs in ``text`` and the text after each."""
    pieces: list[tuple[str, str]] = []
    last = 0
    current_url = ""
    for match in _URL_IN_TEXT.finditer(text):
        url = _trim_url(match.group())
        if len(url) <= len("https://") or not urlsplit(url).hostname:
            continue
        pieces.append((current_url, text[last : match.start()]))
        current_url = url
        last = match.start() + len(url)
    pieces.append((current_url, text[last:]))
    return pieces


def _trim_url(url: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets from a URL's end."""
    while url:
        last = url[-1]
        if last in _TRAILING_PUNCT:
            url = url[:-1]
        elif last in ")]}":
            opening = {")": "(", "]": "[", "}": "{"}[last]
            if url.count(opening) < url.count(last):
                url = url[:-1]
            else:
                break
        else:
            break
    return url
