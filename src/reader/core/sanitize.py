"""HTML from any importer → Margin's canonical article HTML, and its plain text.

Every importer ends by calling :func:`canonicalize`; :attr:`ImportedArticle.html` and
``.text`` come from that one call, and the text is :func:`html_to_text` of the canonical
HTML, so annotation offsets into the text stay stable across re-imports.

Canonical article HTML
----------------------
* **Tags**: headings, ``p``, ``br``, ``hr``, lists (``ul``/``ol``/``li``, ``dl``/``dt``/
  ``dd``), ``blockquote``, tables (``table``/``caption``/``thead``/``tbody``/``tfoot``/
  ``tr``/``th``/``td``), ``figure``/``figcaption``, ``div``, ``pre``/``code`` and the
  inline ``strong``/``em``/``sup``/``sub``/``u``/``s``/``del``/``ins``/``small``/
  ``mark``/``abbr``/``cite``/``q``/``kbd``/``dfn``, ``a`` and ``span`` (placeholders only).
  ``b``/``i`` become ``strong``/``em``; ``section``, ``article``, ``header``, ``footer``,
  ``aside``, ``nav`` and ``main`` become ``div``; any other tag is unwrapped (its text is
  kept).
* **Removed with their content**: ``script``, ``style``, ``noscript``, ``template``,
  ``svg``, MathML ``annotation``/``annotation-xml``, forms and their controls,
  ``object``/``embed``/``applet``/``canvas``, ``title``, and comments (including
  Gutenberg ``<!-- wp:… -->`` markers and IE conditional comments).
* **Formulas**: presentation MathML (:data:`MATHML_TAGS`, layout attributes only, no
  links) stays for the reading view; its plain text is ``math[alttext]`` (the readable
  line JATS import writes), else the formula's own characters.
* **Attributes**: ``id`` everywhere (so ``#fragment`` links to numbered references and
  footnotes resolve; ``<a name>`` becomes ``id``), ``a[href]``, ``img[src, alt]``
  (library images only, see below), ``td/th[colspan, rowspan]``, ``th[scope]``,
  ``ol[start, reversed, type]``, ``li[value]``, ``abbr[title]``. No ``class``, ``style``
  or event handlers.
* **Links**: only ``http:``, ``https:`` and ``mailto:`` URLs and in-article
  ``#fragment`` links. Relative URLs are resolved against ``base_url`` when given (a link
  to ``base_url#x`` itself becomes ``#x``); a link that stays relative, or uses any other
  scheme (``javascript:``, ``data:``…), is unwrapped: its text stays, the link goes.
  Bare ``http(s)://`` URLs in text become links, except inside ``a``, ``code`` and
  ``pre``.
* **Images are never fetched.** Every ``<img>`` becomes
  ``<span class="image-placeholder">Image: ALT</span>`` (the title when there is no alt
  text; just ``Image`` when there is neither: a surrounding ``figcaption`` is kept and
  says the rest). Images with the ``margin-image:`` scheme, reserved for images stored in
  the library, stay as ``<img src="margin-image:…" alt="…">`` only when the importer
  stored that image itself (``own_images``); imported content can never point at the
  library's files. While an import collects images (:mod:`reader.core.images.collect`),
  an ``<img>`` whose picture came with the file (a ``data:`` URI, a file beside it)
  becomes such an image first; a web image stays a placeholder until the user asks.
* **Embedded media** (``iframe``, ``video``, ``audio``) becomes
  ``<span class="media-placeholder">Embedded content from HOST</span>``,
  ``…>Video</span>`` or ``…>Audio</span>`` (``: TITLE`` added when the element has a
  title).
* **Clutter**: empty paragraphs, headings, list items and divs (``<p>&nbsp;</p>``,
  ``<p><br></p>``) are dropped unless they carry an ``id``; non-breaking spaces (and the
  white space around them) become one plain space outside ``<pre>``, since editors
  scatter them at random; white space at the start and end of a block is trimmed.
  Blocks are separated by one newline in the HTML source.
* NULs and other C0 and C1 control characters are removed first and lone surrogates become
  U+FFFD; nesting deeper than :data:`MAX_DEPTH` is flattened (its tags unwrapped, text
  kept), because pathological nesting makes HTML parsers slow (html5ever is quadratic
  in depth) and libxml2 silently drops content past 255 levels.

Why nh3 and lxml
----------------
nh3 wraps Ammonia, a Rust sanitizer built on html5ever (the HTML5 parser of Servo): it is
well kept, parses exactly as browsers do, and is fast. It is the security boundary and
runs twice: once to cut the input to a superset of the allowlist, once more at the end
so that nothing the tree work produced can escape the allowlist. lxml (libxml2) does
the tree work Ammonia cannot (placeholders, link resolution, linkifying, cleanup, the
plain text) in C, with Python only visiting elements. Neither ever touches the network:
Ammonia has no I/O, and the lxml parser is created with ``no_network=True`` and never
loads a DTD.

Plain text (:func:`html_to_text`)
---------------------------------
Deterministic from the canonical HTML alone: runs of white space become one space;
blocks are separated by a blank line; list items, ``dt``/``dd``, table rows and ``<br>``
start a new line (so do blocks inside a list item, such as a nested list); table cells
in a row are joined with ``" | "``; ``<pre>`` keeps its line breaks and spaces;
placeholders contribute their text ("Image: …"); ``margin-image:`` images contribute
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from html import unescape
from urllib.parse import urldefrag, urljoin, urlsplit

import nh3
from lxml import etree

from reader.core.errors import ImportFailure
from reader.core.images.collect import active as image_collector

__all__ = [
    "ALLOWED_TAGS",
    "IMAGE_PLACEHOLDER_CLASS",
    "MATHML_ATTRIBUTES",
    "MATHML_TAGS",
    "MAX_ARTICLE_HTML_CHARS",
    "MAX_DEPTH",
    "MAX_PARAGRAPH_CHARS",
    "MEDIA_PLACEHOLDER_CLASS",
    "CanonicalHTML",
    "canonicalize",
    "html_to_text",
    "library_image_name",
    "limit_depth",
]

IMAGE_PLACEHOLDER_CLASS = "image-placeholder"
MEDIA_PLACEHOLDER_CLASS = "media-placeholder"
LIBRARY_IMAGE_SCHEME = "margin-image"
# A stored image's name: its content hash and an extension; never a path.
_IMAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}(?:\.[A-Za-z0-9]{1,8})?")
# Elements nested deeper than this (not counting p/li/td…, whose end tags are optional)
# are unwrapped before parsing. Real articles stay far below it.
MAX_DEPTH = 100

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

ALLOWED_TAGS = HEADINGS | {
    "p", "br", "hr", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "div",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "figure", "figcaption", "pre", "code",
    "strong", "em", "sup", "sub", "u", "s", "del", "ins", "small", "mark", "abbr", "cite",
    "q", "kbd", "dfn", "a", "img", "span",
}  # fmt: skip

_FINAL_ATTRIBUTES = {
    "*": {"id"},
    "a": {"href"},
    "img": {"src", "alt"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "abbr": {"title"},
}

# Presentation MathML (JATS formulas): the reading view renders it; the plain text takes
# the ``alttext`` the importer wrote (the readable line), so offsets never depend on it.
MATHML_TAGS = frozenset(
    {
        "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub",
        "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mfenced",
        "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "mmultiscripts",
        "mprescripts", "none",
    }
)  # fmt: skip
MATHML_ATTRIBUTES = {
    "mathvariant", "displaystyle", "scriptlevel", "linethickness", "stretchy", "fence",
    "separator", "form", "lspace", "rspace", "accent", "accentunder", "columnalign",
    "rowalign", "width", "notation", "open", "close", "separators",
}  # fmt: skip
_FINAL_ATTRIBUTES.update(
    {tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS if tag != "math"}
    | {"math": {"display", "alttext"}}
)
ALLOWED_TAGS |= MATHML_TAGS

# Tags renamed during the tree pass, and the media elements replaced by placeholders.
_RENAME = {
    "b": "strong",
    "i": "em",
    "section": "div",
    "article": "div",
    "header": "div",
    "footer": "div",
    "aside": "div",
    "nav": "div",
    "main": "div",
}
_MEDIA = {"iframe", "video", "audio"}

# Dropped with everything inside them: their text is never article text.
_DROP_WITH_CONTENT = {
    "script", "style", "noscript", "template", "svg", "form", "button", "select",
    "annotation", "annotation-xml",
    "textarea", "object", "embed", "applet", "canvas", "title", "noembed", "noframes",
}  # fmt: skip

_FIRST_TAGS = ALLOWED_TAGS | set(_RENAME) | _MEDIA | {"source"}
_PLACEHOLDER_CLASSES = {IMAGE_PLACEHOLDER_CLASS, MEDIA_PLACEHOLDER_CLASS}
_FIRST_ATTRIBUTES = {
    **_FINAL_ATTRIBUTES,
    "a": {"href", "name"},
    "img": {"src", "alt", "title"},
    "iframe": {"src", "title"},
    "video": {"src", "title"},
    "audio": {"src", "title"},
    "source": {"src"},
}
_URL_SCHEMES = {"http", "https", "mailto", LIBRARY_IMAGE_SCHEME}

# Cleaners are built once: building one costs more than cleaning a short article.
_FIRST_PASS = nh3.Cleaner(
    tags=_FIRST_TAGS,
    clean_content_tags=_DROP_WITH_CONTENT,
    attributes=_FIRST_ATTRIBUTES,
    url_schemes=_URL_SCHEMES,
    link_rel=None,
    strip_comments=True,
    # Kept so that canonical HTML canonicalizes to itself; other spans are unwrapped.
    allowed_classes={"span": _PLACEHOLDER_CLASSES},
)
_FINAL_PASS = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=_DROP_WITH_CONTENT,
    attributes=_FINAL_ATTRIBUTES,
    url_schemes=_URL_SCHEMES,
    link_rel=None,
    strip_comments=True,
    allowed_classes={"span": _PLACEHOLDER_CLASSES},
)

# Plain etree elements, not lxml.html's: its per-element class lookup costs more than
# the rest of the tree pass. no_network: parsing never fetches anything.
_PARSER = etree.HTMLParser(
    no_network=True,
    remove_comments=True,
    remove_pis=True,
    collect_ids=False,
    default_doctype=False,
)

BLOCK_TAGS = HEADINGS | {
    "p", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "table", "caption", "thead",
    "tbody", "tfoot", "tr", "figure", "figcaption", "pre", "div", "hr",
}  # fmt: skip
# Blocks that are dropped when they hold no text, image or anchor.
_DROP_WHEN_EMPTY = HEADINGS | {"p", "li", "div", "blockquote", "figcaption", "figure", "dt"}
# Descendants that make a block non-empty even without text.
_CONTENT_TAGS = {"img", "hr", "table", "span", "iframe", "video", "audio"}
_NO_LINKIFY = {"a", "code", "pre"}

# C0 and C1 controls and DEL: invisible in a page, obeyed by a terminal.
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)")
# Never counted for depth: void elements and those whose end tag may be omitted.
_NO_DEPTH = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot",
    "option", "optgroup", "rb", "rt", "rp", "colgroup", "caption",
}  # fmt: skip
_URL_IN_TEXT = re.compile(r"(?<![\w@/=\"'])https?://[^\s<>\"'\u00a0]+", re.IGNORECASE)
_TRAILING_PUNCT = ".,;:!?'\"*»”’"
_NBSP_RUN = re.compile(r"\s*\u00a0\s*")


@dataclass(frozen=True, slots=True)
class CanonicalHTML:
    """An article's HTML in Margin's canonical form, and the plain text it reads as."""

    html: str
    text: str


def canonicalize(
    html: str, *, base_url: str = "", own_images: Collection[str] = ()
) -> CanonicalHTML:
    """Sanitize ``html`` to Margin's canonical article HTML and derive its plain text.

    ``base_url`` is the article's own URL: relative links are resolved against it, and
    links to it with a fragment become in-article ``#fragment`` links. ``own_images``
    are the library image names the importer itself stored for this article: only those
    may stay ``margin-image:`` images; any other use of the scheme in imported content
    becomes a placeholder (``margin-image:../../etc/passwd`` is never stored).

    Raises :class:`ImportFailure` for an article past :data:`MAX_ARTICLE_HTML_CHARS` or
    with a paragraph past :data:`MAX_PARAGRAPH_CHARS`, and when text went in but none
    came out: an article is stored whole or not at all, never half-empty.
    """
    html = html or ""
    collector = image_collector()
    if collector is not None:
        # An import is collecting images: the pictures the file itself holds become
        # stored images first (and a saved page's data: URIs stop counting as HTML).
        html, stored = collector.rewrite(html, base_url.strip())
        own_images = {*own_images, *stored}
    if len(html) > MAX_INPUT_HTML_CHARS:
        raise ImportFailure(
            f"the article's HTML is {_megabytes(len(html))}; Margin reads articles up to "
            f"{_megabytes(MAX_INPUT_HTML_CHARS)} of HTML"
        )
    html = _BAD_CHARS.sub(_bad_char, html).translate(_FONT_SAFE)
    if not html.strip():
        return CanonicalHTML(html="", text="")
    html = limit_depth(html)
    first = _FIRST_PASS.clean(html)
    if not first.strip():
        return CanonicalHTML(html="", text="")
    _check_paragraphs(first)
    root = _parse_fragment(first)
    _transform(root, base_url.strip(), frozenset(own_images))
    serialized = _serialize_children(root)
    clean = _FINAL_PASS.clean(serialized).strip()
    if len(clean) > MAX_ARTICLE_HTML_CHARS:
        raise ImportFailure(
            f"the article is {_megabytes(len(clean))} of HTML once cleaned; Margin keeps "
            f"articles up to {_megabytes(MAX_ARTICLE_HTML_CHARS)} (larger ones are slow to open)"
        )
    text = html_to_text(clean)
    if not text and _has_words(first):
        raise ImportFailure(
            "none of the article's text could be read (is it nested thousands of levels deep?)"
        )
    return CanonicalHTML(html=clean, text=text)


# --- caps --------------------------------------------------------------------------------

# The longest article in the corpora is 150 KB of canonical HTML and its longest
# paragraph 3 KB; these caps stop hostile files, quickly and with a reason.
MAX_ARTICLE_HTML_CHARS = 5_000_000
# What comes in may carry embedded images (data: URLs) that the first pass drops.
MAX_INPUT_HTML_CHARS = 64_000_000
# libxml2 silently empties a text node past 10 MB; stop well before it.
MAX_PARAGRAPH_CHARS = 1_000_000
_ANY_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w")


def _megabytes(chars: int) -> str:
    return f"{chars / 1_000_000:.1f} MB" if chars < 10_000_000 else f"{chars // 1_000_000} MB"


def _check_paragraphs(html: str) -> None:
    """Refuse a run of text between two tags longer than :data:`MAX_PARAGRAPH_CHARS`."""
    if len(html) <= MAX_PARAGRAPH_CHARS:
        return
    longest = max(map(len, html.split("<")))
    if longest > MAX_PARAGRAPH_CHARS:
        raise ImportFailure(
            f"one paragraph of the article is {_megabytes(longest)} of text without a break; "
            f"Margin reads paragraphs up to {_megabytes(MAX_PARAGRAPH_CHARS)}"
        )


def _has_words(html: str) -> bool:
    """Does sanitized HTML hold any letter or digit outside its tags?"""
    return bool(_WORD.search(unescape(_ANY_TAG.sub(" ", html))))


# --- before parsing ----------------------------------------------------------------------

# Characters with an exact everyday equivalent that common reading fonts lack: the
# fallback font Qt substitutes is taller, and one "2∶2∶1" (PLOS writes ratios with
# U+2236 RATIO) loosened the line spacing of its whole paragraph.
_FONT_SAFE = str.maketrans({"\u2236": ":"})


def _bad_char(match: re.Match[str]) -> str:
    """Controls go; a lone surrogate becomes U+FFFD, as :mod:`textdecode` does."""
    return "\ufffd" if "\ud800" <= match.group() <= "\udfff" else ""


def limit_depth(html: str) -> str:
    """Unwrap tags nested deeper than :data:`MAX_DEPTH`; return ``html`` when none are.

    A linear scan of tag names: void elements and those with optional end tags are not
    counted, so unclosed ``<p>``/``<li>`` do not look deep.
    """
    if html.count("<") <= MAX_DEPTH:
        return html
    depth = 0
    deepest = 0
    for closing, name in _TAG.findall(html):
        if name.lower() in _NO_DEPTH:
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    if deepest <= MAX_DEPTH:
        return html
    parts: list[str] = []
    last = 0
    depth = 0
    for match in _TAG.finditer(html):
        closing, name = match.groups()
        if name.lower() in _NO_DEPTH:
            continue
        if closing:
            drop = depth > MAX_DEPTH
            depth = max(depth - 1, 0)
        else:
            depth += 1
            drop = depth > MAX_DEPTH
        if drop:
            close = html.find(">", match.end())
            stop = len(html) if close < 0 else close + 1
            parts.append(html[last : match.start()])
            last = stop
    parts.append(html[last:])
    return "".join(parts)


# --- the tree pass -----------------------------------------------------------------------


def _transform(root: etree._Element, base_url: str, own_images: frozenset[str]) -> None:
    """Placeholders, links, renames, linkify, whitespace and empty-block cleanup."""
    # Snapshot first: the loop replaces and removes elements.
    for el in list(root.iter()):
        if el is root or not isinstance(el.tag, str):
            continue
        tag = el.tag
        if tag == "img":
            _replace_image(el, own_images)
        elif tag in _MEDIA:
            _replace_media(el)
        elif tag == "source":
            _remove(el)
        elif tag == "a":
            _fix_link(el, base_url)
        elif tag == "span":
            if not el.get("id") and el.get("class") not in _PLACEHOLDER_CLASSES:
                _unwrap(el)
        elif tag in _RENAME:
            el.tag = _RENAME[tag]
    _linkify(root)
    _tidy_whitespace(root)
    # Children before parents, so a div of empty paragraphs is empty in turn.
    for el in reversed(list(root.iter(*_DROP_WHEN_EMPTY))):
        if el is not root and _is_empty(el):
            _remove(el)
    _separate_blocks(root)


def _placeholder(kind_class: str, text: str) -> etree._Element:
    span = etree.Element("span")
    span.set("class", kind_class)
    span.text = text
    return span


def library_image_name(src: str) -> str | None:
    """``NAME`` of a well-formed ``margin-image:NAME`` reference, else None."""
    scheme, _, name = src.strip().partition(":")
    if scheme.lower() != LIBRARY_IMAGE_SCHEME or not _IMAGE_NAME.fullmatch(name):
        return None
    return name


def _replace_image(img: etree._Element, own_images: frozenset[str]) -> None:
    src = (img.get("src") or "").strip()
    alt = " ".join((img.get("alt") or "").split())
    name = library_image_name(src)
    if name is not None and name in own_images:
        for attribute in list(img.attrib):
            if attribute not in ("src", "alt", "id"):
                del img.attrib[attribute]
        img.set("src", f"{LIBRARY_IMAGE_SCHEME}:{name}")
        img.set("alt", alt)
        return
    label = alt or " ".join((img.get("title") or "").split())
    span = _placeholder(IMAGE_PLACEHOLDER_CLASS, f"Image: {label}" if label else "Image")
    if img.get("id"):
        span.set("id", img.get("id"))
    _replace(img, span)


def _replace_media(el: etree._Element) -> None:
    title = " ".join((el.get("title") or "").split())
    if el.tag == "iframe":
        host = urlsplit((el.get("src") or "").strip()).hostname or ""
        label = f"Embedded content from {host}" if host else "Embedded content"
    else:
        label = "Video" if el.tag == "video" else "Audio"
    if title:
        label = f"{label}: {title}"
    _replace(el, _placeholder(MEDIA_PLACEHOLDER_CLASS, label))


def _fix_link(a: etree._Element, base_url: str) -> None:
    name = a.attrib.pop("name", None)
    if name and not a.get("id"):
        a.set("id", name)
    href = a.get("href")
    if href is None:
        if not a.get("id"):
            _unwrap(a)
        return
    href = _resolve(href, base_url)
    if href is None:
        if a.get("id"):
            del a.attrib["href"]
        else:
            _unwrap(a)
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


def _linkify(root: etree._Element) -> None:
    """Turn bare http(s) URLs in text into links, except inside a, code and pre."""
    targets: list[tuple[etree._Element, bool]] = []
    protected = _within(root, _NO_LINKIFY)
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


def _within(root: etree._Element, tags: set[str]) -> set[etree._Element]:
    """Every element that is one of ``tags`` or inside one (computed once per pass)."""
    inside: set[etree._Element] = set()
    for el in root.iter(*tags):
        if el not in inside:
            inside.update(el.iter())
    return inside


def _tidy_whitespace(root: etree._Element) -> None:
    """Collapse &nbsp; clutter and trim white space at the edges of blocks."""
    in_pre = _within(root, {"pre"})
    for el in root.iter():
        if el.text and "\u00a0" in el.text and el not in in_pre:
            el.text = _NBSP_RUN.sub(" ", el.text)
        if el.tail and "\u00a0" in el.tail:
            parent = el.getparent()
            if parent is not None and parent not in in_pre:
                el.tail = _NBSP_RUN.sub(" ", el.tail)
    for el in root.iter(*(BLOCK_TAGS - {"pre"})):
        if el not in in_pre:
            _strip_edges(el)


_EDGE_SPACE = " \t\r\n\u00a0"
# Inline children whose inner white space the edge trimming leaves alone.
_OPAQUE = {"br", "img", "span", "code"}


def _strip_edges(block: etree._Element) -> None:
    """Trim white space at the start and end of a block, down through inline children."""
    node = block
    while True:  # start: the first text, possibly inside the first inline child
        if node.text and node.text.strip(_EDGE_SPACE):
            node.text = node.text.lstrip(_EDGE_SPACE)
            break
        node.text = None
        if not len(node) or node[0].tag in BLOCK_TAGS or node[0].tag in _OPAQUE:
            break
        node = node[0]
    node = block
    while True:  # end: the last tail, or the last child's own text
        if len(node):
            last = node[-1]
            if last.tail and last.tail.strip(_EDGE_SPACE):
                last.tail = last.tail.rstrip(_EDGE_SPACE)
                break
            last.tail = None
            if last.tag in BLOCK_TAGS or last.tag in _OPAQUE:
                break
            node = last
        else:
            if node.text:
                node.text = node.text.rstrip(_EDGE_SPACE)
            break


def _is_empty(el: etree._Element) -> bool:
    if el.get("id"):
        return False
    if el.text and el.text.strip():
        return False  # the common case, decided without walking the subtree
    for child in el.iterdescendants():
        if not isinstance(child.tag, str):
            continue
        if child.tag in _CONTENT_TAGS or child.get("id"):
            return False
    return not "".join(el.itertext()).strip()


def _separate_blocks(root: etree._Element) -> None:
    """One newline between blocks in the HTML source, instead of WordPress's blank runs."""
    in_pre = _within(root, {"pre"})
    for el in root.iter():
        if el in in_pre or el.tag == "code":
            continue
        children = list(el)
        if not children:
            continue
        if children[0].tag in BLOCK_TAGS and (el.text is None or not el.text.strip()):
            el.text = "\n"
        for index, child in enumerate(children):
            nxt = children[index + 1] if index + 1 < len(children) else None
            if child.tail is not None and child.tail.strip():
                continue
            if (child.tag in BLOCK_TAGS and (nxt is None or nxt.tag in BLOCK_TAGS)) or (
                nxt is not None and nxt.tag in BLOCK_TAGS and child.tail
            ):
                child.tail = "\n"


