"""The Whoosh index: what a person searching their library notices."""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import threading
import warnings
from pathlib import Path

import pytest

from reader.core.errors import MarginError, QueryError
from reader.core.index import MAX_EXPANSION, ArticleIndex, IndexUnavailable, make_snippet
from reader.core.model import (
    Annotation,
    IndexDocument,
    TextPositionSelector,
    TextQuoteSelector,
)


def doc(article_id: int, title: str, body: str, **kw: object) -> IndexDocument:
    values: dict[str, object] = {
        "authors": [],
        "site_name": "",
        "tags": [],
        "categories": [],
        "published": None,
        "source_format": "html",
        "url": "",
    }
    values.update(kw)
    return IndexDocument(article_id=article_id, title=title, body=body, **values)  # type: ignore[arg-type]


DOCS = [
    doc(
        1,
        "Ketamine for chronic pain",
        "Ketamine is an anaesthetic. Low doses relieve chronic pain in some patients; "
        "pains in the lower back respond less. Dose & <timing> matter.",
        authors=["Jane Smith", "Ravi Patel"],
        site_name="Pain Research Forum",
        tags=["Back Pain", "opioids"],
        categories=["Treatment"],
        published=dt.datetime(2021, 5, 1, tzinfo=dt.UTC),
        source_format="jats",
        url="https://example.org/ketamine",
        notes="ask the doctor about infusions",
        highlights="relieve chronic pain",
        cites=["PMID:30819549", "PMC6767816", "10.3389/fpain.2023.1268985"],
    ),
    doc(
        2,
        "Coffee and sleep",
        "Caffeine blocks adenosine receptors in neurons, so coffee late in the day "
        "delays sleep. Chronic use builds tolerance.",
        authors=["Bob Jones"],
        site_name="Sleep Blog",
        tags=["sleep"],
        published=dt.datetime(2025, 2, 10),
        source_format="wordpress-json",
        cites=["PMID:11111111"],
    ),
    doc(
        3,
        "Neuroplasticity after stroke",
        "Rehabilitation exploits neuroplasticity: the brain rewires after a stroke. "
        "Pain is common after stroke too.",
        authors=["Ana Silva"],
        published=dt.datetime(2018, 7, 3),
        source_format="markdown",
    ),
]
TEXTS = {d.article_id: d.body for d in DOCS}


@pytest.fixture
def index(tmp_path: Path):
    ix = ArticleIndex(tmp_path / "index")
    ix.add(DOCS)
    yield ix
    ix.close()


def ids(index: ArticleIndex, q: str) -> list[int]:
    return [h.article_id for h in index.search(q).hits]


def test_new_index_is_created_empty_and_says_so(tmp_path: Path) -> None:
    ix = ArticleIndex(tmp_path / "index")
    assert ix.created
    assert ix.doc_count() == 0
    assert ArticleIndex.exists(tmp_path / "index")
    ix.close()
    again = ArticleIndex(tmp_path / "index")
    assert not again.created
    again.close()


def test_body_search_is_stemmed(index: ArticleIndex) -> None:
    assert set(ids(index, "pains")) == {1, 3}
    assert ids(index, "receptor") == [2]  # body says "receptors"
    assert ids(index, "rewiring") == [3]


def test_title_match_outranks_body_match(index: ArticleIndex) -> None:
    # "pain" is in the title of 1 and only the body of 3
    assert ids(index, "pain")[0] == 1


def test_phrase_query(index: ArticleIndex) -> None:
    assert ids(index, '"chronic pain"') == [1]
    assert ids(index, '"pain chronic"') == []
    assert set(ids(index, "chronic")) == {1, 2}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("author:smith", [1]),
        ("author:Silva", [3]),
        ("authors:jones", [2]),
        ("site:blog", [2]),
        ('tag:"back pain"', [1]),
        ("tag:OPIOIDS", [1]),
        ("tag:sleep", [2]),
        ("category:treatment", [1]),
        ("format:jats", [1]),
        ("format:wordpress-json", [2]),
        ("note:infusion", [1]),
        ("highlight:relieving", [1]),
        ("title:coffee", [2]),
        ("title:caffeine", []),  # only in the body
        ("Title:Coffee", [2]),
        ("url:https://example.org/ketamine", [1]),
    ],
)
def test_field_queries(index: ArticleIndex, q: str, expected: list[int]) -> None:
    assert ids(index, q) == expected


@pytest.mark.parametrize(
    "q",
    [
        "cites:PMID:30819549",
        "cites:pmid:30819549",
        "cites:30819549",
        "cites:PMC6767816",
        "cites:pmc6767816",
        "cites:10.3389/fpain.2023.1268985",
        "cites:10.3389/FPAIN.2023.1268985",
        "cites:doi:10.3389/fpain.2023.1268985",
        "cites:https://doi.org/10.3389/fpain.2023.1268985",
        "PMID:30819549",  # typed alone: looks in citations too
        "10.3389/fpain.2023.1268985",
        'ketamine PMID:30819549 "chronic pain"',
    ],
)
def test_cites_with_and_without_prefix(index: ArticleIndex, q: str) -> None:
    assert ids(index, q) == [1]


