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
  Before that, :mod:`reader.core.images.choose` finds the real picture of lazy-loaded
  images (``data-src``, ``data-srcset``…), their ``<noscript>`` copies and
  ``<picture>`` sources, so a placeholder GIF is never kept and a picture is never shown
  twice; tracking pixels (1×1 or hidden) are dropped.
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

The parts
---------
This module holds :func:`canonicalize` and the size caps; the steps live beside it:
:mod:`.prepare` (characters and nesting, before parsing), :mod:`.allowlist` (the tags,
attributes and the two nh3 cleaners), :mod:`.tree` (the tree pass: placeholders and
clean-up) with :mod:`.links` and :mod:`.dom` (element surgery), and :mod:`.text`
(:func:`html_to_text`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from html import unescape

from reader.core.errors import ImportFailure
from reader.core.images.choose import choose_in_html, needs_choosing
from reader.core.images.collect import active as image_collector
from reader.core.sanitize.allowlist import (
    ALLOWED_TAGS,
    FINAL_PASS,
    FIRST_PASS,
    IMAGE_PLACEHOLDER_CLASS,
    MATHML_ATTRIBUTES,
    MATHML_TAGS,
    MEDIA_PLACEHOLDER_CLASS,
)
from reader.core.sanitize.dom import parse_fragment, serialize_children
from reader.core.sanitize.prepare import MAX_DEPTH, clean_characters, limit_depth
from reader.core.sanitize.text import html_to_text
from reader.core.sanitize.tree import library_image_name, transform

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
    if needs_choosing(html):
        # Lazy-loaded, <noscript> and <picture> images become one plain <img> each,
        # holding the real picture rather than its placeholder.
        html = choose_in_html(html, collector.local_bytes if collector is not None else None)
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
    html = clean_characters(html)
    if not html.strip():
        return CanonicalHTML(html="", text="")
    html = limit_depth(html)
    first = FIRST_PASS.clean(html)
    if not first.strip():
        return CanonicalHTML(html="", text="")
    _check_paragraphs(first)
    root = parse_fragment(first)
    transform(root, base_url.strip(), frozenset(own_images))
    serialized = serialize_children(root)
    clean = FINAL_PASS.clean(serialized).strip()
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
