"""Words, AND and phrase queries scored a term at a time, for big libraries.

Whoosh scores a document at a time: a tree of matchers steps through every article
that has a query's words, a few Python calls per article and word. With common words
in a big library that is most of the library (50,000 articles: "breast cancer risk"
has all three words in 32,635 of them), and block skipping rarely helps, because a
block's bound (its highest term frequency with its shortest article) is loose: 0.33 to
0.45 s a search. Here each word's postings are read whole, a block at a time, and
scored in one loop into an array indexed by article; the top hits are then picked from
the array.

Scores are Whoosh's own, computed with the same operations (BM25F with the segment's
field lengths, boosts, the all-words bonus of
:class:`~reader.core.index.matchers.WordsOr`), so the hits and their order are the same
(tests/core/test_ranking.py compares both on every query kind). Phrases are scored like
their words, as Whoosh does, and their words' positions are read only for the articles
that could still enter the top hits, best first: one block each.

Decoding a block (zlib, then unpickling the article numbers, frequencies and positions)
is the larger part of what is left, so each term's article numbers and frequencies are
kept for later searches (:data:`POSTINGS_CACHE_BYTES`): typing "breast", "breast cancer",
"breast cancer risk" reads "breast" once.

Only queries made of terms and phrases, OR-ed (with or without NOT) or AND-ed, alone or
beside a filter, are taken here; everything else (prefixes, nested groups, other
scorers) goes to Whoosh's matchers.
"""

from __future__ import annotations

import array
import bisect
import heapq
import itertools
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from whoosh import matching, query, scoring

from reader.core.index.matchers import ALL_WORDS_BONUS, Filtered, Phrase, WordsOr
from reader.core.index.scoring import cached, field_lengths, segment_id

__all__ = ["POSTINGS_CACHE_BYTES", "Plan", "bulk_top_hits", "plan_for"]

MAX_PARTS = 200  # words and phrases are counted per article in a byte
# Decoded postings kept between searches: 12 bytes a posting, so a word in all of
# 50,000 articles is 0.6 MB, and this holds ~20 such words: a search typed word by word
# reads each word once, and the window stays within its memory budget (issue 13).
POSTINGS_CACHE_BYTES = 12 * 2**20


@dataclass(slots=True)
class Plan:
    """A query this module can evaluate: its scored parts and how they combine."""

    positives: list[query.Query]  # Terms and Phrases
    need_all: bool  # AND: every positive; OR: any, and all of them earn the bonus
    bonus: float  # the factor for articles with every positive (1.0: none)
    boost: float
    negatives: list[query.Query] = field(default_factory=list)
    filters: list[query.Query] = field(default_factory=list)


def plan_for(q: query.Query) -> Plan | None:
    """The :class:`Plan` of ``q``, or None when Whoosh's matchers should run it."""
    filters: list[query.Query] = []
    while isinstance(q, Filtered):
        filters.append(q.b)
        q = q.a
    negatives: list[query.Query] = []
    if isinstance(q, Phrase) or type(q) is query.Term:
        parts, need_all, boost = [q], True, 1.0  # its boost is applied with its score
    elif isinstance(q, WordsOr):
        parts = [s for s in q.subqueries if not isinstance(s, query.Not)]
        negatives = [s.query for s in q.subqueries if isinstance(s, query.Not)]
        need_all, boost = False, q.boost
    elif type(q) is query.And:
        parts, need_all, boost = list(q.subqueries), True, q.boost
    else:
        return None
    if len(parts) > MAX_PARTS or not all(_is_simple(p) for p in parts):
        return None
    bonus = 1.0 + ALL_WORDS_BONUS if not need_all and len(parts) > 1 else 1.0
    return Plan(parts, need_all, bonus, boost, negatives, filters)


def _is_simple(part: query.Query) -> bool:
    if type(part) is query.Term:
        return True
    return type(part) is Phrase and part.slop == 1 and len(part.words) > 1


class _Unsupported(Exception):
    """The segment's scorer or codec is not one this module reproduces."""


# --- reading postings ---------------------------------------------------------------------


