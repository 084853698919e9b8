"""Text Fragments links (``#:~:text=``) that open the source page at a quoted passage.

See https://wicg.github.io/scroll-to-text-fragment/: a directive is
``[prefix-,]textStart[,textEnd][,-suffix]``, each term percent-encoded, and browsers
match each term on word boundaries.
"""

from __future__ import annotations

import urllib.parse

from reader.core.model import TextQuoteSelector

_FRAGMENT_WORDS = 4  # words of textStart / textEnd for long quotes
_FRAGMENT_SHORT = 80  # quotes up to this many characters are given whole


def fragment_url(url: str, quote: TextQuoteSelector) -> str:
    """A Text Fragments link (``#:~:text=``) to the quoted passage on the source page.

    Long quotes use ``textStart,textEnd``; prefix and suffix carry a few whole words of
    context from the same paragraph (text directives do not match across blocks).
    Returns "" when the article has no http(s) URL.
    """
    if not url.startswith(("http://", "https://")):
        return ""
    base = url.split("#", 1)[0]
    blocks = [" ".join(b.split()) for b in quote.exact.strip().split("\n")]
    blocks = [b for b in blocks if b]
    if not blocks:
        return ""
    first, last = blocks[0], blocks[-1]
    if len(blocks) == 1 and len(first) <= _FRAGMENT_SHORT:
        terms = [first]
    else:
        start_words, end_words = first.split(), last.split()
        if len(blocks) == 1 and len(start_words) <= 2 * _FRAGMENT_WORDS:
            terms = [first]
        else:
            terms = [
                " ".join(start_words[:_FRAGMENT_WORDS]),
                " ".join(end_words[-_FRAGMENT_WORDS:]),
            ]
    directive = ",".join(_fragment_encode(t) for t in terms)
    prefix = _context_words(quote.prefix.split("\n")[-1], from_end=True)
    suffix = _context_words(quote.suffix.split("\n")[0], from_end=False)
    if prefix:
        directive = f"{_fragment_encode(prefix)}-,{directive}"
    if suffix:
        directive = f"{directive},-{_fragment_encode(suffix)}"
    return f"{base}#:~:text={directive}"


def _context_words(text: str, *, from_end: bool, count: int = 3) -> str:
    """Up to ``count`` whole words of context next to the quote (a partial word at the
    far end of the stored context is dropped: fragments match whole words)."""
    words = text.split()
    if not words:
        return ""
    if from_end:
        if not text[:1].isspace() and len(words) > 1:
            words = words[1:]  # the first word may be cut off
        return " ".join(words[-count:])
    if not text[-1:].isspace() and len(words) > 1:
        words = words[:-1]
    return " ".join(words[:count])


def _fragment_encode(term: str) -> str:
    # Text Fragments: percent-encode everything but unreserved characters, and also
    # '-', '&' and ',' which are the directive's own syntax.
    return urllib.parse.quote(term, safe="").replace("-", "%2D")