def test_cites_does_not_match_other_identifiers(index: ArticleIndex) -> None:
    assert ids(index, "cites:30819548") == []
    assert ids(index, "cites:PMID:11111111") == [2]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("date:2021", {1}),
        ("published:2025", {2}),
        ("published:[2020 to 2023]", {1}),
        ("date:[2015 to 2022]", {1, 3}),
        ("date:[2022 to]", {2}),
        ("date:2019", set()),
        ("pain date:2018", {3}),  # a date beside words restricts them
        ("pain AND date:2018", {3}),
    ],
)
def test_date_ranges(index: ArticleIndex, q: str, expected: set[int]) -> None:
    assert set(ids(index, q)) == expected


def test_boolean_operators(index: ArticleIndex) -> None:
    assert set(ids(index, "coffee OR stroke")) == {2, 3}
    assert ids(index, "chronic AND sleep") == [2]
    assert ids(index, "chronic AND NOT sleep") == [1]
    # NOT beside plain words excludes, it does not match everything else
    assert ids(index, "chronic NOT sleep") == [1]
    assert set(ids(index, "(coffee OR ketamine) AND chronic")) == {1, 2}


def test_prefix_queries(index: ArticleIndex) -> None:
    assert set(ids(index, "neuro*")) == {2, 3}  # neurons, neuroplasticity
    assert ids(index, "ketam*") == [1]
    assert ids(index, "zzz*") == []
    assert ids(index, "n?urons") == [2]
    assert ids(index, "neuro* AND coffee") == [2]
    assert ids(index, "neuro* NOT coffee") == [3]


def test_prefix_expansion_is_bounded(tmp_path: Path) -> None:
    # 300 distinct words starting with "pre": only the MAX_EXPANSION most frequent are
    # searched, so the query stays fast, and the most frequent one is among them.
    ix = ArticleIndex(tmp_path / "index")
    words = [f"pre{n:03d}x" for n in range(300)]
    ix.add(doc(i + 1, f"doc {i}", w) for i, w in enumerate(words))
    ix.add([doc(1000, "common", "pre299x " * 5), doc(1001, "common too", "pre299x")])
    found = [h.article_id for h in ix.search("pre*", limit=500).hits]
    assert {300, 1000, 1001} <= set(found)
    # pre299x in 3 articles + (MAX_EXPANSION - 1) words found in one article each
    assert len(found) == MAX_EXPANSION + 2
    ix.close()


def test_snippets_mark_stemmed_matches_and_escape_the_rest(index: ArticleIndex) -> None:
    hit = index.search("pain", text_for=TEXTS.__getitem__).hits[0]
    assert hit.article_id == 1
    assert '<b class="match">pain</b>' in hit.snippet_html
    assert '<b class="match">pains</b>' in hit.snippet_html  # stemming respected
    assert "&amp; &lt;timing&gt;" in hit.snippet_html
    assert "<timing>" not in hit.snippet_html
    assert "patients" in hit.snippet_html and '<b class="match">patients' not in hit.snippet_html


def test_snippet_does_not_mark_excluded_words(index: ArticleIndex) -> None:
    hit = index.search("chronic NOT sleep", text_for=TEXTS.__getitem__).hits[0]
    assert '<b class="match">chronic</b>' in hit.snippet_html
    assert "sleep" not in hit.snippet_html


def test_snippet_marks_prefix_matches(index: ArticleIndex) -> None:
    hit = index.search("neuroplast*", text_for=TEXTS.__getitem__).hits[0]
    assert '<b class="match">neuroplasticity</b>' in hit.snippet_html


def test_hits_carry_what_the_list_shows(index: ArticleIndex) -> None:
    hit = index.search("ketamine").hits[0]
    assert hit.title == "Ketamine for chronic pain"
    assert hit.site_name == "Pain Research Forum"
    assert hit.authors == ["Jane Smith", "Ravi Patel"]
    assert hit.published.startswith("2021-05-01")
    assert hit.snippet_html == ""  # no text_for given
    assert index.search("ketamine").total == 1


def test_snippet_is_cut_around_the_densest_match() -> None:
    text = "filler " * 200 + "the knee pain was worse " + "filler " * 200 + "knee"
    snippet = make_snippet(text, {"knee", "pain"}, max_chars=120)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert '<b class="match">knee</b> <b class="match">pain</b>' in snippet
    assert len(snippet) < 120 + 80  # markup added to at most the window


def test_upsert_replaces_the_old_version(index: ArticleIndex) -> None:
    index.add([doc(2, "Tea and sleep", "Green tea has less caffeine.")])
    assert index.doc_count() == 3
    assert ids(index, "coffee") == []
    assert ids(index, "tea") == [2]
    assert index.search("tea").hits[0].title == "Tea and sleep"


def test_delete(index: ArticleIndex) -> None:
    index.delete([1, 999])
    assert index.doc_count() == 2
    assert ids(index, "ketamine") == []
    assert ids(index, "stroke") == [3]


