"""What canonical HTML may contain: the tags, attributes and URL schemes, and the two
nh3 (Ammonia) cleaners built from them.

The first pass cuts any input to a superset of the allowlist (the media elements and
tags the tree pass renames are still let in); the final pass, after the tree work,
holds exactly the allowlist, so nothing the tree pass produced can escape it. See
:mod:`reader.core.sanitize` for what each rule means to a reader.
"""

from __future__ import annotations

import nh3

IMAGE_PLACEHOLDER_CLASS = "image-placeholder"
MEDIA_PLACEHOLDER_CLASS = "media-placeholder"
LIBRARY_IMAGE_SCHEME = "margin-image"

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
RENAME = {
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
MEDIA_TAGS = {"iframe", "video", "audio"}

# Dropped with everything inside them: their text is never article text.
_DROP_WITH_CONTENT = {
    "script", "style", "noscript", "template", "svg", "form", "button", "select",
    "annotation", "annotation-xml",
    "textarea", "object", "embed", "applet", "canvas", "title", "noembed", "noframes",
}  # fmt: skip

_FIRST_TAGS = ALLOWED_TAGS | set(RENAME) | MEDIA_TAGS | {"source"}
PLACEHOLDER_CLASSES = {IMAGE_PLACEHOLDER_CLASS, MEDIA_PLACEHOLDER_CLASS}
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
FIRST_PASS = nh3.Cleaner(
    tags=_FIRST_TAGS,
    clean_content_tags=_DROP_WITH_CONTENT,
    attributes=_FIRST_ATTRIBUTES,
    url_schemes=_URL_SCHEMES,
    link_rel=None,
    strip_comments=True,
    # Kept so that canonical HTML canonicalizes to itself; other spans are unwrapped.
    allowed_classes={"span": PLACEHOLDER_CLASSES},
)
FINAL_PASS = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=_DROP_WITH_CONTENT,
    attributes=_FINAL_ATTRIBUTES,
    url_schemes=_URL_SCHEMES,
    link_rel=None,
    strip_comments=True,
    allowed_classes={"span": PLACEHOLDER_CLASSES},
)

BLOCK_TAGS = HEADINGS | {
    "p", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "table", "caption", "thead",
    "tbody", "tfoot", "tr", "figure", "figcaption", "pre", "div", "hr",
}  # fmt: skip