@dataclass(slots=True)
class _Postings:
    """One term's postings in one segment: article numbers and frequencies, and where
    each block starts (its first article, its file offset) to read positions later."""

    ids: array.array
    weights: array.array
    block_first: list[int]
    block_offset: list[int]

    def nbytes(self) -> int:
        return self.ids.itemsize * len(self.ids) + self.weights.itemsize * len(self.weights)


_postings_cache: OrderedDict[tuple[str, str, bytes], _Postings] = OrderedDict()
_postings_bytes = 0
_postings_lock = threading.Lock()


def _leaf(reader: Any, fieldname: str, btext: bytes) -> Any:
    """The term's own postings matcher: a segment with deleted articles wraps it in a
    filter, and deleted articles are left out after scoring here instead."""
    matcher = reader.postings(fieldname, btext)
    if isinstance(matcher, matching.FilterMatcher):
        matcher = matcher.child
    if not _is_w3(matcher):
        raise _Unsupported(type(matcher).__name__)
    return matcher


def _is_w3(matcher: Any) -> bool:
    return all(
        hasattr(matcher, a)
        for a in ("_goto", "_read_data", "_next_block", "_baseoffset", "_byteids")
    )


def _block(matcher: Any) -> tuple[Any, Any, int]:
    """The current block's (article numbers, frequencies, size), decoded as Whoosh's
    ``_read_ids``/``_read_weights`` do, with the delta decoding done in C."""
    matcher._read_data()  # noqa: SLF001 - Whoosh has no public bulk read
    data = matcher._data  # noqa: SLF001
    size = matcher._blocklength  # noqa: SLF001
    ids = data[0] if matcher._byteids else itertools.accumulate(data[0])  # noqa: SLF001
    weights = data[1]
    if weights is None:
        weights = itertools.repeat(1.0, size)
    elif isinstance(weights, float):
        weights = itertools.repeat(weights, size)
    return ids, weights, size


def _read_postings(reader: Any, fieldname: str, btext: bytes) -> _Postings:
    segment = segment_id(reader)
    key = (segment or "", fieldname, btext)
    if segment is not None:
        with _postings_lock:
            found = _postings_cache.get(key)
            if found is not None:
                _postings_cache.move_to_end(key)
                return found
    matcher = _leaf(reader, fieldname, btext)
    ids = array.array("I")
    weights = array.array("d")
    block_first: list[int] = []
    block_offset: list[int] = []
    position = matcher._baseoffset  # noqa: SLF001
    while matcher.is_active():
        block_ids, block_weights, _size = _block(matcher)
        start = len(ids)
        ids.extend(block_ids)
        weights.extend(block_weights)
        block_first.append(ids[start])
        block_offset.append(position)
        position = matcher._nextoffset  # noqa: SLF001
        matcher._next_block()  # noqa: SLF001
    postings = _Postings(ids, weights, block_first, block_offset)
    if segment is not None:
        _remember(key, postings)
    return postings


def _remember(key: tuple[str, str, bytes], postings: _Postings) -> None:
    global _postings_bytes
    size = postings.nbytes()
    if size > POSTINGS_CACHE_BYTES // 4:
        return  # one huge term would push out everything else
    with _postings_lock:
        if key in _postings_cache:
            return
        _postings_cache[key] = postings
        _postings_bytes += size
        while _postings_bytes > POSTINGS_CACHE_BYTES and _postings_cache:
            _, old = _postings_cache.popitem(last=False)
            _postings_bytes -= old.nbytes()


def _positions(reader: Any, fieldname: str, btext: bytes, postings: _Postings, doc: int):
    """The positions of a term in one article: the one block that holds it, decoded."""
    i = bisect.bisect_right(postings.block_first, doc) - 1
    matcher = _leaf(reader, fieldname, btext)
    matcher._goto(postings.block_offset[i])  # noqa: SLF001
    block_ids, _weights, _size = _block(matcher)
    ids = list(block_ids)
    at = bisect.bisect_left(ids, doc)
    if at == len(ids) or ids[at] != doc:
        return []
    values = matcher._data[2]  # noqa: SLF001
    if isinstance(values, bytes | bytearray) or values is None:
        raise _Unsupported("fixed-size values")  # Whoosh's positions are never fixed
    return matcher.format.decode_positions(values[at])