def test_rebuild_replaces_everything_and_reports_progress(index: ArticleIndex) -> None:
    seen: list[int] = []
    many = [doc(100 + i, f"Article {i}", f"magnesium study number {i}") for i in range(250)]
    assert index.rebuild(many, progress=seen.append) is True
    assert index.doc_count() == 250
    assert ids(index, "ketamine") == []
    assert len(index.search("magnesium", limit=300).hits) == 250
    assert seen[-1] == 250 and seen[0] == 100
    assert not list(index.directory.parent.glob("index.rebuild*"))  # nor anyone's .old
    assert not list(index.directory.parent.glob("index.old*"))


def test_cancelled_rebuild_keeps_the_old_index(index: ArticleIndex) -> None:
    many = (doc(100 + i, f"Article {i}", "magnesium") for i in range(1000))
    assert index.rebuild(many, cancel=lambda: True) is False
    assert index.doc_count() == 3
    assert ids(index, "ketamine") == [1]


def test_bulk_rebuild_of_real_abstracts(tmp_path: Path, corpora: Path) -> None:
    lines = (corpora / "nfcorpus" / "dev.docs").read_text(encoding="utf-8").splitlines()[:700]
    docs = [doc(i + 1, "", line.partition("\t")[2]) for i, line in enumerate(lines)]
    ix = ArticleIndex(tmp_path / "index")
    assert ix.rebuild(docs)
    assert ix.doc_count() == 700
    results = ix.search("breast cancer", text_for=lambda i: docs[i - 1].body)
    assert results.hits and results.total and results.total >= len(results.hits)
    assert all('<b class="match">' in h.snippet_html for h in results.hits)
    ix.close()


@pytest.mark.parametrize(
    "q",
    [
        "title:(",
        "title:(pain",
        "pain)",
        '"unbalanced quote',
        'pain "chronic',
        "title:",
        "pain author:",
        "date:notadate",
        "published:[2020 to",
        "()",
    ],
)
def test_unreadable_queries_raise_query_error(index: ArticleIndex, q: str) -> None:
    with pytest.raises(QueryError) as err:
        index.search(q)
    assert isinstance(err.value, MarginError)
    assert str(err.value)  # a message for the user


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("", []),
        ("   ", []),
        ("the", []),  # stop words alone find nothing, not everything
        ("a AND", []),
        ("ketamine AND", [1]),  # a dangling operator is dropped, the word still searched
        ("AND ketamine", [1]),
        ("ketamine OR", [1]),
        ("coffee 1:2", [2]),  # a ratio is not a field
        ("caffeine:adenosine", [2]),  # nor is an unknown name before a colon: both words
        ("after-stroke", [3]),  # hyphenated words find the words
        ("low-doses", [1]),
        ("covid-19", []),
        ("ratio 1:2", []),
        ("x:y", []),
    ],
)
def test_odd_but_readable_queries_find_what_they_say(
    index: ArticleIndex, q: str, expected: list[int]
) -> None:
    results = index.search(q)
    assert [h.article_id for h in results.hits] == expected
    assert results.total == len(expected)


def test_all_words_rank_above_some_words(tmp_path: Path) -> None:
    ix = ArticleIndex(tmp_path / "index")
    ix.add(
        [
            # repeats one word a lot: plain OR would rank it first
            doc(1, "Vitamin D", "vitamin d vitamin d vitamin d supplements " * 5),
            doc(2, "Winter", "In winter, vitamin D levels drop and depression rises."),
            doc(3, "Depression", "Depression is common in winter."),
            doc(4, "Unrelated", "Nothing here."),
        ]
    )
    found = ids(ix, "vitamin depression winter")
    assert found[0] == 2  # has all three words
    assert set(found) == {1, 2, 3}  # those with some words still found
    ix.close()


def test_missing_index_is_detected(tmp_path: Path) -> None:
    assert not ArticleIndex.exists(tmp_path / "nothing")
    ix, needs_rebuild = ArticleIndex.open_or_create(tmp_path / "nothing")
    assert needs_rebuild and ix.doc_count() == 0
    ix.close()


def test_corrupt_index_is_detected_and_replaced(tmp_path: Path) -> None:
    directory = tmp_path / "index"
    ix = ArticleIndex(directory)
    ix.add(DOCS)
    ix.close()
    for toc in directory.glob("*.toc"):
        toc.write_bytes(b"\x00garbage" * 10)
    assert ArticleIndex.exists(directory)
    with pytest.raises(IndexUnavailable):
        ArticleIndex(directory)
    fresh, needs_rebuild = ArticleIndex.open_or_create(directory)
    assert needs_rebuild
    assert fresh.doc_count() == 0
    fresh.add(DOCS)
    assert ids(fresh, "ketamine") == [1]
    fresh.close()


def test_truncated_segment_is_detected(tmp_path: Path) -> None:
    directory = tmp_path / "index"
    ix = ArticleIndex(directory)
    ix.add(DOCS)
    ix.close()
    for seg in directory.glob("*.seg"):
        seg.write_bytes(seg.read_bytes()[:40])
    _, needs_rebuild = ArticleIndex.open_or_create(directory)
    assert needs_rebuild


