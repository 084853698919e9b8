"""Anchor highlights into an article's plain text, W3C Web Annotation style.

A highlight stores two selectors (see :mod:`reader.core.model`):

* a :class:`TextQuoteSelector`: the exact passage plus ~32 characters of context on each
  side, which survives edits elsewhere in the article;
* a :class:`TextPositionSelector`: character offsets into ``Article.text``, which is only a
  hint once the article has been re-imported.

:func:`anchor` finds the passage again in three steps, cheapest and surest first:

1. **position**: the offsets still hold exactly the quote;
2. **quote**: an exact occurrence of the quote (or one that differs only in whitespace,
   curly quotes or dashes); with several, the one whose context agrees best, then the one
   nearest the old position;
3. **fuzzy**: an approximate match (a word changed, punctuation, whitespace) found with
   Myers' bit-parallel edit-distance search, scored like Hypothesis does it: mostly how
   close the quote is, then how well the prefix and suffix agree, a little for position.

When nothing is good enough :func:`anchor` returns ``None``: the caller shows the
highlight as an orphan and never drops it.

The text compared is :mod:`.normalised_text` (with its map back to the article's
offsets); the approximate search is :mod:`.edit_distance`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from reader.core.anchoring.edit_distance import (
    approximate_ends,
    context_similarity,
    match_start,
)
from reader.core.anchoring.normalised_text import NormalisedText, normalise_plain
from reader.core.errors import AnchorError
from reader.core.model import Annotation, TextPositionSelector, TextQuoteSelector

DEFAULT_CONTEXT = 32

# Fuzzy acceptance. A quote of m characters is searched with up to m/2 edits, but accepted
# only if it is at least this similar (1 - edits/m) on its own…
_MIN_QUOTE_SIMILARITY = 0.85
# …or fairly similar and both its prefix and suffix still agree with the text around it.
_MIN_QUOTE_SIMILARITY_WITH_CONTEXT = 0.6
_MIN_CONTEXT_SIMILARITY = 0.8
# Quotes shorter than this are only matched fuzzily when their context agrees: one edit in
# "pain" turns it into "rain".
_SHORT_QUOTE = 12
# How many fuzzy candidates (best edit distance first) get the full context scoring.
_MAX_CANDIDATES = 24


@dataclass(slots=True)
class Anchor:
    """Where a highlight is in the current text: ``text[start:end]``.

    ``score`` is 1.0 for position and exact-quote anchors and the combined similarity
    (0..1) for fuzzy ones, so the UI can flag shaky re-anchors.
    """

    start: int
    end: int
    method: Literal["position", "quote", "fuzzy"]
    score: float


# --- making selectors ------------------------------------------------------------------


def make_selectors(
    text: str, start: int, end: int, context: int = DEFAULT_CONTEXT
) -> tuple[TextQuoteSelector, TextPositionSelector]:
    """Selectors for ``text[start:end]`` (e.g. a selection in the reader view)."""
    if not 0 <= start < end <= len(text):
        raise AnchorError(
            f"selection {start}–{end} is empty or outside the article text (0–{len(text)})"
        )
    quote = TextQuoteSelector(
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )
    return quote, TextPositionSelector(start=start, end=end)


def selectors_for_quote(
    text: str,
    exact: str,
    prefix: str = "",
    suffix: str = "",
    *,
    article_id: int | None = None,
) -> tuple[TextQuoteSelector, TextPositionSelector]:
    """Selectors for a quote the user typed or pasted (``margin highlight --quote``).

    Matching ignores differences in whitespace, curly vs straight quotes and dash styles,
    because pasted text rarely keeps them. ``prefix``/``suffix`` (text just before/after
    the quote) pick one of several occurrences. The returned selectors are built from the
    article's own text, so they hold its exact characters.

    Raises :class:`AnchorError` when the quote is not in the article or is ambiguous.
    """
    where = f"article {article_id}" if article_id is not None else "the article"
    hay = NormalisedText(text)
    needle = normalise_plain(exact).strip()
    if not needle:
        raise AnchorError("the quote is empty")
    starts = _find_all(hay.norm, needle)
    if not starts:
        raise AnchorError(f"quote not found in {where}: '{_shorten(exact)}'")
    if len(starts) > 1:
        norm_prefix = normalise_plain(prefix).strip()
        norm_suffix = normalise_plain(suffix).strip()
        if not (norm_prefix or norm_suffix):
            raise AnchorError(
                f"quote occurs {len(starts)} times in {where}; add --prefix or --suffix"
            )
        fitting = [
            s
            for s in starts
            if hay.norm[:s].rstrip().endswith(norm_prefix)
            and hay.norm[s + len(needle) :].lstrip().startswith(norm_suffix)
        ]
        if not fitting:
            raise AnchorError(
                f"quote occurs {len(starts)} times in {where}, but none with that "
                "prefix/suffix; check them against the article text"
            )
        if len(fitting) > 1:
            raise AnchorError(
                f"quote occurs {len(starts)} times in {where} and the prefix/suffix fit "
                f"{len(fitting)} of them; make the prefix or suffix longer"
            )
        starts = fitting
    start, end = hay.span(starts[0], starts[0] + len(needle))
    return make_selectors(text, start, end)


# --- re-anchoring ----------------------------------------------------------------------


def anchor(
    text: str, quote: TextQuoteSelector, position: TextPositionSelector | None
) -> Anchor | None:
    """Find the highlighted passage in ``text`` (position, then quote, then fuzzy)."""
    return _anchor(NormalisedText(text), quote, position)


def reanchor_all(
    text: str, annotations: list[Annotation]
) -> tuple[list[tuple[Annotation, Anchor]], list[Annotation]]:
    """Re-anchor every annotation into ``text``.

    Returns ``(anchored, orphans)``. Anchored annotations come back as copies whose
    selectors describe the passage in the current text (fresh exact/prefix/suffix and
    offsets); ``modified`` is left alone because re-anchoring is not a user edit. Orphans
    come back unchanged, in their original order, so nothing is ever lost. Tombstones
    (``removed=True``) are processed like the others; callers filter them for display.
    """
    hay = NormalisedText(text)
    anchored: list[tuple[Annotation, Anchor]] = []
    orphans: list[Annotation] = []
    for annotation in annotations:
        found = _anchor(hay, annotation.quote, annotation.position)
        if found is None:
            orphans.append(annotation)
            continue
        if found.method == "fuzzy":
            # Keep the words the user highlighted: a fuzzy match is a best guess, and
            # overwriting the quote would lose the original if the guess is wrong.
            position = TextPositionSelector(found.start, found.end)
            if position != annotation.position:
                annotation = dataclasses.replace(annotation, position=position)
        else:
            quote, position = make_selectors(text, found.start, found.end)
            if (quote, position) != (annotation.quote, annotation.position):
                annotation = dataclasses.replace(annotation, quote=quote, position=position)
        anchored.append((annotation, found))
    return anchored, orphans


def _anchor(
    hay: NormalisedText, quote: TextQuoteSelector, position: TextPositionSelector | None
) -> Anchor | None:
    text = hay.text
    exact = quote.exact
    if not exact.strip():
        return None
    # 1. The offsets still hold the quote.
    if (
        position is not None
        and 0 <= position.start < position.end <= len(text)
        and text[position.start : position.end] == exact
    ):
        return Anchor(position.start, position.end, "position", 1.0)
    hint = position.start if position is not None and position.start >= 0 else None

    # 2. Exact occurrences in the raw text, then whitespace/typography-insensitive ones.
    starts = _find_all(text, exact)
    if starts:
        best = _best_exact(text, starts, len(exact), quote, hint)
        return Anchor(best, best + len(exact), "quote", 1.0)
    needle = normalise_plain(exact).strip()
    norm_starts = _find_all(hay.norm, needle)
    if norm_starts:
        spans = [hay.span(s, s + len(needle)) for s in norm_starts]
        best_span = max(spans, key=lambda sp: _exact_key(text, sp[0], sp[1], quote, hint))
        return Anchor(best_span[0], best_span[1], "quote", 1.0)

    # 3. Approximate match.
    return _fuzzy(hay, needle, quote, hint)


def _best_exact(
    text: str, starts: list[int], length: int, quote: TextQuoteSelector, hint: int | None
) -> int:
    return max(starts, key=lambda s: _exact_key(text, s, s + length, quote, hint))


def _exact_key(
    text: str, start: int, end: int, quote: TextQuoteSelector, hint: int | None
) -> tuple[int, int]:
    """Sort key for exact candidates: context agreement first, then nearness to the hint."""
    agreement = _common_suffix(text[max(0, start - len(quote.prefix)) : start], quote.prefix)
    agreement += _common_prefix(text[end : end + len(quote.suffix)], quote.suffix)
    distance = abs(start - hint) if hint is not None else 0
    return agreement, -distance


def _fuzzy(
    hay: NormalisedText, needle: str, quote: TextQuoteSelector, hint: int | None
) -> Anchor | None:
    m = len(needle)
    if m == 0:
        return None
    norm = hay.norm
    max_errors = m // 2
    ends = approximate_ends(needle, norm, max_errors)
    if not ends:
        return None
    # Each run of neighbouring end positions is one place; keep its best end.
    candidates: list[tuple[int, int]] = []  # (errors, end)
    run_best: tuple[int, int] | None = None
    previous = -2
    for end, errors in ends:
        if end != previous + 1 and run_best is not None:
            candidates.append(run_best)
            run_best = None
        if run_best is None or errors < run_best[0]:
            run_best = (errors, end)
        previous = end
    if run_best is not None:
        candidates.append(run_best)
    candidates.sort()
    candidates = candidates[:_MAX_CANDIDATES]

    norm_prefix = normalise_plain(quote.prefix)
    norm_suffix = normalise_plain(quote.suffix)
    norm_hint = hay.norm_index(hint) if hint is not None else None
    best: tuple[float, int, int] | None = None
    for errors, end in candidates:
        start = match_start(needle, norm, end, errors)
        quote_sim = 1 - errors / m
        slack = 1 + len(norm_prefix) // 4
        before = norm[max(0, start - len(norm_prefix) - slack) : start]
        prefix_sim = context_similarity(norm_prefix[::-1], before[::-1])
        slack = 1 + len(norm_suffix) // 4
        suffix_sim = context_similarity(norm_suffix, norm[end : end + len(norm_suffix) + slack])
        context_ok = (
            min(prefix_sim, suffix_sim) >= _MIN_CONTEXT_SIMILARITY
            and (norm_prefix.strip() or norm_suffix.strip()) != ""
        )
        if m < _SHORT_QUOTE:
            accepted = context_ok and quote_sim >= _MIN_QUOTE_SIMILARITY_WITH_CONTEXT
        else:
            accepted = quote_sim >= _MIN_QUOTE_SIMILARITY or (
                context_ok and quote_sim >= _MIN_QUOTE_SIMILARITY_WITH_CONTEXT
            )
        if not accepted:
            continue
        pos_sim = 1 - abs(start - norm_hint) / max(1, len(norm)) if norm_hint is not None else 1
        # Weights from Hypothesis' anchoring: quote ≫ context ≫ position.
        score = (50 * quote_sim + 20 * prefix_sim + 20 * suffix_sim + 2 * pos_sim) / 92
        if best is None or score > best[0]:
            best = (score, start, end)
    if best is None:
        return None
    score, start, end = best
    # Do not start or end a highlight on a collapsed space.
    while start < end and norm[start] == " ":
        start += 1
    while end > start and norm[end - 1] == " ":
        end -= 1
    if start >= end:
        return None
    raw_start, raw_end = hay.span(start, end)
    return Anchor(raw_start, raw_end, "fuzzy", round(score, 4))


def _find_all(haystack: str, needle: str) -> list[int]:
    """Start of every (possibly overlapping) occurrence of ``needle``."""
    out: list[int] = []
    if not needle:
        return out
    i = haystack.find(needle)
    while i != -1:
        out.append(i)
        i = haystack.find(needle, i + 1)
    return out


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
