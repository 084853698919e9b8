"""Prefix and wildcard queries (``neuro*``, ``car?io*``), bounded so none is a slow tail.

A prefix expands to at most :data:`MAX_EXPANSION` terms per field (the most frequent
ones), found among at most :data:`MAX_EXPANSION_SCAN` candidates, and its articles match
without scoring each posting (:class:`ExpansionOr`): ``ca*`` can touch most postings of
the index, and scoring every one of them was the slowest query of the benchmark.
"""

from __future__ import annotations

import fnmatch
import re

from whoosh import matching, query

__all__ = [
    "MAX_EXPANSION",
    "MAX_EXPANSION_SCAN",
    "ConstantMatcher",
    "ExpansionOr",
    "bounded_terms",
]

# Prefix/wildcard queries use at most this many terms per field (the most frequent).
MAX_EXPANSION = 32
# ...found among at most this many candidate terms, so expansion time is bounded too.
MAX_EXPANSION_SCAN = 2000


def bounded_terms(reader, fieldname: str, pattern: str, *, is_prefix: bool) -> list[str]:
    """The most frequent terms matching a prefix or glob, scanning a bounded lexicon."""
    if fieldname not in reader.schema:
        return []
    field = reader.schema[fieldname]
    if is_prefix:
        literal, regex = pattern, None
    else:
        cut = min((pattern.find(c) for c in "*?[" if c in pattern), default=len(pattern))
        literal, regex = pattern[:cut], re.compile(fnmatch.translate(pattern))
    # (text, terminfo) pairs: the document frequency comes with the term, no lookups.
    candidates = reader.iter_prefix(fieldname, literal) if literal else reader.iter_field(fieldname)
    found: list[tuple[int, str]] = []
    for n, (term, info) in enumerate(candidates):
        if n >= MAX_EXPANSION_SCAN:
            break
        if isinstance(term, bytes):
            term = field.from_bytes(term)
        if regex is not None and not regex.match(term):
            continue
        found.append((info.doc_frequency(), term))
    found.sort(key=lambda ft: (-ft[0], ft[1]))
    return [t for _, t in found[:MAX_EXPANSION]]


class ExpansionOr(query.Or):
    """The terms a prefix expanded to, matched without scoring each posting.

    Like Whoosh's own Prefix (constant score): ``ca*`` can touch most postings of the
    index, and scoring every one of them was the slowest query of the benchmark.
    Articles matching it still rank by the rest of the query. The union is read
    lazily (:class:`ConstantMatcher`): alone, a prefix stops at the first page of
    hits instead of reading every posting of its terms first.
    """

    matcher_type = query.Or.DEFAULT_MATCHER

    def estimate_size(self, ixreader):
        # How many articles have any of the terms, were they independent: the hits
        # stop early, so this is the count people see ("about 4,600", where the sum
        # of the terms' counts said 10,050 and the exact count was 4,565).
        articles = ixreader.doc_count()
        if not articles:
            return 0
        none = 1.0
        for sub in self.subqueries:
            none *= 1.0 - min(sub.estimate_size(ixreader), articles) / articles
        return round(articles * (1.0 - none))

    def matcher(self, searcher, context=None):
        from whoosh.searching import SearchContext

        context = (context or SearchContext()).set(weighting=None)
        m = super().matcher(searcher, context)
        if context.needs_current or not m.is_active():
            return m
        return ConstantMatcher(m, self.boost)


class ConstantMatcher(matching.WrappingMatcher):
    """Every article of ``child`` scores ``score``; block quality says so.

    Once a page of hits ties at ``score`` nothing can rank above them, so the collector
    stops (Whoosh's ListMatcher needed every id up front to answer the same).
    """

    def __init__(self, child, score=1.0):
        super().__init__(child)
        self._score = score
        self._done = False

    def copy(self):
        return self.__class__(self.child.copy(), self._score)

    def _replacement(self, newchild):
        return self.__class__(newchild, self._score)

    def replace(self, minquality=0):
        if minquality and minquality >= self._score:
            return matching.NullMatcher()
        r = self.child.replace(0)  # the unscored union plans without qualities
        if not r.is_active():
            return matching.NullMatcher()
        return self if r is self.child else self._replacement(r)

    def supports_block_quality(self):
        return True

    def max_quality(self):
        return self._score

    def block_quality(self):
        return self._score

    def is_active(self):
        return not self._done and self.child.is_active()

    def skip_to_quality(self, minquality):
        if minquality >= self._score:
            self._done = True  # nothing further can reach the top hits
            return 1
        return 0

    def weight(self):
        return self._score

    def score(self):
        return self._score