def test_index_path_that_is_a_file_is_unavailable(tmp_path: Path) -> None:
    (tmp_path / "index").write_text("not a folder")
    with pytest.raises(IndexUnavailable):
        ArticleIndex(tmp_path / "index")


def test_searching_while_another_thread_writes(index: ArticleIndex) -> None:
    errors: list[BaseException] = []
    searching = threading.Event()
    written = threading.Event()

    def write() -> None:
        try:
            # Only once the searches run, so that the two overlap however busy the
            # machine is (the thread could otherwise be done before the first search).
            if not searching.wait(60):
                raise TimeoutError("the searches never started")
            for n in range(20):
                index.add([doc(200 + n, f"Magnesium {n}", "magnesium and sleep")])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            written.set()

    writer = threading.Thread(target=write)
    writer.start()
    searching.set()
    seen = [0]
    while not written.is_set():
        found = index.search("magnesium", limit=50, text_for=lambda i: "magnesium and sleep")
        # Each search sees the newest commit: never fewer articles than the one before.
        assert len(found.hits) >= seen[-1]
        seen.append(len(found.hits))
    writer.join(60)
    assert not writer.is_alive() and not errors
    assert len(index.search("magnesium", limit=50).hits) == 20


def _commit_while_opening(
    index: ArticleIndex, monkeypatch: pytest.MonkeyPatch, suffix: str, nth: int
) -> list[BaseException]:
    """Land a commit, merging every segment, just before this thread opens its ``nth``
    index file ending in ``suffix``: what an import's thread or another process does
    when it commits between a search's reading of the table of contents and its opening
    of the files named there (the commit deletes them). Returns the commit's errors."""
    from whoosh.filedb.filestore import FileStorage

    real_open = FileStorage.open_file
    searcher = threading.get_ident()
    opened: list[str] = []
    errors: list[BaseException] = []

    def commit() -> None:
        try:
            index.add([doc(300, "Magnesium at night", "magnesium")])
            index.merge_segments()
        except BaseException as exc:  # pragma: no cover - reported by the test
            errors.append(exc)

    def open_file(self: FileStorage, name: str, *args: object, **kwargs: object) -> object:
        if threading.get_ident() == searcher and name.endswith(suffix):
            opened.append(name)
            if len(opened) == nth:
                other = threading.Thread(target=commit)
                other.start()
                other.join(60)
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(FileStorage, "open_file", open_file)
    return errors


