"""Text Fragments links (``#:~:text=``) that open the source page at a quoted passage.

See https://wicg.github.io/scroll-to-text-fragment/: a directive is
``[prefix-,]textStart[,textEnd][,-suffix]``, each term percent-encoded, and browsers
match each term on word boundaries.
"""

from __future__ import annotations

import re
import urllib.parse

from reader.core.model import TextQuoteSelector

_FRAGMENT_WORDS = 4  # words of textStart / textEnd for long quotes
_FRAGMENT_SHORT = 80  # quotes up to this many characters are given whole
# A word as browsers segment it (Unicode UAX #29): letters and digits, joined across an
# apostrophe or a full stop with no space ("don't", "3.5", "e.g").
_WORD = re.compile(r"\w+(?:['’.]\w+)*")


def fragment_url(url: str, quote: TextQuoteSelector) -> str:
    """A Text Fragments link (``#:~:text=``) to the quoted passage on the source page.

    Long quotes use ``textStart,textEnd``; prefix and suffix carry a few whole words of
    context from the same paragraph (text directives do not match across blocks).
    Returns "" when the article has no http(s) URL.
    """
    if not url.startswith(("http://", "https://")):
        return ""
    base = url.split("#", 1)[0]
    quote = _whole_words(quote)
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
    # A line of context that a paragraph break bounds is whole at that end.
    prefix_lines, suffix_lines = quote.prefix.split("\n"), quote.suffix.split("\n")
    prefix = _context_words(prefix_lines[-1], from_end=True, whole=len(prefix_lines) > 1)
    suffix = _context_words(suffix_lines[0], from_end=False, whole=len(suffix_lines) > 1)
    if prefix:
        directive = f"{_fragment_encode(prefix)}-,{directive}"
    if suffix:
        directive = f"{directive},-{_fragment_encode(suffix)}"
    return f"{base}#:~:text={directive}"


def _whole_words(quote: TextQuoteSelector) -> TextQuoteSelector:
    """The quote widened to whole words: a selection that starts or ends inside a word
    ("…bias, th") takes the rest of that word from its context ("…bias, the"), because
    text directives only match on word boundaries."""
    joined = quote.prefix + quote.exact + quote.suffix
    start, end = len(quote.prefix), len(quote.prefix) + len(quote.exact)
    for word in _WORD.finditer(joined):
        if word.start() < start < word.end():
            start = word.start()
        if word.start() < end < word.end():
            end = word.end()
            break
        if word.start() >= end:
            break
    if (start, end) == (len(quote.prefix), len(quote.prefix) + len(quote.exact)):
        return quote
    return TextQuoteSelector(exact=joined[start:end], prefix=joined[:start], suffix=joined[end:])


def _context_words(text: str, *, from_end: bool, whole: bool, count: int = 3) -> str:
    """Up to ``count`` whole words of context next to the quote. The word at the far end
    of the stored context may be cut off ("…and mo"), so it is dropped unless ``whole``
    (a paragraph break ends the context there): fragments match whole words only."""
    words = text.split()
    if from_end:
        if words and not whole and not text[:1].isspace():
            words = words[1:]
        return " ".join(words[-count:])
    if words and not whole and not text[-1:].isspace():
        words = words[:-1]
    return " ".join(words[:count])


def _fragment_encode(term: str) -> str:
    # Text Fragments: percent-encode everything but unreserved characters, and also
    # '-', '&' and ',' which are the directive's own syntax.
    return urllib.parse.quote(term, safe="").replace("-", "%2D")
