"""Opening the newest generation of the index while commits replace it.

A commit (an import's thread, a note being saved, another process) writes the next
generation's table of contents and then deletes the files the previous one named. A
search opening the previous generation meanwhile finds a file gone; it then opens the
next one, which is already complete. Whoosh's own reader retries too, but leaves open
the segment files it had opened before the missing one, and its ``schema`` property does
not retry at all: the first search after opening raised ``FileNotFoundError`` when a
commit landed at that moment, and opening the index took such a moment for damage and
rebuilt the index under the other process (``tests/core/test_index.py`` makes each
happen).
"""

from __future__ import annotations

import time

from whoosh.filedb.filestore import Storage
from whoosh.index import TOC, FileIndex
from whoosh.reading import EmptyReader, IndexReader, MultiReader, SegmentReader
from whoosh.scoring import WeightingModel
from whoosh.searching import Searcher

# Tries, and the wait between them after the first: about half a second in all, as
# Whoosh's own reader waits (for another process swapping in a rebuilt index).
OPEN_ATTEMPTS = 20
RETRY_WAIT_S = 0.025


def open_index(storage: Storage, indexname: str) -> FileIndex:
    """Open the index in ``storage`` (Whoosh reads its newest table of contents to see
    that it is there)."""
    for attempt in range(1, OPEN_ATTEMPTS + 1):
        try:
            return storage.open_index(indexname)
        except FileNotFoundError:
            if attempt == OPEN_ATTEMPTS:
                raise
            _wait_before_retry(attempt)
    raise AssertionError("unreachable")


def newest_toc(ix: FileIndex) -> TOC:
    """The newest generation's table of contents (read, never changed; Whoosh has no
    public reader of it)."""
    for attempt in range(1, OPEN_ATTEMPTS + 1):
        try:
            return ix._read_toc()  # noqa: SLF001
        except FileNotFoundError:
            if attempt == OPEN_ATTEMPTS:
                raise
            _wait_before_retry(attempt)
    raise AssertionError("unreachable")


def open_searcher(ix: FileIndex, weighting: WeightingModel) -> Searcher:
    """A searcher on the newest generation. What was opened of a generation whose files
    a commit deleted meanwhile is closed again before the next one is opened."""
    for attempt in range(1, OPEN_ATTEMPTS + 1):
        toc = newest_toc(ix)
        readers: list[IndexReader] = []
        try:
            for segment in toc.segments:
                readers.append(
                    SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
                )
        except FileNotFoundError:
            for opened in readers:
                opened.close()
            if attempt == OPEN_ATTEMPTS:
                raise
            _wait_before_retry(attempt)
            continue
        if not readers:
            reader: IndexReader = EmptyReader(toc.schema)
        elif len(readers) == 1:
            reader = readers[0]
        else:
            reader = MultiReader(readers, generation=toc.generation)
        return Searcher(reader, weighting=weighting, fromindex=ix)
    raise AssertionError("unreachable")


def _wait_before_retry(attempt: int) -> None:
    # The first retry is at once: the next generation is on disk before the previous
    # one's files go. Later ones wait a little.
    if attempt > 1:
        time.sleep(RETRY_WAIT_S)
