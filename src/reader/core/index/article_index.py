"""The full-text index of a library (Whoosh): :class:`ArticleIndex` opens, writes,
rebuilds and searches it.

The index is derived data. SQLite is the system of record and the library rebuilds this
index whenever it is missing or unreadable, so everything here may be thrown away:
:meth:`ArticleIndex.open_or_create` says when that is needed.

Choices that matter for speed (measured on a 2-core machine, see benchmarks/):

- storage is opened without mmap (1.5 GB → 32 MB resident at 50,000 articles);
- ``len(results)`` re-runs the query, so totals come from ``estimated_length()``;
- a rebuild writes one segment in one process (Whoosh's two-process writer was slower
  once analysis got cheap: its final merge is serial), and never ``optimize()``;
- a big import is indexed while it saves (:meth:`ArticleIndex.import_writer`): the
  multi-process writer with one segment per process and no final merge, started by
  forkserver (issue 13 measured a rebuild at 10,000: 129–148 s in one process, 71 s
  with two and two segments, searched as fast as one); segments are merged only when
  idle, past eight (see reader.core.library.indexing);
- a rebuild's posting buffer is :data:`REBUILD_LIMIT_MB`: each spill of a sorted run to
  disk and the final merge of runs cost more than the memory (3,000 articles: 256 MB
  38/s, 512 MB 59/s), and the cyclic garbage collector is off meanwhile (38 → 47/s).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import shutil
import struct
import threading
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from whoosh import query, scoring
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex, LockError
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

from reader.core.errors import IndexUnavailable, QueryError
from reader.core.index.hits import Wanted, make_hit
from reader.core.index.matchers import positive_terms, prepare
from reader.core.index.opening import newest_toc, open_index, open_searcher
from reader.core.index.parsing import QueryParser, only_common_words
from reader.core.index.ranking import top_hits
from reader.core.index.schema import (
    INDEX_NAME,
    SORTABLE_FIELDS,
    STEMMED_FIELDS,
    fields_of,
    make_schema,
)
from reader.core.index.scoring import CachedBM25F, column_ranges
from reader.core.index.spelling import corrected_query, corrections
from reader.core.model import Annotation, IndexDocument, SearchResults

__all__ = ["ArticleIndex", "IndexUnavailable"]


# Posting buffer of a rebuild before it spills a sorted run to disk; each spill and the
# final merge of runs cost more than the memory (3,000 articles: 256 MB 38/s, 512 MB 59/s).
REBUILD_LIMIT_MB = 512

# How long a writer waits for another process holding the Whoosh lock.
WRITER_TIMEOUT_S = 30.0


_CORRUPTION = (OSError, EOFError, struct.error, pickle.UnpicklingError, zlib.error)


class ArticleIndex:
    """The Whoosh index of one library, safe to use from several threads.

    Writes (``add``, ``delete``, ``rebuild``) go through one lock, so an import thread
    and a note being saved never race for Whoosh's single writer. Searches hold a
    separate lock (a Whoosh searcher's files are not safe for concurrent reads) and are
    only blocked by a write while a rebuild swaps directories.

    ``created`` is True when the constructor found no index and made an empty one: the
    caller should then :meth:`rebuild` it from the store.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._write_lock = threading.RLock()
        self._search_lock = threading.RLock()
        self._searcher: Searcher | None = None
        self._parser: QueryParser | None = None
        self.created = False
        self._ix = self._open(self.directory)

    # -- opening -------------------------------------------------------------------

    @staticmethod
    def _storage(directory: Path) -> FileStorage:
        # No mmap: resident memory stays small on large libraries.
        return FileStorage(str(directory), supports_mmap=False)

    @classmethod
    def exists(cls, directory: Path) -> bool:
        """True when ``directory`` holds an index of this version (readable or not)."""
        directory = Path(directory)
        if not directory.is_dir():
            return False
        try:
            return any(
                name.startswith(f"_{INDEX_NAME}_") and name.endswith(".toc")
                for name in os.listdir(directory)
            )
        except OSError:
            return False

    @classmethod
    def open_or_create(cls, directory: Path) -> tuple[ArticleIndex, bool]:
        """Open the index, making a fresh one if it is missing or unreadable.

        Returns the index and whether it must be rebuilt from the store.
        """
        try:
            index = cls(directory)
        except IndexUnavailable:
            cls.destroy(directory)
            index = cls(directory)
            index.created = True
        return index, index.created

    @classmethod
    def destroy(cls, directory: Path) -> None:
        """Remove an index directory (derived data) so it can be made afresh."""
        directory = Path(directory)
        if directory.is_dir():
            shutil.rmtree(directory, ignore_errors=True)
        elif directory.exists():
            directory.unlink()

    def _open(self, directory: Path) -> FileIndex:
        if directory.exists() and not directory.is_dir():
            raise IndexUnavailable(f"The search index path {directory} is not a folder.")
        if not self.exists(directory):
            try:
                directory.mkdir(parents=True, exist_ok=True)
                ix = self._storage(directory).create_index(make_schema(), indexname=INDEX_NAME)
            except OSError as exc:
                raise IndexUnavailable(
                    f"Could not create the search index in {directory}: {exc.strerror or exc}"
                ) from exc
            self.created = True
            return ix
        reason = ""
        # Whoosh leaves the files of a corrupt index open when it fails to read them;
        # they close when the exception is dropped: no ResourceWarnings for that.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                # Another process may commit meanwhile: each step reads the newest
                # generation again when the one it read is replaced (see .opening), never
                # taking a commit for damage (which would rebuild the index under it).
                ix = open_index(self._storage(directory), INDEX_NAME)
                # Opening reads only the table of contents; a reader touches each segment.
                with open_searcher(ix, _weighting()) as searcher:
                    reader = searcher.reader()
                    reader.doc_count()
                    for name in ("title", "text"):
                        next(iter(reader.lexicon(name)), None)
                    if set(searcher.schema.names()) != set(make_schema().names()):
                        reason = "it was made by another version of Margin"
            except Exception as exc:
                # Any failure to read derived data means "rebuild it", never a crash.
                reason = f"{type(exc).__name__}: {exc}"
            if reason:
                gc.collect()
        if reason:
            raise IndexUnavailable(f"The search index in {directory} cannot be read ({reason}).")
        return ix

    # -- writing -------------------------------------------------------------------

    def _writer(self, ix: FileIndex | None = None, **kwargs: object) -> SegmentWriter:
        ix = ix or self._ix
        if ix is None:
            raise IndexUnavailable("The search index is closed.")
        try:
            return ix.writer(timeout=WRITER_TIMEOUT_S, **kwargs)
        except LockError as exc:
            raise IndexUnavailable(
                "The search index is locked by another Margin process; try again."
            ) from exc

    def add(self, docs: Iterable[IndexDocument]) -> None:
        """Index articles, replacing any earlier version with the same article_id."""
        with self._write_lock:
            writer = self._writer(limitmb=128)
            try:
                for doc in docs:
                    writer.update_document(**fields_of(doc))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def delete(self, article_ids: Iterable[int]) -> None:
        with self._write_lock:
            writer = self._writer()
            try:
                for article_id in article_ids:
                    writer.delete_by_term("article_id", str(article_id))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def rebuild(
        self,
        docs: Iterable[IndexDocument],
        *,
        progress: Callable[[int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> bool:
        """Index ``docs`` into a fresh index and swap it in when complete.

        The old index keeps answering searches meanwhile. Returns False (and leaves the
        old index untouched) when ``cancel()`` said so.
        """
        with self._write_lock:
            # A folder of this process's own: the library's writer lock keeps other
            # processes' rebuilds out, and whatever a killed one left is removed here.
            for stale in self.directory.parent.glob(self.directory.name + ".rebuild-*"):
                shutil.rmtree(stale, ignore_errors=True)
            tmp = self.directory.with_name(f"{self.directory.name}.rebuild-{os.getpid()}")
            tmp.mkdir(parents=True)
            new_ix = self._storage(tmp).create_index(make_schema(), indexname=INDEX_NAME)
            docs_iter = iter(docs)
            head: list[IndexDocument] = []
            # One process, one segment. Measured on 1,000 articles of 2,000 words with
            # the fused analyzer: 83 articles/s, where Whoosh's two-process writer made
            # 50/s (its final merge into one segment runs in one process) or 107/s
            # left as two segments, which every search then pays for.
            writer = self._writer(new_ix, limitmb=REBUILD_LIMIT_MB)
            count = 0
            # The writer holds millions of small posting tuples; the cyclic garbage
            # collector kept rescanning them (3,000 articles: 38 → 47 articles/s
            # without it). Reference counting still frees everything meanwhile.
            gc_was_enabled = gc.isenabled()
            gc.disable()
            try:
                for doc in _chain(head, docs_iter):
                    if cancel is not None and count % 50 == 0 and cancel():
                        _cancel_writer(writer)
                        shutil.rmtree(tmp, ignore_errors=True)
                        return False
                    writer.add_document(**fields_of(doc))
                    count += 1
                    if progress is not None and count % 100 == 0:
                        progress(count)
                writer.commit()
            except BaseException:
                _cancel_writer(writer)
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            finally:
                if gc_was_enabled:
                    gc.enable()
            if progress is not None:
                progress(count)
            self._swap_in(tmp)
            return True

    def import_writer(self, procs: int) -> SegmentWriter:
        """A writer for a big import's new articles, fed while the import goes on.

        ``procs`` > 1: Whoosh's multi-process writer, each of its ``procs`` processes
        analysing a share of the articles into a segment of its own (no final merge:
        that is the serial part that made it slower than one process for a rebuild).
        Its processes start by forkserver (:mod:`.process_writer`), never by fork, which
        is unsafe in a process that has Qt's threads. Commit with ``commit(merge=False)``: merging
        segments is left to an idle moment (:meth:`merge_segments`).
        """
        if procs <= 1:
            return self._writer(limitmb=REBUILD_LIMIT_MB)
        if self._ix is None:
            raise IndexUnavailable("The search index is closed.")
        # Imported here: multiprocessing is no cost a search should pay at start-up.
        from reader.core.index.process_writer import ProcessWriter

        try:
            return ProcessWriter(
                self._ix,
                procs=procs,
                # Job files of 32 articles, not Whoosh's 100: an import of a few
                # hundred files keeps every process busy.
                batchsize=32,
                multisegment=True,
                timeout=WRITER_TIMEOUT_S,
                subargs={"limitmb": REBUILD_LIMIT_MB // procs},
            )
        except LockError as exc:
            raise IndexUnavailable(
                "The search index is locked by another Margin process; try again."
            ) from exc

    def segment_count(self) -> int:
        with self._search_lock:
            return len(newest_toc(self._ix).segments)

    def merge_segments(self) -> None:
        """Merge every segment into one (slow on a big index: run it when idle)."""
        with self._write_lock:
            writer = self._writer(limitmb=REBUILD_LIMIT_MB)
            try:
                writer.commit(optimize=True)
            except BaseException:
                _cancel_writer(writer)
                raise

    def _swap_in(self, tmp: Path) -> None:
        old = self.directory.with_name(f"{self.directory.name}.old-{os.getpid()}")
        with self._search_lock:
            self._close_searcher()
            shutil.rmtree(old, ignore_errors=True)
            if self.directory.exists():
                self.directory.rename(old)
            tmp.rename(self.directory)
            shutil.rmtree(old, ignore_errors=True)
            self._ix = self._storage(self.directory).open_index(INDEX_NAME)
            self.created = False

    # -- reading -------------------------------------------------------------------

    def doc_count(self) -> int:
        with self._search_lock:
            return self._current_searcher().doc_count()

    def _current_searcher(self) -> Searcher:
        if self._searcher is None:
            self._searcher = open_searcher(self._ix, _weighting())
        elif self._ix.latest_generation() != self._searcher.reader().generation():
            # Not Searcher.refresh(): it reuses segment readers whose deletions changed,
            # so deleted articles stayed visible, and it leaks their files.
            self._searcher.close()
            self._searcher = open_searcher(self._ix, _weighting())
        return self._searcher

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def parse(self, text: str) -> query.Query:
        """The Whoosh query for ``text`` (raises QueryError); useful for debugging."""
        with self._search_lock:
            if self._parser is None:
                # The open searcher's schema: reading it from the index again could meet
                # a commit halfway (see reader.core.index.opening).
                self._parser = QueryParser(self._current_searcher().schema)
            return self._parser.parse(text)

    def search(
        self,
        query_text: str,
        *,
        limit: int = 20,
        text_for: Callable[[int], str] | None = None,
        annotations_for: Callable[[int], list[Annotation]] | None = None,
        note_for: Callable[[int], str] | None = None,
        suggest: bool = True,
    ) -> SearchResults:
        """Search the library; snippets come from ``text_for(article_id)`` for each hit.

        ``annotations_for(article_id)`` gives an article's highlights: when the query
        asks for notes, highlights or tags (``note:``, ``highlight:``, ``tag:``), or the
        article's text has none of the words, the hit points at the first highlight that
        matches and shows its note or passage as the snippet, so opening the result can
        scroll there. ``note_for(article_id)`` is the article's own note (Markdown),
        shown when only it matches.

        A word that is in no article gets a suggestion (``SearchResults.suggestion``);
        when nothing matched and the suggestion does, the hits are the suggestion's.
        ``suggest=False`` leaves spelling alone.

        Raises QueryError for a query that cannot be read, IndexUnavailable when the
        index files cannot be read (the library then rebuilds).
        """
        text = query_text.strip()
        if not text:
            return SearchResults(query=query_text, hits=[], total=0)
        with self._search_lock:
            parsed = self.parse(text)  # first: "a*" is refused with its own message
            if only_common_words(text):
                return SearchResults(query=query_text, hits=[], total=0, too_common=True)
            try:
                searcher = self._current_searcher()
                bounded = column_ranges(prepare(parsed, searcher.reader()), SORTABLE_FIELDS)
                top = top_hits(searcher, bounded, limit)
                total = top.total
                found = [(searcher.stored_fields(doc), score) for score, doc in top.hits]
                positive = list(positive_terms(bounded))
                stems = frozenset(t for f, t in positive if f in STEMMED_FIELDS)
                fixes = corrections(text, stems, searcher, text_for) if suggest else []
            except QueryError:
                raise
            except _CORRUPTION as exc:
                raise IndexUnavailable(f"The search index cannot be read: {exc}") from exc
        suggestion = corrected_query(text, fixes) if fixes else None
        if suggestion is not None and not found:
            corrected = self.search(
                suggestion,
                limit=limit,
                text_for=text_for,
                annotations_for=annotations_for,
                note_for=note_for,
                suggest=False,
            )
            if not corrected.hits:
                suggestion = None  # a correction that finds nothing either helps nobody
            elif all(fix.sure for fix in fixes):
                corrected.suggestion = suggestion
                corrected.corrected_from = query_text
                return corrected
        wanted = Wanted(positive, stems)
        hits = [
            make_hit(stored, score, wanted, text_for, annotations_for, note_for)
            for stored, score in found
        ]
        return SearchResults(query=query_text, hits=hits, total=total, suggestion=suggestion)

    def close(self) -> None:
        with self._search_lock:
            self._close_searcher()
            with contextlib.suppress(Exception):
                self._ix.close()

    def __enter__(self) -> ArticleIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# BM25F parameters (the usual defaults; titles are short, so length-normalised less).
BM25_K1 = 1.2
BM25_B = 0.75
BM25_TITLE_B = 0.5


def _weighting() -> scoring.WeightingModel:
    return CachedBM25F(B=BM25_B, K1=BM25_K1, title_B=BM25_TITLE_B)


def _chain(head: list[IndexDocument], rest: Iterator[IndexDocument]) -> Iterator[IndexDocument]:
    yield from head
    yield from rest


def _cancel_writer(writer: SegmentWriter) -> None:
    """Abandon a writer; a multi-process writer's workers are stopped, not awaited."""
    for task in getattr(writer, "tasks", []):
        with contextlib.suppress(Exception):
            task.terminate()
            task.join(5)
    with contextlib.suppress(Exception):
        SegmentWriter.cancel(writer)
