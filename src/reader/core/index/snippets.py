"""Snippets: the few lines of a hit's text around its matched words, as clean, safe HTML.

A snippet is made only for the hits shown (20 a page), from the plain text the caller
hands over: the index stores no article body. Cost is one regex pass over the text plus
a Porter stem per candidate word (stems are cached), so it is cheap enough to run for
every hit on a page.

A snippet is prose. The article's plain text keeps what the reader view shows, and so
holds table rows (cells joined by " | ") and image and media placeholders ("Image: alt
text", "Embedded content from …") as lines of their own: placeholders never make a
snippet, and a table row does only when the words are nowhere else, with its cells
separated by " · ". Notes are Markdown: a hit on a note shows the note's text, rendered
(``**dose**`` reads "dose").
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable

from whoosh.lang.porter import stem as _porter_stem

from reader.core.model import Annotation

__all__ = [
    "MATCH_TAG",
    "SNIPPET_CHARS",
    "annotation_snippet",
    "make_snippet",
    "match_spans",
    "note_text",
    "prose",
]

SNIPPET_CHARS = 220
# How a matched word starts in a snippet (the UI and the CLI look for it).
MATCH_TAG = '<b class="match">'

_stem = functools.lru_cache(maxsize=100_000)(_porter_stem)
_SPACE_RE = re.compile(r"\s+")

# Lines that are a placeholder of the sanitizer, not prose (see reader.core.sanitize).
_PLACEHOLDER_LINE_RE = re.compile(
    r"^(?:(?:Image|Video|Audio)(?:[:(].*| \(.*)?|Embedded content from \S.*)$", re.MULTILINE
)
# A table row: cells joined by " | " (an empty cell leaves "x |" or "| x").
_PLACEHOLDER_WORDS = ("Image", "Video", "Audio", "Embedded content from ")
_CELL_SEPARATOR_RE = re.compile(r"(?<!\S)\|(?!\S)")


def prose(text: str) -> tuple[str, str]:
    """(prose, table rows) of an article's plain text, placeholders left out.

    Table rows come back with their cells separated by " · ", one row after another
    separated by " / ". Cheap when there is nothing to clean: a few searches in C.
    """
    has_cells = "|" in text
    # substring tests first: they run in C, the line regex tries every position
    has_placeholders = any(word in text for word in _PLACEHOLDER_WORDS)
    if not has_cells and not has_placeholders:
        return text, ""
    if has_placeholders:
        text = _PLACEHOLDER_LINE_RE.sub("", text)
    if not has_cells:
        return text, ""
    body: list[str] = []
    rows: list[str] = []
    for line in text.split("\n"):
        if not _CELL_SEPARATOR_RE.search(line):
            body.append(line)
            continue
        cells = (cell.strip() for cell in _CELL_SEPARATOR_RE.split(line))
        row = " · ".join(cell for cell in cells if cell)
        if row:
            rows.append(row)
    return "\n".join(body), " / ".join(rows)


@functools.lru_cache(maxsize=1)
def _markdown():
    # Imported when a note is first shown: the command line starts faster without it.
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})


def note_text(markdown: str) -> str:
    """The plain text of a Markdown note: what it reads as, without the markup."""
    if not markdown.strip():
        return ""
    blocks: list[str] = []
    for token in _markdown().parse(markdown):
        if token.type != "inline":
            continue
        words: list[str] = []
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
            elif child.type == "image":
                words.append(child.content)  # its alt text
        block = "".join(words).strip()
        if block:
            blocks.append(block)
    return "\n".join(blocks)


def annotation_snippet(
    annotation: Annotation, stems: frozenset[str], tags: frozenset[str], *, note_first: bool
) -> str | None:
    """The snippet of a highlight the query matches, or None.

    A match in the note shows the note's text; a match in the highlighted passage shows
    the passage; a match on one of its ``tags`` (lower-case) shows the passage unmarked.
    ``note_first`` is for queries that ask for notes (``note:``).
    """
    passage = annotation.quote.exact
    note = note_text(annotation.note) if annotation.note else ""
    for text in (note, passage) if note_first else (passage, note):
        if text:
            marked = make_snippet(text, stems)
            if MATCH_TAG in marked:
                return marked
    if tags and any(tag.lower() in tags for tag in annotation.tags):
        return make_snippet(passage or note, ())
    return None


def _escape(text: str) -> str:
    return html.escape(_SPACE_RE.sub(" ", text), quote=False)


def match_spans(text: str, wanted: frozenset[str], cap: int = 200) -> list[tuple[int, int, str]]:
    """(start, end, stem) of the words of ``text`` whose stem is wanted, at most ``cap``.

    A Porter stem is a prefix of its word but for the last letter ("studi" for
    "study"), so candidates are found by that prefix with ``str.find`` on the
    lower-cased text (C speed: a case-insensitive regex took 1-2 ms on a 14 KB
    article, this takes a tenth of that), and only those are stemmed to confirm.
    """
    prefixes = {t[:-1] if len(t) > 3 or t.endswith("i") else t for t in wanted}
    prefixes = {p for p in prefixes if len(p) >= 2} or set(wanted)
    lower = text.lower()
    if len(lower) != len(text):  # a letter whose lower case is longer ("İ"): no offsets
        return _match_spans_regex(text, wanted, prefixes, cap)
    starts: set[int] = set()
    for prefix in prefixes:
        pos = lower.find(prefix)
        while pos >= 0:
            if pos == 0 or not (lower[pos - 1].isalnum() or lower[pos - 1] in "_."):
                starts.add(pos)
            pos = lower.find(prefix, pos + 1)
    spans: list[tuple[int, int, str]] = []
    for start in sorted(starts):
        tail = _WORD_TAIL_RE.match(lower, start)
        if tail is None:  # a prefix that starts with no word character: nothing to mark
            continue
        end = tail.end()
        word = lower[start:end]
        stem = word if word in wanted else _stem(word)
        if stem in wanted:
            spans.append((start, end, stem))
            if len(spans) >= cap:
                break
    return spans


# The rest of a word from where a prefix was found: Whoosh's word pattern.
_WORD_TAIL_RE = re.compile(r"\w+(?:\.\w+)*")


def _match_spans_regex(
    text: str, wanted: frozenset[str], prefixes: set[str], cap: int
) -> list[tuple[int, int, str]]:
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
    The window comes from the prose of ``text`` (see the module docstring), from its
    table rows only when the prose has none of the words.
    """
    wanted = frozenset(stems)
    if not text:
        return ""
    body, rows = prose(text)
    for candidate in (body, rows):
        spans = match_spans(candidate, wanted) if wanted and candidate else []
        if spans:
            return _window(candidate, spans, max_chars)
    text = body.strip() or rows
    end = _cut_end(text, 0, max_chars)
    return _escape(text[:end]) + ("…" if end < len(text) else "")


def _window(text: str, spans: list[tuple[int, int, str]], max_chars: int) -> str:
    """The marked-up window of ``text`` holding the most distinct matched words."""
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
