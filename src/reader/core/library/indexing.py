"""The search index's life: open or rebuild it, feed it, and the lane that keeps edits off
the window's thread.

The index is derived data. The database is the record; the index is rebuilt from it
when it is missing, unreadable, or "dirty": the ``index_dirty`` setting is set before
the index is written and cleared after the write commits, so a crash in between is
noticed at the next open.

Edits (highlights, notes) are committed to SQLite at once and reach the index on one
background *lane*: a Whoosh commit takes ~0.1 s and, every few commits, a segment merge
~0.5 s, which must not freeze the window. Searches, removals and close wait for what is
queued, so a search always sees the user's latest note.

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

Beneath them, the store has one lock around its one SQLite connection and the
:class:`~reader.core.index.ArticleIndex` serialises its own reader and writer; both are
taken briefly, inside ``_writing`` when at all, and neither calls back up here. Locks are
therefore always taken in the order ``_writing`` → store/index, which cannot deadlock.
(Two Margin processes on one library are kept apart by Whoosh's file lock: the second
writer gets :class:`~reader.core.errors.IndexUnavailable` with a message.)
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from reader.core.errors import IndexUnavailable, MarginError
from reader.core.index import ArticleIndex
from reader.core.library.store import Store
from reader.core.model import (
    Annotation,
    CancelFn,
    IndexDocument,
    Progress,
    ProgressFn,
    SearchResults,
)

DIRTY = "index_dirty"  # the setting that says "the index may be missing an edit"


class Indexing:
    """The search index of one library, and the lane that feeds it edits."""

    def __init__(self, folder: Path, store: Store) -> None:
        self.folder = folder
        self._store = store
        self._index: ArticleIndex | None = None
        self._writing = threading.RLock()
        self._queue = threading.Condition()
        self._pending: set[int] = set()
        self._lane: threading.Thread | None = None
        self._busy = False

    # --- opening and closing --------------------------------------------------------------

    def index(self) -> ArticleIndex:
        """The open index, rebuilt from the store first if it is missing, unreadable or dirty."""
        with self._writing:
            if self._index is None:
                index, fresh = ArticleIndex.open_or_create(self.folder)
                self._index = index
                if fresh or self._store.setting(DIRTY, False):
                    self._rebuild(index)
            return self._index

    def close(self) -> None:
        """Finish queued edits, then close the index files."""
        self.flush()
        with self._writing:
            if self._index is not None:
                self._index.close()
                self._index = None

    # --- writing --------------------------------------------------------------------------

    def rebuild(
        self, progress: ProgressFn | None = None, cancel: CancelFn | None = None, label: str = ""
    ) -> int:
        """Rebuild the whole index from the store; returns the number of articles."""
        total = self._store.count()

        def report(done: int) -> None:
            if progress:
                progress(Progress(done=done, total=total, current=label or "indexing"))

        with self._writing:
            self._rebuild(self.index(), report, cancel)
        return total

    def _rebuild(
        self,
        index: ArticleIndex,
        progress: Callable[[int], None] | None = None,
        cancel: CancelFn | None = None,
    ) -> None:
        documents = _documents(self._store, self._store.article_ids())
        if index.rebuild(documents, progress=progress, cancel=cancel):
            self._store.set_setting(DIRTY, False)

    def mark_dirty(self) -> None:
        """Say the index is behind the store (a bulk import rebuilds it at the end)."""
        self._store.set_setting(DIRTY, True)

    def add_now(self, ids: Iterable[int]) -> None:
        """Index (or re-index) these articles before returning."""
        ids = list(ids)
        if not ids:
            return
        with self._writing:
            index = self.index()
            self.mark_dirty()
            index.add(_documents(self._store, ids))
            self._store.set_setting(DIRTY, False)

    def delete(self, ids: Iterable[int]) -> None:
        """Drop these articles from the index (after queued edits, so none comes back)."""
        ids = list(ids)
        self.flush()
        with self._writing:
            self.index().delete(ids)

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
                self.add_now(ids)
            except MarginError:
                # Derived data: mark it for a rebuild rather than lose the edit's search.
                self.mark_dirty()
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
            # The index files went bad while we were running: rebuild, then retry once.
            with self._writing:
                if self._index is not None:
                    self._index.close()
                self._index = None
                ArticleIndex.destroy(self.folder)
            return self.index().search(query, limit=limit, **sources)


def _documents(store: Store, ids: Iterable[int]) -> Iterator[IndexDocument]:
    # Articles removed meanwhile are simply not there any more.
    for article_id in ids:
        document = document_for(store, article_id)
        if document is not None:
            yield document


def document_for(store: Store, article_id: int) -> IndexDocument | None:
    """Everything the index holds for one article: its text, notes and highlights."""
    article = store.article(article_id)
    if article is None or store.is_trashed(article_id):  # search leaves the Trash out
        return None
    notes = [store.article_note(article_id)]
    highlights = []
    highlight_tags: list[str] = []
    for annotation in store.annotations(article_id):
        highlights.append(annotation.quote.exact)
        if annotation.note:
            notes.append(annotation.note)
        notes.extend(annotation.tags)
        highlight_tags.extend(annotation.tags)
    return IndexDocument(
        article_id=article.id,
        title=article.title,
        body=article.text,
        authors=article.authors,
        site_name=article.site_name,
        tags=article.tags,
        categories=article.categories,
        published=_parse_iso(article.published),
        source_format=article.source_format,
        url=article.url,
        notes="\n\n".join(n for n in notes if n),
        highlights="\n\n".join(highlights),
        highlight_tags=highlight_tags,
        cites=store.citation_keys_of(article_id),
    )


def _parse_iso(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None