def test_the_first_search_survives_a_commit_replacing_the_index_it_opens(
    index: ArticleIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The table of contents the search found is gone when it opens it: it reads the
    # newer one (this raised FileNotFoundError from the query parser's schema).
    errors = _commit_while_opening(index, monkeypatch, ".toc", nth=1)
    assert ids(index, "magnesium") == [300]
    assert not errors


def test_opening_the_index_while_another_process_commits_is_no_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Taken for damage, the index was rebuilt (emptied) under the process writing to it.
    with ArticleIndex(tmp_path / "index") as other:
        other.add(DOCS)
        errors = _commit_while_opening(other, monkeypatch, ".toc", nth=1)
        index, needs_rebuild = ArticleIndex.open_or_create(tmp_path / "index")
        with index:
            assert not needs_rebuild
            assert ids(index, "magnesium") == [300]
            assert index.doc_count() == len(DOCS) + 1
        assert not errors


def test_a_search_meeting_a_commit_halfway_leaves_no_file_open(
    index: ArticleIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    index.add([doc(4, "Magnesium", "magnesium and cramps")])
    assert index.segment_count() == 2
    # The first segment is open when the commit deletes the second: the search opens
    # the new generation and closes what it had opened of the old one.
    errors = _commit_while_opening(index, monkeypatch, ".seg", nth=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert sorted(ids(index, "magnesium")) == [4, 300]
        gc.collect()
    assert not errors
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert index.segment_count() == 1


def test_nfcorpus_slice_finds_judged_documents(tmp_path: Path, corpora: Path) -> None:
    # Queries are answered from a slice of real medical abstracts; the top hit for
    # "breast cancer" mentions both words.
    lines = (corpora / "nfcorpus" / "dev.docs").read_text(encoding="utf-8").splitlines()[:300]
    bodies = {i + 1: line.partition("\t")[2] for i, line in enumerate(lines)}
    ix = ArticleIndex(tmp_path / "index")
    ix.add(doc(i, "", body) for i, body in bodies.items())
    top = ix.search("breast cancer", text_for=bodies.__getitem__).hits[0]
    assert "breast" in bodies[top.article_id] and "cancer" in bodies[top.article_id]
    assert '<b class="match">breast</b>' in top.snippet_html
    ix.close()


def test_fused_analyzer_matches_whoosh_stemming_analyzer(corpora: Path) -> None:
    """The one-pass analyzer must index exactly what Whoosh's own chain would."""
    from whoosh.analysis import StemmingAnalyzer

    from reader.core.index import STOP_WORDS, WORD_PATTERN, FusedStemmingAnalyzer

    reference = StemmingAnalyzer(expression=WORD_PATTERN, stoplist=STOP_WORDS, minsize=2)
    fused = FusedStemmingAnalyzer()
    text = (corpora / "nfcorpus" / "dev.docs").read_text(encoding="utf-8")[:50_000]
    text += " The Why of it: a I x  U.S. e.g. 3.5mg Ketamine's CAFÉ naïve don't"

    def tokens(analyzer, **kw):  # type: ignore[no-untyped-def]
        return [
            (t.text, getattr(t, "pos", None), getattr(t, "startchar", None),
             getattr(t, "endchar", None), getattr(t, "stopped", None))
            for t in analyzer(text, **kw)
        ]  # fmt: skip

    for options in (
        {},
        {"positions": True, "chars": True},
        {"positions": True, "chars": True, "removestops": False},
        {"mode": "query", "positions": True},
        {"positions": True, "start_pos": 3, "start_char": 5, "chars": True},
    ):
        assert tokens(fused, **options) == tokens(reference, **options), options


# --- phrases: the app's faster phrase matcher finds exactly what Whoosh's does --------


# The corpora, found as tests/conftest.py finds them (its fixture is per test; this
# index is built once for the module's read-only phrase and scoring tests).
CORPORA = Path(
    os.environ.get(
        "MARGIN_CORPORA", Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
    )
)


@pytest.fixture(scope="module")
def nfcorpus_index(tmp_path_factory: pytest.TempPathFactory):
    """600 NFCorpus abstracts, a few joined per article so words recur far apart."""
    if not (CORPORA / "nfcorpus").is_dir():
        pytest.skip(f"../shared/corpora is not beside this clone ({CORPORA}); corpus-wide test")
    tmp_path = tmp_path_factory.mktemp("nfcorpus")
    lines = (CORPORA / "nfcorpus" / "dev.docs").read_text(encoding="utf-8").splitlines()[:1800]
    texts = [line.partition("\t")[2] for line in lines]
    docs = [
        doc(
            i + 1,
            " ".join(texts[3 * i].split()[:8]),
            "\n\n".join(texts[3 * i : 3 * i + 3]),
            source_format="jats" if i % 3 == 0 else "html",  # something to filter by
        )
        for i in range(len(texts) // 3)
    ]
    ix = ArticleIndex(tmp_path / "nf")
    ix.add(docs)
    yield ix
    ix.close()


def whoosh_ids(index: ArticleIndex, q: str) -> set[int]:
    """The article ids of Whoosh's own query for ``q`` (its Phrase, not the app's)."""
    searcher = index._current_searcher()
    return {int(hit["article_id"]) for hit in searcher.search(index.parse(q), limit=None)}


def all_ids(index: ArticleIndex, q: str) -> set[int]:
    return {h.article_id for h in index.search(q, limit=100_000).hits}


@pytest.mark.parametrize(
    "q",
    [
        '"breast cancer"',
        '"blood pressure"',
        '"randomized controlled trial"',
        '"risk of cancer"',  # stop word inside: positions renumbered like the index's
        '"cancer risk"',
        '"heart disease" AND diet',
        'diet NOT "breast cancer"',
        'soy OR "red meat"',
        'title:"breast cancer"',
    ],
)
def test_phrases_find_what_whoosh_phrase_finds(nfcorpus_index: ArticleIndex, q: str) -> None:
    expected = whoosh_ids(nfcorpus_index, q)
    assert expected, q  # the slice has hits for each, so equality means something
    assert all_ids(nfcorpus_index, q) == expected
    # same ranking too: the top of the list is Whoosh's
    top = [h.article_id for h in nfcorpus_index.search(q, limit=10).hits]
    searcher = nfcorpus_index._current_searcher()
    scores = {
        int(h["article_id"]): h.score for h in searcher.search(nfcorpus_index.parse(q), limit=None)
    }
    assert [round(scores[i], 6) for i in top] == sorted(
        (round(s, 6) for s in scores.values()), reverse=True
    )[:10]


def test_phrase_needs_adjacent_words_not_just_both(nfcorpus_index: ArticleIndex) -> None:
    both = all_ids(nfcorpus_index, "cancer AND risk")
    phrase = all_ids(nfcorpus_index, '"cancer risk"')
    reversed_phrase = all_ids(nfcorpus_index, '"risk cancer"')
    assert phrase and phrase < both
    assert len(phrase) * 2 < len(both)  # many articles have both words apart
    assert reversed_phrase != phrase  # order matters


def test_phrase_parts_of_queries(index: ArticleIndex) -> None:
    assert ids(index, '"chronic pain" AND ketamine') == [1]
    assert ids(index, '"chronic pain" AND coffee') == []
    assert set(ids(index, '"chronic pain" OR caffeine')) == {1, 2}
    assert set(ids(index, 'chronic NOT "chronic pain"')) == {2}
    assert ids(index, 'title:"chronic pain"') == [1]
    assert ids(index, 'title:"pain chronic"') == []
    # "after a stroke": the stop word "a" is dropped, so the words count as adjacent
    assert ids(index, '"after stroke"') == [3]


def test_phrase_snippet_marks_the_phrase_words(index: ArticleIndex) -> None:
    hit = index.search('"chronic pain"', text_for=TEXTS.get).hits[0]
    assert '<b class="match">chronic</b> <b class="match">pain</b>' in hit.snippet_html


# --- filters restrict the words -------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Whoosh alone read these as "in the range OR about pain": every pain article
        ("published:[2020 to 2023] pain", {1}),
        ("author:smith chronic", {1}),
        ("tag:sleep chronic", {2}),
        ("cites:PMID:11111111 chronic", {2}),
        ("chronic format:jats", {1}),
        # filters on different fields are all required; one field's values are either
        ("author:smith tag:sleep", set()),
        ("tag:sleep tag:opioids", {1, 2}),
        ("tag:sleep tag:opioids chronic", {1, 2}),
        ('tag:"back pain" NOT coffee', {1}),
        ("tag:sleep NOT coffee", set()),
    ],
)
def test_field_and_range_clauses_restrict_plain_words(
    index: ArticleIndex, q: str, expected: set[int]
) -> None:
    assert set(ids(index, q)) == expected


def test_filters_do_not_change_how_the_words_rank(index: ArticleIndex) -> None:
    plain = index.search("pain stroke")
    filtered = index.search("pain stroke date:[2000 to 2030]")
    assert [(h.article_id, round(h.score, 6)) for h in filtered.hits] == [
        (h.article_id, round(h.score, 6)) for h in plain.hits
    ]
    assert filtered.hits[0].article_id == 3  # has both words: still first


# --- tag: finds highlight tags --------------------------------------------------------


def highlight(uuid: str, article_id: int, exact: str, note: str = "", tags=()) -> Annotation:  # type: ignore[no-untyped-def]
    return Annotation(
        uuid=uuid,
        article_id=article_id,
        quote=TextQuoteSelector(exact=exact),
        position=TextPositionSelector(0, len(exact)),
        note=note,
        tags=list(tags),
    )


def test_tag_finds_highlight_tags_and_points_at_the_highlight(tmp_path: Path) -> None:
    ix = ArticleIndex(tmp_path / "index")
    ix.add(
        [
            doc(1, "Coffee and sleep", "Caffeine delays sleep.", highlight_tags=["Ask GP"]),
            doc(2, "Tea", "Green tea has less caffeine.", tags=["ask gp"]),
            doc(3, "Stroke", "Rehabilitation after stroke."),
        ]
    )
    marks = {1: [highlight("h-1", 1, "Caffeine delays sleep.", tags=["Ask GP"])]}
    results = ix.search('tag:"ask gp"', annotations_for=lambda i: marks.get(i, []))
    by_id = {h.article_id: h for h in results.hits}
    assert set(by_id) == {1, 2}
    assert by_id[1].annotation_uuid == "h-1"  # opens at the tagged highlight
    assert "Caffeine delays sleep." in by_id[1].snippet_html
    assert by_id[2].annotation_uuid is None  # the article's own tag
    ix.close()


# --- prefixes need two letters --------------------------------------------------------


@pytest.mark.parametrize("q", ["a*", "n*", "title:c*", "a*e", "pain k*"])
def test_one_letter_prefix_is_refused_with_a_message(index: ArticleIndex, q: str) -> None:
    with pytest.raises(QueryError, match="at least 2 letters"):
        index.search(q)


def test_two_letter_prefix_is_searched(index: ArticleIndex) -> None:
    assert set(ids(index, "ne*")) == {2, 3}  # neurons, neuroplasticity
    assert ids(index, "n?urons") == [2]  # no "*": a single-letter start is fine


# --- snippets are clean prose ---------------------------------------------------------

TABLE_ARTICLE = (
    "Ketamine doses for pain were compared.\n\n"
    "Image: Bar chart of pain scores by dose\n\n"
    "Dose | Pain score | Patients\n"
    "0.1 mg | 6 | 40\n"
    "0.5 mg | 3 | 38\n\n"
    "Embedded content from youtube.com\n\n"
    "Video\n\n"
    "Lower doses relieved pain with fewer side effects."
)


def test_snippets_leave_out_table_pipes_and_placeholders() -> None:
    snippet = make_snippet(TABLE_ARTICLE, {"pain", "dose"})
    assert '<b class="match">pain</b>' in snippet
    assert "|" not in snippet
    assert "Image" not in snippet and "Embedded content" not in snippet
    assert "Video" not in snippet


def test_a_word_found_only_in_a_table_shows_the_row_without_pipes() -> None:
    snippet = make_snippet(TABLE_ARTICLE, {"patient"})
    assert '<b class="match">Patients</b>' in snippet
    assert "|" not in snippet and "Pain score · " in snippet


def test_snippet_without_matches_starts_with_prose() -> None:
    text = "Image: A photo of a clinic\n\nThe clinic opened in May."
    assert make_snippet(text, {"zzz"}) == "The clinic opened in May."


def test_note_hit_shows_the_notes_text_not_its_markdown(tmp_path: Path) -> None:
    ix = ArticleIndex(tmp_path / "index")
    note = "**Ask** the _doctor_ about [infusions](https://example.org/i)\n\n- dose\n- `timing`"
    ix.add([doc(1, "Ketamine", "Ketamine relieves pain.", notes=note, highlights="relieves")])
    marks = [highlight("h-1", 1, "Ketamine relieves pain.", note=note)]
    (hit,) = ix.search(
        "note:infusions",
        text_for=lambda i: "Ketamine relieves pain.",
        annotations_for=lambda i: marks,
    ).hits
    assert hit.annotation_uuid == "h-1"
    assert hit.snippet_html == ('Ask the doctor about <b class="match">infusions</b> dose timing')
    ix.close()


def test_article_note_hit_shows_the_article_note(tmp_path: Path) -> None:
    ix = ArticleIndex(tmp_path / "index")
    ix.add([doc(1, "Ketamine", "Ketamine relieves pain.", notes="# Plan\n\nAsk about *infusions*")])
    (hit,) = ix.search(
        "infusions",
        text_for=lambda i: "Ketamine relieves pain.",
        annotations_for=lambda i: [],
        note_for=lambda i: "# Plan\n\nAsk about *infusions*",
    ).hits
    assert hit.snippet_html == 'Plan Ask about <b class="match">infusions</b>'
    assert hit.annotation_uuid is None
    ix.close()


# --- did you mean ---------------------------------------------------------------------

HEALTH = {
    1: "Ketamine for chronic pain: low doses of ketamine relieve chronic pain.",
    2: "Acupuncture for back pain: acupuncture helped some patients with chronic back pain.",
    3: "Meningitis in children: bacterial meningitis needs antibiotics at once.",
    4: "Migraine and sleep: poor sleep makes migraine worse.",
}


@pytest.fixture
def health(tmp_path: Path):
    ix = ArticleIndex(tmp_path / "index")
    ix.add(doc(i, text.partition(":")[0], text) for i, text in HEALTH.items())
    yield ix
    ix.close()


@pytest.mark.parametrize(
    ("typed", "meant", "article"),
    [("ketamne", "ketamine", 1), ("acupunture", "acupuncture", 2), ("menigitis", "meningitis", 3)],
)
def test_a_misspelled_word_gives_the_corrected_results_with_a_note(
    health: ArticleIndex, typed: str, meant: str, article: int
) -> None:
    results = health.search(typed, text_for=HEALTH.get)
    assert results.suggestion == meant
    assert results.corrected_from == typed  # the hits are for the suggestion
    assert results.query == meant
    assert [h.article_id for h in results.hits] == [article]
    assert f'<b class="match">{meant.capitalize()}</b>' in results.hits[0].snippet_html


def test_a_misspelled_word_beside_a_known_one_is_not_silently_dropped(
    health: ArticleIndex,
) -> None:
    results = health.search("chronc pain", text_for=HEALTH.get)
    assert {h.article_id for h in results.hits} == {1, 2}  # "pain" still found them
    assert results.suggestion == "chronic pain"
    assert results.corrected_from is None  # these are the typed query's results


def test_suggestions_keep_the_rest_of_the_query_and_the_capital(health: ArticleIndex) -> None:
    results = health.search('Ketamne AND "chronic pain"', text_for=HEALTH.get)
    assert results.suggestion == 'Ketamine AND "chronic pain"'
    assert [h.article_id for h in results.hits] == [1]


@pytest.mark.parametrize(
    "q",
    [
        "ketamine",  # spelled right
        "zqxwvy",  # nothing like it in the library
        "author:smiht",  # names are not words of the library's text
        "migrane AND zqxwvy",  # the correction would find nothing either
    ],
)
def test_no_suggestion_when_there_is_nothing_better(health: ArticleIndex, q: str) -> None:
    results = health.search(q, text_for=HEALTH.get)
    assert results.suggestion is None
    assert results.corrected_from is None


def test_snippets_of_real_articles_are_prose(tmp_path: Path, corpora: Path) -> None:
    """Words from the tables and image captions of real JATS and web articles: every
    snippet that shows them is free of table pipes and placeholders."""
    from reader.core.library import Library

    files = sorted((corpora / "jats" / "allofplos").glob("*.xml"))[:5]
    files += sorted((corpora / "readability" / "test-pages").glob("*/source.html"))[:8]
    library = Library.open(tmp_path / "library")
    try:
        library.import_paths(files)
        queries: set[str] = set()
        for article_id in library.article_ids():
            for line in library.article(article_id).text.splitlines():
                if " | " in line or line.startswith("Image"):
                    words = [w for w in line.split() if w.isalpha() and len(w) >= 7]
                    queries.update(words[:2])
        assert len(queries) > 20  # the corpus has tables and images to test with
        snippets = [h.snippet_html for q in sorted(queries) for h in library.search(q).hits]
        assert snippets
        for snippet in snippets:
            assert " | " not in snippet, snippet
            assert not re.search(r"(^|…|\s)(Image|Video)(:|$)", snippet), snippet
    finally:
        library.close()


def test_filtered_words_rank_like_the_words_on_a_large_index(
    nfcorpus_index: ArticleIndex,
) -> None:
    """Beside a filter, the top hits are the words' top hits that pass it. (Whoosh's own
    Require failed an assertion here once block-quality skipping began.)"""
    ix = nfcorpus_index
    jats = {i for i in range(1, 601) if (i - 1) % 3 == 0}
    for words, fmt in (("cancer", "html"), ("breast cancer", "jats"), ("diet", "html")):
        every = ix.search(words, limit=600).hits
        expected = [h.article_id for h in every if (h.article_id in jats) == (fmt == "jats")]
        found = [h.article_id for h in ix.search(f"{words} format:{fmt}", limit=5).hits]
        assert found == expected[:5]


# --- what is read from memory finds and scores what Whoosh's own reads do ------------


def test_date_ranges_read_from_the_column_match_whoosh(tmp_path: Path) -> None:
    ix = ArticleIndex(tmp_path / "index")
    ix.add(
        doc(i, f"Article {i}", f"cancer study {i}", published=dt.datetime(1960 + i, 6, 1))
        if i % 5
        else doc(i, f"Undated {i}", f"cancer study {i}")  # no date: never in a range
        for i in range(1, 71)
    )
    ix.delete([53])
    for q in (
        "date:[2010 to 2015]",
        "date:[to 1965]",
        "date:[2020 to]",
        "date:1999",
        "date:[1965 to 1970}",
        "study date:[1990 to 2000]",
    ):
        assert set(ids(ix, q)) == whoosh_ids(ix, q) - {53}, q
    assert set(ids(ix, "date:[2010 to 2015]")) == {51, 52, 54}
    ix.close()


def test_scores_are_whoosh_bm25f_scores(nfcorpus_index: ArticleIndex) -> None:
    from whoosh import scoring

    from reader.core.index import article_index

    plain = scoring.BM25F(
        B=article_index.BM25_B, K1=article_index.BM25_K1, title_B=article_index.BM25_TITLE_B
    )
    with nfcorpus_index._ix.searcher(weighting=plain) as searcher:
        for q in ("cancer", "breast cancer", "title:diet", "vitamin D deficiency"):
            ours = {h.article_id: round(h.score, 6) for h in nfcorpus_index.search(q).hits}
            parsed = nfcorpus_index.parse(q)
            theirs = {
                int(h["article_id"]): round(h.score, 6)
                for h in searcher.search(parsed, limit=len(ours))
            }
            assert ours == theirs, q


def test_a_prefix_alone_stops_at_a_page_and_says_about_how_many(
    nfcorpus_index: ArticleIndex,
) -> None:
    every = nfcorpus_index.search("canc*", limit=1000)
    page = nfcorpus_index.search("canc*", limit=5)
    exact = len(every.hits)
    assert exact > 100  # enough articles that a page is a small part of them
    assert len(page.hits) == 5
    assert {h.article_id for h in page.hits} <= {h.article_id for h in every.hits}
    assert page.total is not None and exact / 2 <= page.total <= 600


def test_through_the_library_highlight_tags_and_notes_are_found_and_shown(
    tmp_path: Path, fixtures: Path
) -> None:
    from reader.core.library import Library

    library = Library.open(tmp_path / "library")
    try:
        (result,) = library.import_paths([fixtures / "ketamine-for-pain.json"]).results
        article_id = result.article_id
        assert article_id is not None
        mark = library.add_highlight_by_quote(
            article_id,
            "particularly to the bladder",
            note="**Ask** the GP about _cystitis_",
            tags=["FollowUp"],
        )
        (hit,) = library.search("tag:followup").hits  # a highlight's tag, any case
        assert hit.annotation_uuid == mark.uuid
        assert "particularly to the bladder" in hit.snippet_html
        (hit,) = library.search("note:cystitis").hits
        assert hit.annotation_uuid == mark.uuid
        assert hit.snippet_html == 'Ask the GP about <b class="match">cystitis</b>'
    finally:
        library.close()


def test_a_two_edit_correction_is_offered_not_applied(health: ArticleIndex) -> None:
    results = health.search("antibitcs", text_for=HEALTH.get)  # two letters missing
    assert results.suggestion == "antibiotics"
    assert results.corrected_from is None and results.hits == []
    one_edit = health.search("antibiotcs", text_for=HEALTH.get)
    assert one_edit.corrected_from == "antibiotcs"
    assert [h.article_id for h in one_edit.hits] == [3]


def test_a_swapped_or_missing_letter_is_preferred_to_a_commoner_word(tmp_path: Path) -> None:
    # "pian" is one swap from "pain" and one replaced letter from "plan", which more
    # articles have; "factrs" is one missing letter from "factors" and one extra from
    # "facts", also commoner. People swap and leave out letters more than they type
    # wrong ones (benchmarks/bench_spelling.py: 96.1% -> 97.7% right).
    texts = [f"A plan for the facts of care, number {i}." for i in range(6)]
    texts += ["Chronic pain and risk factors.", "Pain scores and other factors."]
    ix = ArticleIndex(tmp_path / "index")
    ix.add(doc(i + 1, "", text) for i, text in enumerate(texts))
    assert ix.search("pian").suggestion == "pain"
    assert ix.search("chronic factrs").suggestion == "chronic factors"
    ix.close()
