"""How the top hits of a query are found: the fastest evaluation that gives Whoosh's.

In order: a term at a time for words, AND and phrases (:mod:`.bulk`); two passes for a
words query Whoosh's matchers must run (:func:`~.matchers.two_phases`); else one pass of
Whoosh's matchers with our top-N collector. All three give the same hits, in the same
order (tests/core/test_ranking.py compares them).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any

from whoosh import query

from reader.core.index.bulk import bulk_top_hits
from reader.core.index.matchers import two_phases
from reader.core.index.scoring import TopCollector

__all__ = ["SeededTopCollector", "TopHits", "top_hits"]


@dataclass(slots=True)
class TopHits:
    """The best articles, best first, as (score, Whoosh docnum), and how many matched
    (exact when fewer than asked for, else an estimate)."""

    hits: list[tuple[float, int]]
    total: int


def top_hits(searcher: Any, q: query.Query, limit: int, *, bulk: bool = True) -> TopHits:
    """The ``limit`` best articles for ``q`` (``bulk=False``: Whoosh's matchers only)."""
    if bulk:
        found = bulk_top_hits(searcher, q, limit)
        if found is not None:
            return TopHits(*found)
    phases = two_phases(q)
    if phases is None:
        collector = TopCollector(limit=limit)
        searcher.search_with_collector(q, collector)
    else:
        first = TopCollector(limit=limit)
        searcher.search_with_collector(phases[0], first)
        collector = SeededTopCollector(first.items, limit=limit)
        searcher.search_with_collector(phases[1], collector)
    results = collector.results()
    scored = results.scored_length()
    total = scored if scored < limit else results.estimated_length()
    return TopHits([(hit.score, hit.docnum) for hit in results], total)


class SeededTopCollector(TopCollector):
    """A top-N collector that starts from another pass's top hits (``seed``: its
    ``items``), so its bar is already high, and counts none of their articles again."""

    def __init__(self, seed: list[tuple[float, int]], limit: int) -> None:
        super().__init__(limit=limit)
        self._seed = list(seed)
        self._seen = {-negated for _score, negated in seed}

    def prepare(self, top_searcher, q, context):
        super().prepare(top_searcher, q, context)
        self.items = list(self._seed)
        heapq.heapify(self.items)
        if len(self.items) == self.limit:
            self.minscore = self.items[0][0]

    def _collect(self, global_docnum, score):
        if global_docnum in self._seen:
            return 0 - score
        return super()._collect(global_docnum, score)
