"""The Trash, and deleting articles for good.

An article moved to the Trash keeps its row, its highlights and its notes, with the time
it was trashed: the list, the filters and search leave it out until it is restored.
Importing it again restores it (the user wants it back). It is deleted for good when
the Trash is emptied, or 30 days after it was trashed, checked when a library opens.

Deleting for good removes the row (its highlights, notes and citations go with it, by
foreign key), the images no other article shows, the cached anchors and the index
entry. Queued index work is finished first, so a queued re-index cannot bring a
trashed or deleted article back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from reader.core.errors import NotFound
from reader.core.library.annotations import Annotations
from reader.core.library.images import Images
from reader.core.library.indexing import Indexing
from reader.core.library.store import Store
from reader.core.model import ArticleSummary, now_iso

TRASH_DAYS = 30  # an article in the Trash is deleted for good after this many days


class Trash:
    """Moving articles to the Trash, back, and out of the library."""

    def __init__(
        self, store: Store, indexing: Indexing, annotations: Annotations, images: Images
    ) -> None:
        self._store = store
        self._indexing = indexing
        self._annotations = annotations
        self._images = images

    def move(self, ids: Iterable[int]) -> int:
        """Move articles to the Trash; returns how many moved."""
        ids = self._known(ids)
        self._indexing.flush()
        with self._store.transaction() as conn:
            moved = self._store.set_trashed(conn, ids, now_iso())
        self._indexing.delete(ids)
        return moved

    def restore(self, ids: Iterable[int]) -> int:
        """Bring articles back from the Trash; returns how many came back."""
        ids = self._known(ids)
        with self._store.transaction() as conn:
            restored = self._store.set_trashed(conn, ids, "")
        self._indexing.add_later(ids)
        return restored

    def restore_reimported(self, ids: Iterable[int | None]) -> None:
        """Articles imported again come back out of the Trash."""
        trashed = set(self._store.trashed_ids()).intersection(i for i in ids if i is not None)
        if trashed:
            self.restore(sorted(trashed))

    def is_listed(self, article_id: int) -> bool:
        """The article exists and is not in the Trash."""
        return self._store.has_article(article_id) and not self._store.is_trashed(article_id)

    def listed(self) -> list[ArticleSummary]:
        """The articles in the Trash, most recently trashed first."""
        return self._store.summaries(None, trashed=True, sort="trashed")

    def empty(self, *, older_than_days: float | None = None) -> int:
        """Delete articles in the Trash for good (only those trashed long enough ago)."""
        before = None
        if older_than_days is not None:
            cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=older_than_days)
            before = cutoff.isoformat(timespec="seconds")
        ids = self._store.trashed_ids(before)
        return self.delete(ids) if ids else 0

    def delete(self, ids: Iterable[int]) -> int:
        """Delete articles with their highlights and notes for good; returns how many."""
        ids = list(ids)
        self._indexing.flush()  # a queued re-index must not bring a removed article back
        self._known(ids)  # NotFound before anything is deleted
        images = self._images.hashes_of(ids)
        with self._store.transaction() as conn:
            removed = self._store.delete_articles(conn, ids)
        self._images.discard_unused(images)  # those no other article shows
        self._annotations.forget(ids)
        self._indexing.delete(ids)
        return removed

    def _known(self, ids: Iterable[int]) -> list[int]:
        ids = list(ids)
        for article_id in ids:
            if not self._store.has_article(article_id):
                raise NotFound(f"no article with id {article_id}")
        return ids
