"""The library list reads its pages, counts and filter values from indexes (schema 6).

An article's row holds its HTML and text before the columns the list shows, so a list
query that read the rows followed every article's overflow pages: at 50,000 articles the
window took 2.8 s to open, 0.4 s with these indexes (benchmarks/bench_window_memory.py
opens it). The plans are checked here, since timings are not tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.library.list_queries import SORT_COLUMNS
from reader.core.model import LibraryFilter


@pytest.fixture
def library(tmp_path: Path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(12):
        (folder / f"a{i}.md").write_text(
            f"---\ntitle: Article {i}\nsite: Site {i % 3}\ntags: [t{i % 4}, shared]\n---\n\n"
            f"Words about pain and sleep, number {i}.\n",
            encoding="utf-8",
        )
    with Library(tmp_path / "lib") as library:
        report = library.import_paths([folder])
        added = [r.article_id for r in report.results if r.article_id is not None]
        assert len(added) == 12
        library.trash([added[0]])  # one in the Trash
        yield library


def list_queries_run(library: Library, call) -> list[str]:
    """The SELECTs on articles that ``call`` makes the library run."""
    seen: list[str] = []
    conn = library._store._conn
    conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        conn.set_trace_callback(None)
    return [q for q in seen if q.lstrip().upper().startswith("SELECT") and "articles" in q]


def table_reads(library: Library, sql: str) -> list[str]:
    """Steps of the query's plan that read rows of the articles table itself."""
    conn = library._store._conn
    plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
    reads = []
    for step in plan:
        if re.search(r"\b(SCAN|SEARCH) (a|articles)\b", step) and "COVERING INDEX" not in step:
            if "USING INTEGER PRIMARY KEY" in step:
                continue  # the page's own rows, fetched by id once the page is known
            reads.append(step)
    return reads


@pytest.mark.parametrize("sort", sorted(set(SORT_COLUMNS) - {"highlights", "trashed"}))
def test_a_sorted_page_of_the_list_is_read_from_an_index(library: Library, sort: str) -> None:
    queries = list_queries_run(library, lambda: library.summaries(sort=sort, limit=5, offset=3))
    id_query = next(q for q in queries if "LIMIT" in q)
    assert table_reads(library, id_query) == []
    assert len(library.summaries(sort=sort, limit=5, offset=3)) == 5


def test_the_filters_values_and_the_count_never_read_the_articles(library: Library) -> None:
    queries = list_queries_run(library, lambda: (library.filter_values(), library.count()))
    assert len(queries) == 5
    for sql in queries:
        assert table_reads(library, sql) == [], sql
    values = library.filter_values()
    assert values["site"] == ["Site 0", "Site 1", "Site 2"]
    assert "shared" in values["tag"]
    assert library.count() == 11
    assert library.count(LibraryFilter(site="Site 1")) == 4


def test_the_trash_is_listed_from_an_index_newest_first(library: Library) -> None:
    library.trash([library.summaries(sort="title", limit=1)[0].id])
    queries = list_queries_run(library, library.trashed)
    assert queries and all(table_reads(library, q) == [] for q in queries if "LIMIT" in q)
    trashed = library.trashed()
    assert len(trashed) == 2
    assert trashed[0].trashed_at >= trashed[1].trashed_at
