"""Ranking ideas scored by ``bench_search.py relevance --experiments`` (issue 13).

Each entry makes a search function ``text -> [article_id, ...]`` (best first, 10 of
them) over an ArticleIndex of NFCorpus. They reach into the index's searcher and parser
directly so an idea can be measured before it is built into the app:

- RM3-style pseudo-relevance feedback: the top ``k`` articles of the app's ranking give
  their most likely words (P(w|d) weighted by the article's share of the top scores),
  which are added to the query as a weighted OR beside the original query; "when few"
  applies it only when the first pass found fewer than 30 articles;
- a phrase-proximity bonus: articles in which two adjacent query words are within
  ``slop`` positions get a phrase clause's score (times ``boost``) on top.

Field weights (title vs body) cannot be measured here: NFCorpus's .docs run the title
into the text, so there is no title field to weigh.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from whoosh import query

from reader.core.index import ArticleIndex
from reader.core.index.matchers import positive_terms, prepare
from reader.core.index.schema import DEFAULT_FIELD

Search = Callable[[str], list[int]]


def _top(index: ArticleIndex, q: query.Query, limit: int) -> list[tuple[int, float]]:
    searcher: Any = index._current_searcher()  # noqa: SLF001 - an experiment
    results = searcher.search(prepare(q, searcher.reader()), limit=limit)
    return [(int(hit["article_id"]), hit.score) for hit in results]


def _words(index: ArticleIndex, text: str) -> list[str]:
    analyzer = index._ix.schema[DEFAULT_FIELD].analyzer  # noqa: SLF001
    return [t.text for t in analyzer(text)]


def prf(k: int, terms: int, weight: float, few: int | None = None, rerank: bool = False):
    def make(index: ArticleIndex, texts: dict[int, str]) -> Search:
        doc_words: dict[int, Counter[str]] = {}

        def search(text: str) -> list[int]:
            q = index.parse(text)
            first = _top(index, q, max(k, 10))
            if not first or (few is not None and len(first) >= 10 and _count(index, q) >= few):
                return [a for a, _ in first[:10]]
            top = first[:k]
            total = sum(s for _, s in top)
            model: Counter[float] = Counter()
            for article, score in top:
                counts = doc_words.get(article)
                if counts is None:
                    counts = doc_words[article] = Counter(_words(index, texts[article]))
                length = sum(counts.values())
                for word, n in counts.items():
                    model[word] += (n / length) * (score / total)
            best = model.most_common(terms)
            if not best:
                return [a for a, _ in first[:10]]
            top_weight = best[0][1]
            expansion = query.Or(
                [query.Term(DEFAULT_FIELD, w, boost=weight * p / top_weight) for w, p in best]
            )
            # rerank: the same articles as the query, the expansion only adds to scores
            expanded = query.AndMaybe(q, expansion) if rerank else query.Or([q, expansion])
            return [a for a, _ in _top(index, expanded, 10)]

        return search

    return make


def _count(index: ArticleIndex, q: query.Query) -> int:
    searcher: Any = index._current_searcher()  # noqa: SLF001
    return len(searcher.search(prepare(q, searcher.reader()), limit=None))


def proximity(boost: float, slop: int):
    def make(index: ArticleIndex, texts: dict[int, str]) -> Search:
        def search(text: str) -> list[int]:
            q = index.parse(text)
            words = [t for f, t in positive_terms(q) if f == DEFAULT_FIELD]
            pairs = [
                query.Phrase(DEFAULT_FIELD, [a, b], slop=slop, boost=boost)
                for a, b in zip(words, words[1:], strict=False)
            ]
            if pairs:
                q = query.Or([q, *pairs])
            return [a for a, _ in _top(index, q, 10)]

        return search

    return make


def baseline(index: ArticleIndex, texts: dict[int, str]) -> Search:
    return lambda text: [a for a, _ in _top(index, index.parse(text), 10)]


EXPERIMENTS = {
    "exp: baseline (same path as the experiments)": baseline,
    **{
        f"exp: PRF k={k} terms={n} weight={w}{' rerank' if r else ''}": prf(k, n, w, rerank=r)
        for k, n, w, r in [
            (3, 10, 0.3, False),
            (10, 10, 0.3, False),
            (3, 10, 0.3, True),
            (5, 10, 0.3, True),
            (10, 10, 0.3, True),
            (5, 10, 0.5, True),
        ]
    },
    "exp: PRF k=5 terms=10 weight=0.3 when <30 hits": prf(5, 10, 0.3, few=30),
    "exp: proximity boost=0.3 slop=1": proximity(0.3, 1),
}
