"""Snippets: the few lines of a hit's text around its matched words, as safe HTML.

A snippet is made only for the hits shown (20 a page), from the plain text the caller
hands over: the index stores no article body. Cost is one regex pass over the text plus
a Porter stem per candidate word (stems are cached), so it is cheap enough to run for
every hit on a page.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable

from whoosh.lang.porter import stem as _porter_stem

__all__ = ["MATCH_TAG", "SNIPPET_CHARS", "make_snippet"]

SNIPPET_CHARS = 220
# How a matched word starts in a snippet (the UI and the CLI look for it).
MATCH_TAG = '<b class="match">'
_stem = functools.lru_cache(maxsize=100_000)(_porter_stem)
_SPACE_RE = re.compile(r"\s+")


def _escape(text: str) -> str:
    return html.escape(_SPACE_RE.sub(" ", text), quote=False)


def _match_spans(text: str, wanted: frozenset[str], cap: int = 200) -> list[tuple[int, int, str]]:
    """(start, end, stem) of the words of ``text`` whose stem is wanted, at most ``cap``.

    A Porter stem is a prefix of its word but for the last letter ("studi" for
    "study"), so a regex finds candidates by that prefix in C, and only those are
    stemmed in Python to confirm.
    """
    prefixes = {t[:-1] if len(t) > 3 or t.endswith("i") else t for t in wanted}
    prefixes = {p for p in prefixes if len(p) >= 2} or set(wanted)
    alternation = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    finder = re.compile(rf"(?<![\w.])(?:{alternation})\w*(?:\.\w+)*", re.IGNORECASE)
    spans: list[tuple[int, int, str]] = []
    for m in finder.finditer(text):
        word = m.group(0).lower()
        stem = word if word in wanted else _stem(word)
        if stem in wanted:
            spans.append((m.start(), m.end(), stem))
            if len(spans) >= cap:
                break
    return spans


def make_snippet(text: str, stems: Iterable[str], *, max_chars: int = SNIPPET_CHARS) -> str:
    """An HTML fragment of ``text`` around the densest cluster of matched words.

    ``stems`` are indexed terms (already stemmed, lower-case); a word of ``text``
    matches when its stem is one of them, so "pains" is marked for the term "pain".
    Matched words are wrapped in ``<b class="match">``; everything else is escaped.
    Cost is one regex pass over the text plus a stem per candidate word, so it is
    cheap enough to run for every hit on a page.
    """
    wanted = frozenset(stems)
    if not text:
        return ""
    spans = _match_spans(text, wanted) if wanted else []
    if not spans:
        end = _cut_end(text, 0, max_chars)
        return _escape(text[:end]) + ("…" if end < len(text) else "")

    # The window of max_chars holding the most distinct matched words (then the most).
    best = (0, 0, 0)  # (distinct, count, index of first span)
    j = 0
    for i, (start, _, _) in enumerate(spans):
        if j < i:
            j = i
        while j + 1 < len(spans) and spans[j + 1][1] - start <= max_chars:
            j += 1
        window = spans[i : j + 1]
        score = (len({stem for _, _, stem in window}), len(window), -i)
        if score > best:
            best = score
    first = -best[2]
    anchor = spans[first][0]
    # Start a little before the first match, at a word boundary.
    start = max(0, anchor - max_chars // 5)
    if start > 0:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 and anchor - space < max_chars // 2 else start
    end = _cut_end(text, start, max_chars)

    parts: list[str] = ["…" if start > 0 else ""]
    pos = start
    for s, e, _ in spans:
        if s < start:
            continue
        if e > end:
            break
        parts.append(_escape(text[pos:s]))
        parts.append(f'<b class="match">{html.escape(text[s:e], quote=False)}</b>')
        pos = e
    parts.append(_escape(text[pos:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts).strip()


def _cut_end(text: str, start: int, max_chars: int) -> int:
    end = start + max_chars
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", start, end)
    return space if space > start + max_chars // 2 else end