# --- scoring ------------------------------------------------------------------------------


def _term(searcher: Any, fieldname: str, text: str) -> tuple[bytes, _Postings, Any] | None:
    """(term bytes, postings, BM25F scorer) of a term in one segment; None if absent."""
    if fieldname not in searcher.schema:
        return None
    try:
        btext = searcher.schema[fieldname].to_bytes(text)
    except ValueError:
        return None
    reader = searcher.reader()
    if (fieldname, btext) not in reader:
        return None
    scorer = searcher.weighting.scorer(searcher, fieldname, btext)
    if type(scorer) is not scoring.BM25FScorer:
        raise _Unsupported(type(scorer).__name__)
    return btext, _read_postings(reader, fieldname, btext), scorer


def _norms(reader: Any, fieldname: str, scorer: Any) -> array.array:
    """``K1 * ((1 - B) + B * length / avgfl)`` for every article: BM25's length part,
    computed as :func:`whoosh.scoring.bm25` computes it."""
    K1, B, avgfl = scorer.K1, scorer.B, scorer.avgfl
    lengths = field_lengths(reader, fieldname)
    if lengths is None:
        raise _Unsupported("no length column")

    def load() -> array.array:
        return array.array("d", (K1 * ((1 - B) + B * fl / avgfl) for fl in lengths))

    norms = cached(reader, f"norm:{fieldname}:{K1!r}:{B!r}:{avgfl!r}", load)
    return norms if norms is not None else load()


def _add_scores(
    total: list[float], present: bytearray, postings: _Postings, scorer: Any, norms, boost
) -> None:
    """Add a term's BM25 (:func:`whoosh.scoring.bm25`, same operations) to ``total``."""
    idf, k1p = scorer.idf, scorer.K1 + 1
    if boost == 1.0:
        for d, tf in zip(postings.ids, postings.weights, strict=True):
            total[d] += idf * ((tf * k1p) / (tf + norms[d]))
            present[d] += 1
    else:
        for d, tf in zip(postings.ids, postings.weights, strict=True):
            total[d] += idf * ((tf * k1p) / (tf + norms[d])) * boost
            present[d] += 1


@dataclass(slots=True)
class _PhraseWords:
    """A phrase's words in one segment; checks adjacency for one article at a time."""

    fieldname: str
    words: list[tuple[bytes, _Postings]]
    total: list[float]  # the words' summed score, for articles that have them all

    def holds(self, reader: Any, doc: int) -> bool:
        fieldname = self.fieldname
        first, *rest = self.words
        ends = _positions(reader, fieldname, first[0], first[1], doc)
        for btext, postings in rest:
            after = {p + 1 for p in ends}
            ends = [p for p in _positions(reader, fieldname, btext, postings, doc) if p in after]
            if not ends:
                return False
        return True


def _add_phrase(searcher: Any, phrase: Phrase, total: list[float], present: bytearray):
    """Score a phrase's words into ``total`` where all of them are; None if one is absent."""
    size = len(total)
    words: list[tuple[bytes, _Postings]] = []
    mine = [0.0] * size
    count = bytearray(size)
    reader = searcher.reader()
    for word in phrase.words:
        found = _term(searcher, phrase.fieldname, word)
        if found is None:
            return None
        btext, postings, scorer = found
        words.append((btext, postings))
        _add_scores(mine, count, postings, scorer, _norms(reader, phrase.fieldname, scorer), 1.0)
    if not searcher.schema[phrase.fieldname].format.supports("positions"):
        raise _Unsupported("no positions")
    wanted = len(words)
    for d in itertools.compress(range(size), count.translate(_equal_table(wanted))):
        s = mine[d] * phrase.boost if phrase.boost != 1.0 else mine[d]
        mine[d] = s
        total[d] += s
        present[d] += 1
    return _PhraseWords(phrase.fieldname, words, mine), count.translate(_equal_table(wanted))


