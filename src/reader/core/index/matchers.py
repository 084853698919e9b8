"""How queries match and score: the words' OR with its all-words bonus, filters, NOT,
and a faster phrase matcher (prefixes: :mod:`.expansion`).

Relevance: people type several words without operators. A plain AND loses every article
that misses one of them (nDCG@10 on NFCorpus dev 0.18 vs 0.31); a plain OR can rank an
article that repeats one word above one that has them all. Words are OR-ed and ranked by
BM25F, and articles that have every word get their score doubled (:class:`WordsOr`), so
they come first and the others still follow. Whoosh's own ``OrGroup.factory(0.9)``
coordination adds ~0.01 to a BM25 score per word: it changes no ranking.

Speed:

- prefix and wildcard queries are bounded (:mod:`.expansion`), so ``a*`` is not a slow
  tail;
- every Or uses Whoosh's tree of union matchers (:class:`TreeOr`), which lets the
  collector skip blocks that cannot reach the top hits: about twice as fast for words
  and phrases on indexes under 5,000 articles, where Whoosh would pick its array matcher;
- phrases are checked with one set of positions per word (:class:`Phrase`): at 10,000
  articles "breast cancer" took 300 ms with Whoosh's span matcher, where
  "meat AND cancer" took 60 ms.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh import matching, query
from whoosh.util import make_binary_tree

from reader.core.index.expansion import ExpansionOr, bounded_terms

__all__ = [
    "ALL_WORDS_BONUS",
    "AllWords",
    "AndNot",
    "AndNotMatcher",
    "FilterMatcher",
    "Filtered",
    "Phrase",
    "TreeOr",
    "WordsOr",
    "positive_terms",
    "prepare",
    "two_phases",
]

# An article that has all the words of a query gets this much of their score again, so
# it ranks above articles that have some of them (Whoosh's own OrGroup.factory(0.9)
# "coordination" bonus is ~0.01 of a BM25 score per extra word: it changes nothing).
ALL_WORDS_BONUS = 1.0


class WordsOr(query.Or):
    """The words of a query typed without operators: any of them, all of them first.

    Matches like OR, ranked by BM25F; the score of an article that has every word is
    multiplied by ``1 + ALL_WORDS_BONUS``, so those come first and articles with some of
    the words still follow. (Giving partial matches a share of the bonus measured worse
    on NFCorpus.) ``NOT x`` beside the words excludes ``x``: a plain Or would have
    matched everything without ``x``.
    """

    def phases(self) -> tuple[query.Query, query.Query] | None:
        """The same top hits in two cheaper passes (see :func:`two_phases`): the articles
        with all the words, bonus included, then those with any word, scored without it."""
        positives = [q for q in self.subqueries if not isinstance(q, query.Not)]
        negatives = [q.query for q in self.subqueries if isinstance(q, query.Not)]
        if len(positives) < 2 or ALL_WORDS_BONUS <= 0:
            return None
        first: query.Query = AllWords(positives, boost=self.boost * (1.0 + ALL_WORDS_BONUS))
        second: query.Query = any_of(positives).with_boost(self.boost)
        if negatives:
            excluded = any_of(negatives)
            first, second = AndNot(first, excluded), AndNot(second, excluded)
        return first, second

    def _matcher(self, subs, searcher, context):
        positives = [q for q in subs if not isinstance(q, query.Not)]
        negatives = [q.query for q in subs if isinstance(q, query.Not)]
        if not positives:
            return query.Not(any_of(negatives)).matcher(searcher, context)
        m = any_of(positives).with_boost(self.boost).matcher(searcher, context)
        if len(positives) > 1 and ALL_WORDS_BONUS > 0 and m.is_active():
            words = {term: i for i, sub in enumerate(positives) for term in positive_terms(sub)}
            m = AllWordsMatcher(m, words, len(positives), 1.0 + ALL_WORDS_BONUS)
        if negatives:
            excluded = any_of(negatives).matcher(searcher, context)
            m = AndNotMatcher(m, excluded)
        return m


class AndNot(query.AndNot):
    """``a`` without the articles of ``b`` (``x AND NOT y``), with :class:`AndNotMatcher`."""

    def matcher(self, searcher, context=None):
        kept = self.a.matcher(searcher, context)
        excluded = self.b.matcher(searcher, searcher.boolean_context())
        return AndNotMatcher(kept, excluded)


class AndNotMatcher(matching.AndNotMatcher):
    """Whoosh's ``AndNotMatcher``, which let through the first article of ``a`` when
    ``b`` started on an earlier one: "soy NOT cancer" listed an article about both.
    ``b`` is moved up to ``a`` before the first article is checked."""

    def _find_first(self):
        a, b = self.a, self.b
        if a.is_active() and b.is_active():
            if b.id() < a.id():
                b.skip_to(a.id())
            if b.is_active() and a.id() == b.id():
                self._find_next()


class AllWords(query.And):
    """Every word of a :class:`WordsOr`: its first pass. An article with all the words
    scores what the OR gives it (the sum of its words' scores), times ``boost``."""

    def matcher(self, searcher, context=None):
        m = query.And(self.subqueries).matcher(searcher, context)
        return ScaledMatcher(m, self.boost) if self.boost != 1.0 and m.is_active() else m


def two_phases(q: query.Query) -> tuple[query.Query, query.Query] | None:
    """A words query (alone, or beside a filter) as two passes with the same top hits.

    Why: the all-words bonus doubles a score, so in one pass the collector could only
    skip what could not reach half the lowest top score: with common words, nearly
    every article of a big library was read (50,000 articles: 0.45 s for "breast
    cancer risk"). The first pass reads only articles that have every word (an
    intersection skips ahead); its lowest top score then bars the second pass, over
    any word without the bonus, from every block that cannot beat it, and an article
    with all the words, already counted, is not counted twice
    (:class:`~reader.core.index.scoring.SeededTopCollector`).
    """
    if isinstance(q, WordsOr):
        return q.phases()
    if isinstance(q, Filtered):
        inner = two_phases(q.a)
        if inner is not None:
            return Filtered(inner[0], q.b), Filtered(inner[1], q.b)
    return None


class ScaledMatcher(matching.WrappingMatcher):
    """Whoosh's boosting wrapper with ``replace()`` scaled like its other bounds.

    Whoosh passes the collector's bar on to the child unscaled, so a boost above 1 let
    the child give up on articles that the boost would have lifted into the top hits.
    """

    def replace(self, minquality=0):
        r = self.child.replace(minquality / self.boost if minquality else 0)
        if not r.is_active():
            return matching.NullMatcher()
        return self if r is self.child else self._replacement(r)


class AllWordsMatcher(matching.WrappingMatcher):
    """Multiplies a union's score by ``boost`` for articles that have all the words.

    One pass over the union (an extra AND clause would read every posting twice).
    ``boost`` is also applied to the quality bounds, so Whoosh's block skipping stays
    correct: no article scores above ``boost`` times the union's bound.
    """

    def __init__(self, child, words: dict[tuple[str, str], int], count: int, boost: float):
        super().__init__(child, boost=boost)
        self._words = words
        self._count = count

    def copy(self):
        return self.__class__(self.child.copy(), self._words, self._count, self.boost)

    def _replacement(self, newchild):
        return self.__class__(newchild, self._words, self._count, self.boost)

    def replace(self, minquality=0):
        # WrappingMatcher passes minquality on unscaled: parts of the union that could
        # still reach it with the bonus would be dropped.
        r = self.child.replace(minquality / self.boost if minquality else 0)
        return self if r is self.child else self._replacement(r)

    def score(self) -> float:
        found = set()
        for fieldname, text in self.child.matching_terms():
            if isinstance(text, bytes):
                text = text.decode("utf-8", "replace")
            i = self._words.get((fieldname, text))
            if i is not None:
                found.add(i)
        score = self.child.score()
        return score * self.boost if len(found) == self._count else score


class Filtered(query.Require):
    """The articles of ``a`` that ``b`` also matches, scored by ``a`` alone.

    How words beside a filter are searched (``published:[2010 to 2015] cancer``): it is
    Whoosh's ``Require`` with a matcher that survives block-quality skipping.
    """

    def matcher(self, searcher, context=None):
        scored = self.a.matcher(searcher, context)
        required = self.b.matcher(searcher, searcher.boolean_context())
        return FilterMatcher(scored, required)


class FilterMatcher(matching.RequireMatcher):
    """Whoosh's ``RequireMatcher`` with its skip and its replacement fixed.

    After ``a`` skips blocks that cannot reach the top hits it may already stand on the
    article ``b`` stands on; Whoosh re-synchronised the two anyway and failed an
    assertion (it asserts they differ) at 10,000 articles. Its ``replace()`` lost hits.
    tests/core/test_index.py has both cases.
    """

    def replace(self, minquality=0):
        # Whoosh's replace() rebuilt the pair around a re-planned ``a`` and lost
        # articles ("breast cancer format:jats" missed its second-best hit); keep the
        # pair, and only give up when ``a`` can no longer reach the top hits.
        if not self.child.is_active() or (minquality and self.a.max_quality() < minquality):
            return matching.NullMatcher()
        return self

    def skip_to_quality(self, minquality):
        skipped = self.a.skip_to_quality(minquality)
        a, b = self.a, self.b
        if a.is_active() and b.is_active() and a.id() != b.id():
            self.child._find_next()  # noqa: SLF001 - the intersection's own re-sync
        return skipped


def any_of(queries: list[query.Query]) -> query.Query:
    return queries[0] if len(queries) == 1 else TreeOr(queries)


class TreeOr(query.Or):
    """Or that always uses Whoosh's tree of union matchers.

    Whoosh picks an "array" matcher (score every posting up front) for Or on indexes
    under 5,000 articles, and the tree above: the tree lets the collector skip blocks
    that cannot reach the top hits, about twice as fast for words and phrases.
    """

    matcher_type = query.Or.DEFAULT_MATCHER


class Phrase(query.Phrase):
    """A phrase (``"breast cancer"``): Whoosh's matches and scores, checked faster.

    Whoosh's own phrase matcher builds a Span object per position of every word in
    every article that has all the words, and never lets the collector skip a block of
    postings that cannot reach the top hits: phrases were the slow tail (10,000
    articles: "breast cancer" 300 ms where "meat AND cancer" took 60 ms). This one
    walks the same intersection of the words (so the score, BM25F of the words, is the
    same), lets block-quality skipping through, and checks adjacency with one set per
    word. Slop other than 1 (``"a b"~3``) goes to Whoosh.
    """

    def matcher(self, searcher, context=None):
        fieldname = self.fieldname
        if self.slop != 1 or len(self.words) < 2 or fieldname not in searcher.schema:
            return super().matcher(searcher, context)
        field = searcher.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            return super().matcher(searcher, context)  # raises Whoosh's error
        reader = searcher.reader()
        matchers = []
        for word in self.words:
            try:
                word_bytes = field.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (fieldname, word_bytes) not in reader:
                return matching.NullMatcher()
            matchers.append(query.Term(fieldname, word_bytes).matcher(searcher, context))
        m: matching.Matcher = PhraseMatcher(matchers)
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m


class PhraseMatcher(matching.WrappingMatcher):
    """The articles of an intersection of words where the words are adjacent, in order.

    ``words`` are the term matchers (leaves) of ``child``; replacing the intersection
    for block quality keeps its leaves or goes inactive, so ``words`` stay valid.
    Positions are those the analyzer gave, stop words already removed and the rest
    renumbered, so adjacency here is what Whoosh's phrase query checks.
    """

    def __init__(self, words, child=None) -> None:
        if child is None:
            child = make_binary_tree(matching.IntersectionMatcher, words)
        super().__init__(child)
        self._words = words
        self._find_next()

    def copy(self):
        return self.__class__([m.copy() for m in self._words])

    def _replacement(self, newchild):
        return self.__class__(self._words, newchild)

    def replace(self, minquality=0):
        r = self.child.replace(minquality)
        if not r.is_active():
            return matching.NullMatcher()
        return self if r is self.child else self._replacement(r)

    def _adjacent(self) -> bool:
        words = self._words
        ends = words[0].value_as("positions")
        for m in words[1:]:
            after = {p + 1 for p in ends}
            ends = [p for p in m.value_as("positions") if p in after]
            if not ends:
                return False
        return True

    def _find_next(self) -> bool:
        """Move on to the next article that has the phrase; True if a block changed."""
        child = self.child
        moved = False
        while child.is_active() and not self._adjacent():
            moved = bool(child.next()) or moved
        return moved

    def next(self):
        moved = self.child.next()
        return self._find_next() or bool(moved)

    def skip_to(self, id):
        moved = self.child.skip_to(id)
        return self._find_next() or bool(moved)

    def skip_to_quality(self, minquality):
        # Whoosh's span matcher forgets to re-check after this skip.
        skipped = self.child.skip_to_quality(minquality)
        self._find_next()
        return skipped

    def all_ids(self):
        while self.is_active():
            yield self.id()
            self.next()

    def spans(self):
        raise NotImplementedError("phrase spans are not computed")


def prepare(q: query.Query, reader) -> query.Query:
    """Bound prefix/wildcard expansion and choose the fast matcher for each Or/phrase."""

    def replace(node: query.Query) -> query.Query:
        if isinstance(node, query.Prefix | query.Wildcard) and node.text not in ("", "*"):
            terms = bounded_terms(
                reader, node.fieldname, node.text, is_prefix=isinstance(node, query.Prefix)
            )
            if not terms:
                return query.NullQuery
            subs = [query.Term(node.fieldname, t, boost=node.boost) for t in terms]
            return ExpansionOr(subs, boost=node.boost)
        if type(node) is query.Or:
            return TreeOr(node.subqueries, boost=node.boost)
        if type(node) is query.AndNot:
            return AndNot(node.a, node.b)
        if type(node) is query.Phrase:
            return Phrase(
                node.fieldname,
                node.words,
                slop=node.slop,
                boost=node.boost,
                char_ranges=node.char_ranges,
            )
        return node

    return q.accept(replace)


def positive_terms(q: query.Query) -> Iterator[tuple[str, str]]:
    """(field, text) of every term that should be highlighted: not those under NOT."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from positive_terms(q.a)
        return
    if isinstance(q, query.Term):
        yield q.fieldname, q.text
    elif isinstance(q, query.Phrase):
        for word in q.words:
            yield q.fieldname, word
    elif isinstance(q, query.Variations):
        yield q.fieldname, q.text
    for child in q.children():
        yield from positive_terms(child)