def _replace(old: etree._Element, new: etree._Element) -> None:
    new.tail = old.tail
    old.getparent().replace(old, new)
    _space_around(new)


def _space_around(el: etree._Element) -> None:
    """Keep a placeholder's words apart from the text and inline elements beside it."""
    parent = el.getparent()
    previous = el.getprevious()
    if previous is not None:
        if previous.tail:
            if not previous.tail[-1].isspace():
                previous.tail += " "
        elif previous.tag not in BLOCK_TAGS and previous.tag != "br":
            previous.tail = " "
    elif parent is not None and parent.text and not parent.text[-1].isspace():
        parent.text += " "
    following = el.getnext()
    if el.tail:
        if not el.tail[0].isspace():
            el.tail = " " + el.tail
    elif following is not None and following.tag not in BLOCK_TAGS and following.tag != "br":
        el.tail = " "


def _remove(el: etree._Element) -> None:
    """Remove ``el`` and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    previous = el.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _parse_fragment(html: str) -> etree._Element:
    """Parse an HTML fragment into a ``div`` holding it (no ``p`` wrapped around text)."""
    doc = etree.fromstring(f"<html><body><div>{html}</div></body></html>", _PARSER)
    return doc[0][0]


def _unwrap(el: etree._Element) -> None:
    """Replace ``el`` by its content (text, children and tail stay in place)."""
    parent = el.getparent()
    if parent is None:
        return
    previous = el.getprevious()

    def append_text(text: str | None) -> None:
        if not text:
            return
        if previous is not None:
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text

    append_text(el.text)
    children = list(el)
    if children:
        children[-1].tail = (children[-1].tail or "") + (el.tail or "")
    else:
        append_text(el.tail)
    index = parent.index(el)
    parent[index : index + 1] = children


def _serialize_children(root: etree._Element) -> str:
    parts = [root.text or ""]
    parts.extend(etree.tostring(child, encoding="unicode", method="html") for child in root)
    return "".join(parts)


# --- plain text --------------------------------------------------------------------------

# Elements that start a new line (1) or a new paragraph (2) in the plain text.
_BREAK_BEFORE = {tag: 2 for tag in BLOCK_TAGS} | {
    "li": 1,
    "dt": 1,
    "dd": 1,
    "tr": 1,
    "thead": 1,
    "tbody": 1,
    "tfoot": 1,
    "caption": 1,
    "figcaption": 1,
}


_ITEMS = {"li", "dt", "dd"}


def html_to_text(html: str) -> str:
    """Plain text of canonical HTML (see the module docstring for the rules).

    Iterative (``etree.iterwalk``), so no nesting depth can exhaust Python's stack.
    """
    if not html or not html.strip():
        return ""
    root = _parse_fragment(html)
    lines: list[tuple[int, str]] = []  # (break strength before it, text)
    current: list[str] = []
    pending = 0  # strongest break asked for since the last line was flushed
    cell_depth = 0  # inside a table cell, blocks only add a space
    cells_in_row: list[int] = []  # cells seen so far in each open row
    item_depth = 0  # inside a list item, blocks (a nested list…) start a line, not a paragraph

    def flush() -> None:
        nonlocal pending
        text = " ".join("".join(current).split())  # faster than a regex, same spaces
        current.clear()
        if text:
            lines.append((pending, text))
            pending = 0

    def brk(strength: int) -> None:
        nonlocal pending
        if cell_depth:
            current.append(" ")
            return
        flush()
        pending = max(pending, 1 if item_depth else strength)

    skip_until: etree._Element | None = None
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if skip_until is not None:
            if event == "end" and el is skip_until:
                skip_until = None
                if el.tail:
                    current.append(el.tail)
            continue
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag == "math":
                # A formula reads as the line the importer wrote, not its MathML pieces.
                current.append(el.get("alttext") or " ".join(el.itertext()))
                skip_until = el
                continue
            if tag == "pre" and not cell_depth:
                brk(2)
                raw = "".join(el.itertext()).strip("\n")
                if raw.strip():
                    lines.append((pending, raw))
                    pending = 0
                brk(2)
                skip_until = el
                continue
            if tag == "br":
                brk(1)
            elif tag in ("td", "th"):
                if cells_in_row:
                    if cells_in_row[-1]:
                        current.append(" | ")
                    cells_in_row[-1] += 1
                cell_depth += 1
            elif tag == "tr":
                brk(1)
                cells_in_row.append(0)
            elif tag in _BREAK_BEFORE and el is not root:
                brk(_BREAK_BEFORE[tag])
            if tag in _ITEMS:
                item_depth += 1
            if el.text:
                current.append(el.text)
        else:
            if tag in ("td", "th"):
                cell_depth -= 1
                current.append(" ")
            elif tag == "tr":
                if cells_in_row:
                    cells_in_row.pop()
                brk(1)
            elif tag in _BREAK_BEFORE and el is not root:
                if tag in _ITEMS:
                    item_depth -= 1
                brk(_BREAK_BEFORE[tag])
            if el.tail and el is not root:
                current.append(el.tail)
    flush()
    out: list[str] = []
    for strength, text in lines:
        if out:
            out.append("\n\n" if strength >= 2 else "\n")
        out.append(text)
    return "".join(out)