def _equal_table(n: int) -> bytes:
    """A ``bytes.translate`` table: ``n`` becomes 1, everything else 0."""
    return bytes(1 if i == n else 0 for i in range(256))


def _at_least_table(n: int) -> bytes:
    return bytes(1 if i >= n else 0 for i in range(256))


def _ids_of(q: query.Query, searcher: Any) -> set[int]:
    m = q.matcher(searcher, searcher.boolean_context())
    return set(m.all_ids()) if m.is_active() else set()


def _segment_top(plan: Plan, searcher: Any, offset: int, limit: int):
    """The segment's best ``limit`` as (score, -global docnum), and how many matched."""
    reader = searcher.reader()
    size = reader.doc_count_all()
    total = [0.0] * size
    present = bytearray(size)
    phrases: list[tuple[_PhraseWords, bytearray]] = []
    for part in plan.positives:
        if isinstance(part, Phrase):
            found_phrase = _add_phrase(searcher, part, total, present)
            if found_phrase is None:
                if plan.need_all:
                    return [], 0
                continue
            phrases.append(found_phrase)
            continue
        assert isinstance(part, query.Term)
        found = _term(searcher, part.fieldname, part.text)
        if found is None:
            if plan.need_all:
                return [], 0
            continue
        _btext, postings, scorer = found
        norms = _norms(reader, part.fieldname, scorer)
        _add_scores(total, present, postings, scorer, norms, part.boost)
    wanted = len(plan.positives)
    mask = present.translate(_at_least_table(wanted if plan.need_all else 1))
    matched = list(itertools.compress(range(size), mask))
    excluded: set[int] = set()
    for negative in plan.negatives:
        excluded |= _ids_of(negative, searcher)
    for kept in plan.filters:
        allowed = _ids_of(kept, searcher)
        matched = [d for d in matched if d in allowed]
    if excluded:
        matched = [d for d in matched if d not in excluded]
    if reader.has_deletions():
        matched = [d for d in matched if not reader.is_deleted(d)]
    boost, bonus = plan.boost, plan.bonus

    def score(d: int) -> float:
        s = total[d] * boost if boost != 1.0 else total[d]
        return s * bonus if present[d] == wanted and bonus != 1.0 else s

    if not phrases:
        best = heapq.nlargest(limit, [(score(d), -(d + offset)) for d in matched])
        return best, len(matched)

    def actual(d: int) -> float | None:
        s, have = total[d], present[d]
        for words, has_words in phrases:
            if has_words[d] and not words.holds(reader, d):
                s -= words.total[d]
                have -= 1
        if have == 0 or (plan.need_all and have < wanted):
            return None
        s = s * boost if boost != 1.0 else s
        return s * bonus if have == wanted and bonus != 1.0 else s

    # Best first by the score an article would have if its phrases held (never less
    # than its real score); positions are read only while one can still enter.
    queue = [(-score(d), d) for d in matched]
    heapq.heapify(queue)
    best: list[tuple[float, int]] = []
    while queue and (len(best) < limit or -queue[0][0] >= best[0][0]):
        _bound, d = heapq.heappop(queue)
        s = actual(d)
        if s is None:
            continue
        item = (s, -(d + offset))
        if len(best) < limit:
            heapq.heappush(best, item)
        elif item > best[0]:
            heapq.heapreplace(best, item)
    # How many articles really have the phrase is known only for those checked: the
    # count is of the articles with all its words, as Whoosh estimates it.
    return best, len(matched)


def bulk_top_hits(searcher: Any, q: query.Query, limit: int):
    """``(hits, total)`` for ``q``: hits as ``(score, docnum)``, best first; None when
    ``q`` is not a query this module evaluates (Whoosh's matchers then run it)."""
    plan = plan_for(q)
    if plan is None:
        return None
    found: list[tuple[float, int]] = []
    total = 0
    try:
        for sub, offset in searcher.leaf_searchers():
            best, count = _segment_top(plan, sub, offset, limit)
            found.extend(best)
            total += count
    except _Unsupported:
        return None
    top = heapq.nlargest(limit, found)
    return [(score, -negated) for score, negated in top], total
