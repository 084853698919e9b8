"""The search index's life: open or rebuild it, feed it, and the lane that keeps edits off
the window's thread.

The index is derived data. The database is the record; the index is rebuilt from it
when it is missing, unreadable, or "dirty" (the ``index_dirty`` setting: a bulk import
sets it and rebuilds at the end, so a crash in between is noticed at the next open).

Nothing reaches the index by being remembered in memory alone: every change the index
must hear of is queued in the database by trigger, in the same transaction as the change
(see ``index_queue`` in :mod:`.store`). Writing the index empties the queue up to what
was written; opening the library catches up what a crash, or another process, left.

Edits (highlights, notes) are committed to SQLite at once and reach the index on one
background *lane*: a Whoosh commit takes ~0.1 s and, every few commits, a segment merge
~0.5 s, which must not freeze the window. Searches, removals and close wait for what is
queued, so a search always sees the user's latest note.

What goes into the index is :mod:`reader.core.library.index_feed`: an article's document
(:func:`~reader.core.library.index_feed.document_for`) and the writing half of a big
import's feed (:class:`~reader.core.library.index_feed.ImportFeed`). This module decides
when they are written, and under which lock.

The lock story, all of it
-------------------------
Two locks live here, and each guards one thing:

``_writing`` (re-entrant)
    Held while the index is opened, written, rebuilt or closed: one writer at a time,
    whether it is the lane, an import's batch, ``reindex`` or ``remove`` (Whoosh allows
    one writer per index). Searches do not take it.
``_queue`` (a condition)
    Guards the queued article ids and whether the lane is busy. It is held only to read
    or change those, never while writing, so queueing an edit from the window's thread
    never waits for a commit. It is never held while taking ``_writing``.

``index.lock`` (a file, :class:`~reader.core.library.locking.IndexLock`)
    Taken inside ``_writing`` by every writer, in every process: one writer of the index
    per library at a time, and a rebuild's folder swap never happens under another
    process's writer. Each writer waits for it as long as its work deserves (an edit's
    re-index 2 s, then leaves the change queued; ``margin reindex`` 2 minutes, then says
    which pid is busy). Another process's swap is noticed by the folder's inode, and the
    index reopened.

Beneath them, the store has one lock around its one SQLite connection and the
:class:`~reader.core.index.ArticleIndex` serialises its own reader and writer; both are
taken briefly, inside ``_writing`` when at all, and neither calls back up here. Locks are
therefore always taken in the order ``_writing`` → ``index.lock`` → store/index, which
cannot deadlock.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.errors import IndexUnavailable, MarginError
from reader.core.library.index_feed import ImportFeed, document_for, documents_for
from reader.core.library.locking import IndexLock
from reader.core.library.store import Store
from reader.core.model import Annotation, CancelFn, Progress, ProgressFn, SearchResults

if TYPE_CHECKING:
    from reader.core.index import ArticleIndex
    from reader.core.library.backup import CheckReport

DIRTY = "index_dirty"  # the setting that says "rebuild the index from the store"
# How long each kind of writer waits for another process's writer lock (seconds).
LANE_WAIT_S = 2.0  # an edit's re-index: queued in the store meanwhile, so never lost
BATCH_WAIT_S = 30.0  # an import's batch
OPEN_WAIT_S = 10.0  # opening (and catching up); past it the index is opened as it is
REBUILD_WAIT_S = 120.0  # `margin reindex`: past it, a clear "busy" message
# A big import leaves one segment per indexing process; past this many segments they are
# merged in the background when idle (searching 2 segments is as fast as 1, issue 13).
MERGE_ABOVE = 8
log = logging.getLogger(__name__)


class Indexing:
    """The search index of one library, and the lane that feeds it edits."""

    def __init__(self, folder: Path, store: Store, *, read_only: bool = False) -> None:
        self.folder = folder
        self._store = store
        self._read_only = read_only  # a read-only library: search the index as it is
        self._index: ArticleIndex | None = None
        self._opened: tuple[int, int] | None = None  # the folder's identity when opened
        self._writing = threading.RLock()
        self._lock = IndexLock(folder.with_name(folder.name + ".lock"), read_only=read_only)
        self._queue = threading.Condition()
        self._pending: set[int] = set()
        self._lane: threading.Thread | None = None
        self._busy = False
        self._merging: threading.Thread | None = None  # see _merge_when_idle

    # --- opening and closing --------------------------------------------------------------

    def index(self) -> ArticleIndex:
        """The open index, brought up to date with the store first.

        Missing, unreadable or marked dirty: rebuilt. Changes queued by this or another
        process (:meth:`Store.index_queue`) are caught up. Swapped by another process's
        rebuild since it was opened: reopened. When another process holds the writer
        lock for long (a big import's rebuild), the index is opened as it is.
        """
        # Whoosh is imported on first use: `margin list` and `show` never pay for it.
        from reader.core.index import ArticleIndex

        with self._writing:
            if self._index is not None and self._opened != _identity(self.folder):
                self._index.close()  # another process swapped a rebuilt index in
                self._index = None
            if self._index is None and self._read_only:
                if not ArticleIndex.exists(self.folder):
                    raise IndexUnavailable(
                        f"the library at {self.folder.parent} is read-only and has no search "
                        "index yet; reading and listing work, searching does not"
                    )
                self._index, _ = ArticleIndex.open_or_create(self.folder)
                self._opened = _identity(self.folder)
            if self._index is None:
                with self._lock.held(OPEN_WAIT_S) as writer:
                    if not writer and not ArticleIndex.exists(self.folder):
                        raise self._busy_error()
                    index, fresh = ArticleIndex.open_or_create(self.folder)
                    self._index, self._opened = index, _identity(self.folder)
                    if writer and (fresh or self._store.setting(DIRTY, False)):
                        self._rebuild(index)
                    elif writer:
                        self._catch_up(index)
            return self._index

    def close(self) -> None:
        """Finish queued edits (and a segment merge under way), then close the index."""
        self.flush()
        if self._merging is not None:
            self._merging.join()
        with self._writing:
            if self._index is not None:
                with self._lock.held(LANE_WAIT_S) as writer:
                    if writer:
                        with contextlib.suppress(MarginError):
                            self._catch_up(self.index())
                if self._index is not None:
                    self._index.close()
                self._index = None

    def check(self, report: CheckReport, *, repair: bool = False) -> None:
        """Add to ``report`` an index out of step with the store (articles missing, changes
        waiting); with ``repair``, rebuild it."""
        self.flush()
        listed = self._store.count()
        queued = len(self._store.index_queue()[1])
        try:
            indexed = self.index().doc_count()
        except MarginError:
            indexed = -1
        if indexed != listed or queued:
            report.problems.append(
                f"the search index holds {max(indexed, 0)} of {listed} articles"
                + (f" ({queued} changes waiting)" if queued else "")
            )
            if repair:
                self.rebuild()
                report.repaired.append("rebuilt the search index")

    # --- writing --------------------------------------------------------------------------

    def rebuild(
        self, progress: ProgressFn | None = None, cancel: CancelFn | None = None, label: str = ""
    ) -> int:
        """Rebuild the whole index from the store; returns the number of articles."""
        total = self._store.count()

        def report(done: int) -> None:
            if progress:
                progress(Progress(done=done, total=total, current=label or "indexing"))

        with self._writing, self._lock.held(REBUILD_WAIT_S) as writer:
            if not writer:
                raise self._busy_error()
            self._rebuild(self.index(), report, cancel)
        return total

    def _rebuild(
        self,
        index: ArticleIndex,
        progress: Callable[[int], None] | None = None,
        cancel: CancelFn | None = None,
    ) -> None:
        # Read the queue's end first: every change up to it is committed, so the rebuild,
        # which reads the store after, has it. Changes after it stay queued.
        through = self._store.index_queue_end()
        documents = documents_for(self._store, self._store.article_ids())
        if index.rebuild(documents, progress=progress, cancel=cancel):
            self._store.set_setting(DIRTY, False)
            self._store.clear_index_queue(through)
        self._opened = _identity(self.folder)
        self._catch_up(index)

    def _catch_up(self, index: ArticleIndex, also: Iterable[int] = ()) -> None:
        """Write queued changes (and ``also``) to the index, then forget them.

        Called with the writer lock held. An article that is gone or in the Trash
        leaves the index.
        """
        if self._read_only:
            return
        through, queued = self._store.index_queue()
        ids = sorted(set(queued).union(also))
        if not ids:
            return
        documents, gone = [], []
        for article_id in ids:
            document = document_for(self._store, article_id)
            if document is None:
                gone.append(article_id)
            else:
                documents.append(document)
        if documents:
            index.add(documents)
        if gone:
            index.delete(gone)
        self._store.clear_index_queue(through)

    @contextlib.contextmanager
    def feeding(self, procs: int, *, clean: bool = False) -> Iterator[ImportFeed | None]:
        """Index a big import's new articles while it saves them (see
        :mod:`reader.core.library.pipeline`), in ``procs`` processes.

        Holds ``index.lock`` for the import, but not ``_writing``: searches and the
        window go on (an edit's re-index gives up after 2 s and stays queued). The
        feed's segments are committed without a merge; queue rows the feed wrote are
        forgotten, and the rest (updated articles, edits made meanwhile) caught up.
        ``clean``: the index was marked dirty for this import, and is clean after it.
        Yields None when another process writes the index: the articles stay queued.
        """
        from reader.core.index.schema import fields_of

        with self._writing:
            index = self.index()
            got = self._lock.acquire(BATCH_WAIT_S)
            if got:
                self._catch_up(index)  # what was queued before belongs to no feed
        if not got:
            yield None
            return
        try:
            try:
                writer = index.import_writer(procs)
            except IndexUnavailable:
                # Whoosh's own lock is stale or taken: import anyway; the articles stay
                # queued in the store and the next writer indexes them.
                log.exception("the index cannot be written; the import's articles stay queued")
                yield None
                return
            feed = ImportFeed(writer, self._store, fields_of)
            try:
                yield feed
            except BaseException:
                feed.cancel()
                raise
            feed.commit()
            if clean:
                self._store.set_setting(DIRTY, False)
        finally:
            self._lock.release()
        self.add_now([])  # updated articles and edits made meanwhile
        if index.segment_count() > MERGE_ABOVE:
            self._merge_when_idle()

    def _merge_when_idle(self) -> None:
        """Merge the index's segments on a background thread once edits are written."""
        if self._merging is not None and self._merging.is_alive():
            return

        def merge() -> None:
            self.flush()
            # Only ``index.lock``: searches go on meanwhile; an edit waits 2 s, then
            # stays queued for the next writer.
            with self._lock.held(LANE_WAIT_S) as writer:
                if writer and self._index is not None:
                    try:
                        self._index.merge_segments()
                    except MarginError:
                        log.exception("merging the index's segments failed")

        self._merging = threading.Thread(target=merge, name="margin-index-merge", daemon=True)
        self._merging.start()

    def mark_dirty(self) -> None:
        """Say the index is behind the store (a bulk import rebuilds it at the end)."""
        self._store.set_setting(DIRTY, True)

    def add_now(self, ids: Iterable[int], wait: float | None = None) -> None:
        """Index (or re-index) these articles, and whatever else is queued, now.

        When another process holds the writer lock past ``wait`` seconds, nothing is
        lost: the changes stay queued in the store, and the next writer (in any process,
        or the next start) writes them.
        """
        ids = list(ids)
        with self._writing, self._lock.held(BATCH_WAIT_S if wait is None else wait) as writer:
            if writer:
                self._catch_up(self.index(), ids)

    def delete(self, ids: Iterable[int]) -> None:
        """Drop these articles from the index (after queued edits, so none comes back)."""
        ids = list(ids)
        self.flush()
        with self._writing, self._lock.held(BATCH_WAIT_S) as writer:
            if writer:
                index = self.index()
                index.delete(ids)
                self._catch_up(index)

    def _busy_error(self) -> IndexUnavailable:
        holder = self._lock.holder()
        who = f"another Margin process (pid {holder})" if holder else "another Margin process"
        return IndexUnavailable(
            f"{who} is writing the search index of this library; try again when it is done"
        )

    # --- the lane -------------------------------------------------------------------------

    def add_later(self, ids: Iterable[int]) -> None:
        """Queue articles for the background lane (repeats coalesce); returns at once."""
        with self._queue:
            self._pending.update(ids)
            if self._lane is None or not self._lane.is_alive():
                self._lane = threading.Thread(
                    target=self._run_lane, name="margin-index-lane", daemon=True
                )
                self._lane.start()
            self._queue.notify_all()

    def _run_lane(self) -> None:
        while True:
            with self._queue:
                if not self._pending:
                    self._lane = None
                    self._queue.notify_all()
                    return
                ids = sorted(self._pending)
                self._pending.clear()
                self._busy = True
            try:
                # Short: an edit must not wait behind another process's long rebuild; the
                # change is queued in the store and that rebuild's last step picks it up.
                self.add_now(ids, wait=LANE_WAIT_S)
            except Exception:
                # Whatever it is (an index bug, a full disk), the edit is safe in the
                # database and stays queued; it must not become a traceback on stderr.
                log.exception("the index lane could not write; the changes stay queued")
            finally:
                with self._queue:
                    self._busy = False
                    self._queue.notify_all()

    def flush(self) -> None:
        """Wait until queued edits are in the index."""
        with self._queue:
            while self._pending or self._busy:
                self._queue.wait(timeout=1.0)

    # --- reading --------------------------------------------------------------------------

    def search(
        self,
        query: str,
        limit: int,
        text_for: Callable[[int], str],
        annotations_for: Callable[[int], list[Annotation]],
        note_for: Callable[[int], str] | None = None,
    ) -> SearchResults:
        """Search after queued edits are in; an index that went bad is rebuilt once."""
        self.flush()
        sources = {"text_for": text_for, "annotations_for": annotations_for, "note_for": note_for}
        try:
            return self.index().search(query, limit=limit, **sources)
        except IndexUnavailable:
            pass
        # Another process may have swapped a rebuilt index in mid-search: reopen and
        # retry. Only files that still cannot be read are removed and rebuilt, and only
        # under the writer lock, so no other process's index is ever removed.
        self._reopen()
        try:
            return self.index().search(query, limit=limit, **sources)
        except IndexUnavailable:
            with self._writing, self._lock.held(REBUILD_WAIT_S) as writer:
                if not writer:
                    raise self._busy_error() from None
                self._reopen()
                from reader.core.index import ArticleIndex

                ArticleIndex.destroy(self.folder)
                return self.index().search(query, limit=limit, **sources)

    def _reopen(self) -> None:
        with self._writing:
            if self._index is not None:
                self._index.close()
            self._index = None


def _identity(folder: Path) -> tuple[int, int]:
    """What tells "the same index folder" from "another process swapped one in"."""
    try:
        info = folder.stat()
    except OSError:
        return (0, 0)
    return (info.st_dev, info.st_ino)
