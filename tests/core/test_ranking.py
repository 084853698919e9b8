"""The fast evaluations (term at a time, two passes) find the same top hits as scoring
every article with Whoosh's matchers, on every kind of query they take."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from whoosh import query

from reader.core.index import ArticleIndex
from reader.core.index.bulk import bulk_top_hits, plan_for
from reader.core.index.matchers import prepare, two_phases
from reader.core.index.ranking import top_hits
from reader.core.index.schema import SORTABLE_FIELDS
from reader.core.index.scoring import column_ranges
from reader.core.model import IndexDocument

# Common words (in most articles) and rarer ones, so that scores spread and tie.
COMMON = "patients risk cancer study dose pain trial blood pressure heart".split()  # noqa: SIM905
RARE = "ketamine arsenic soy mercury insulin acne fibre colon tea stroke".split()  # noqa: SIM905


def make_docs(n: int, seed: int) -> list[IndexDocument]:
    rng = random.Random(seed)
    docs = []
    for i in range(1, n + 1):
        words = [rng.choice(COMMON) for _ in range(rng.randint(5, 120))]
        words += [rng.choice(RARE) for _ in range(rng.randint(0, 8))]
        rng.shuffle(words)
        if i % 3 == 0:
            words += ["blood", "pressure", "heart", "disease"]  # phrases that hold
        docs.append(
            IndexDocument(
                article_id=i,
                title=" ".join(rng.sample(COMMON + RARE, 3)),
                body=" ".join(words),
                authors=[],
                site_name="",
                tags=["nutrition"] if i % 4 == 0 else [],
                categories=[],
                published=dt.datetime(2000 + i % 25, 1, 1, tzinfo=dt.UTC),
                source_format="markdown",
                url="",
            )
        )
    return docs


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory):
    ix = ArticleIndex(tmp_path_factory.mktemp("ranking") / "index")
    docs = make_docs(900, seed=7)
    ix.add(docs[:600])
    ix.add(docs[600:])  # a second segment
    ix.delete([5, 77, 650])  # deleted articles stay in the postings
    yield ix
    ix.close()


QUERIES = [
    "cancer",
    "ketamine",
    "soy NOT cancer",
    "cancer risk",
    "breast cancer risk",  # a word in no article
    "patients pain trial dose",
    "ketamine pain",
    "soy tea NOT cancer",
    "arsenic mercury NOT tea NOT colon",
    "cancer AND insulin",
    "risk AND pain AND dose",
    '"blood pressure"',
    '"heart disease"',
    '"pressure blood"',  # the words, rarely in this order
    'cancer "blood pressure"',
    '"blood pressure" AND stroke',
    "cancer risk published:[2005 to 2015]",
    "tag:nutrition pain dose",
    "title:cancer AND body:ketamine",
]


def exhaustive(searcher, q: query.Query, limit: int) -> list[tuple[int, float]]:
    """Every matching article scored by Whoosh's matchers, no block skipping."""
    results = searcher.search(q, limit=None)
    ranked = sorted((-h.score, h.docnum) for h in results)
    return [(doc, -negated) for negated, doc in ranked[:limit]]


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("limit", [1, 7, 20])
def test_fast_top_hits_are_those_of_scoring_every_article(
    index: ArticleIndex, text: str, limit: int
) -> None:
    searcher = index._current_searcher()
    q = column_ranges(prepare(index.parse(text), searcher.reader()), SORTABLE_FIELDS)
    assert bulk_top_hits(searcher, q, limit) is not None  # term at a time really runs
    expected = exhaustive(searcher, q, limit)
    for bulk in (True, False):  # term at a time; Whoosh's matchers (two passes for words)
        got = top_hits(searcher, q, limit, bulk=bulk)
        if not bulk and '"' in text:
            continue  # Whoosh's intersection can skip a tied phrase hit (see ranking.py)
        assert [doc for _, doc in got.hits] == [doc for doc, _ in expected], (text, bulk)
        assert [s for s, _ in got.hits] == pytest.approx([s for _, s in expected], rel=1e-9)
        assert got.total >= len(got.hits)


def test_a_second_search_reads_the_remembered_postings_and_agrees(index: ArticleIndex) -> None:
    first = index.search("patients trial dose", limit=10)
    again = index.search("patients trial dose", limit=10)
    assert [h.article_id for h in again.hits] == [h.article_id for h in first.hits]
    assert [h.score for h in again.hits] == [h.score for h in first.hits]


def test_new_articles_are_found_after_the_postings_were_remembered(tmp_path: Path) -> None:
    ix = ArticleIndex(tmp_path / "index")
    ix.add(make_docs(50, seed=1))
    before = ix.search("ketamine arsenic", limit=100).total
    ix.add(
        [
            IndexDocument(
                article_id=1000,
                title="Ketamine and arsenic",
                body="ketamine arsenic ketamine arsenic",
                authors=[],
                site_name="",
                tags=[],
                categories=[],
                published=None,
                source_format="markdown",
                url="",
            )
        ]
    )
    after = ix.search("ketamine arsenic", limit=100)
    assert after.total == before + 1
    assert after.hits[0].article_id == 1000
    ix.close()


def test_two_passes_apply_to_words_and_to_words_beside_a_filter(index: ArticleIndex) -> None:
    searcher = index._current_searcher()

    def prepared(text: str) -> query.Query:
        return column_ranges(prepare(index.parse(text), searcher.reader()), SORTABLE_FIELDS)

    assert two_phases(prepared("cancer risk")) is not None
    assert two_phases(prepared("cancer risk published:[2005 to 2015]")) is not None
    assert two_phases(prepared("cancer")) is None
    assert two_phases(prepared("cancer NOT risk")) is None
    assert plan_for(prepared("canc* risk")) is None  # prefixes go to Whoosh's matchers


@pytest.mark.parametrize("text", ["soy NOT cancer", "so* NOT cancer", "soy AND NOT cancer"])
def test_not_leaves_out_every_article_with_the_word(index: ArticleIndex, text: str) -> None:
    # Whoosh's own AndNotMatcher let the first article through when the excluded word's
    # postings started earlier; every path (term at a time, prefixes, AND NOT) is checked.
    hits = index.search(text, limit=1000).hits
    assert hits
    with_cancer = {h.article_id for h in index.search("cancer", limit=1000).hits}
    assert not {h.article_id for h in hits} & with_cancer
