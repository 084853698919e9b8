"""A big import in worker processes (reader.core.library.pipeline): the same results, in
the same order, as one process; failures stay per file; cancel and progress work; every
saved article is searchable when it returns, and nothing is left queued."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.library.importing import PARALLEL_FROM
from reader.core.model import ImportStatus, Progress

FILES = PARALLEL_FROM + 12  # enough to take the parallel path


def _folder(tmp_path: Path) -> Path:
    """FILES Markdown articles, one broken file, one empty one, and a later file that
    updates an earlier article of the same import (same URL, new text)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    for i in range(FILES):
        (folder / f"a{i:03d}.md").write_text(
            f"---\ntitle: Article {i}\nurl: https://example.org/{i}\n---\n\n"
            f"Magnesium{i} and sleep: paragraph {i} of a real-looking article.\n",
            encoding="utf-8",
        )
    (folder / "a005-broken.json").write_bytes(b'{"title": "cut short')
    (folder / "a006-empty.md").write_bytes(b"")
    (folder / "z-update.md").write_text(
        "---\ntitle: Article 3\nurl: https://example.org/3\n---\n\nRewritten: zinc.\n",
        encoding="utf-8",
    )
    return folder


def _import(root: Path, folder: Path, procs: int, monkeypatch: pytest.MonkeyPatch, **kw):
    monkeypatch.setenv("MARGIN_IMPORT_PROCS", str(procs))
    library = Library(root)
    return library, library.import_paths([folder], **kw)


def test_workers_give_the_same_report_in_order_and_everything_is_searchable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path)
    seen: list[Progress] = []
    parallel, report = _import(tmp_path / "p", folder, 2, monkeypatch, progress=seen.append)
    serial, expected = _import(tmp_path / "s", folder, 1, monkeypatch)
    try:
        # The same files, statuses and messages, in the same (file) order.
        shape = [(r.source, r.status, r.message) for r in report.results]
        assert shape == [(r.source, r.status, r.message) for r in expected.results]
        labels = [r.source for r in report.results]
        assert labels == sorted(labels)
        failed = {
            Path(r.source).name: r.message
            for r in report.results
            if r.status is ImportStatus.FAILED
        }
        assert set(failed) == {"a005-broken.json", "a006-empty.md"}  # each fails alone
        assert report.results[-1].status is ImportStatus.UPDATED
        assert parallel.count() == FILES

        # Searchable when the import returns: each article, and the update's new text.
        for i in (0, 17, FILES - 1):
            hits = parallel.search(f"magnesium{i}").hits
            assert [h.title for h in hits] == [f"Article {i}"]
        assert [h.title for h in parallel.search("zinc").hits] == ["Article 3"]
        assert parallel.search("magnesium3").hits == []  # the old text is gone from the index
        assert parallel.search("magnesium3").total == serial.search("magnesium3").total

        # Progress counted every file, then said it was indexing.
        counted = [p.done for p in seen if p.current not in ("", "reading…", "indexing…")]
        assert counted == list(range(1, len(counted) + 1))
        assert counted[-1] == FILES + 3
        assert [p.current for p in seen].index("indexing…") > len(counted)
        # Nothing is left for a later writer to catch up.
        assert parallel.check().problems == []
    finally:
        parallel.close()
        serial.close()


def test_cancel_keeps_what_was_saved_and_it_is_searchable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path)
    saved: list[int] = []

    def progress(p: Progress) -> None:
        if p.result is not None:
            saved.append(p.done)

    library, report = _import(
        tmp_path / "lib", folder, 2, monkeypatch, progress=progress, cancel=lambda: len(saved) >= 10
    )
    try:
        assert report.cancelled
        assert len(report.results) == 10
        added = [r for r in report.results if r.status is ImportStatus.ADDED]
        assert library.count() == len(added)
        for result in added:
            number = result.title.removeprefix("Article ")
            hits = library.search(f"magnesium{number}").hits
            assert [h.article_id for h in hits] == [result.article_id]
        assert library.search("magnesium40").hits == []  # never imported
    finally:
        library.close()


def test_segments_are_merged_in_the_background_after_a_big_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.core.library import indexing

    monkeypatch.setattr(indexing, "MERGE_ABOVE", 1)  # two processes leave two segments
    folder = _folder(tmp_path)
    library, _ = _import(tmp_path / "lib", folder, 2, monkeypatch)
    try:
        # Searching goes on while the merge runs (or after it has finished).
        assert [h.title for h in library.search("magnesium7").hits] == ["Article 7"]
    finally:
        library.close()  # waits for the merge
    reopened = Library(tmp_path / "lib")
    try:
        assert reopened.index_dir.is_dir()
        assert reopened._indexing.index().segment_count() == 1
        assert reopened.search("magnesium7").total == 1
        assert reopened.count() == FILES
    finally:
        reopened.close()
