"""Highlights and notes: create, edit, remove, merge, and anchor them on the text.

Every change commits to the database before the call returns and queues the article
for the index lane (see :mod:`reader.core.library.indexing`).

Anchoring is done once per article and then kept up to date. Finding where each
highlight falls on an article's current text reads the text and normalises it, which
at a few hundred highlights costs more than the edit itself; the window asks for the
anchored set after every click. So :meth:`Annotations.anchored` computes the set the
first time an article is asked for and keeps it (for a few recent articles); an edit
updates the one highlight it touched (a colour, note or tag change keeps its place; a
new highlight is anchored alone) and a re-import that changes the text forgets the
article, so the next request anchors afresh.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from sqlite3 import Connection

from reader.core.errors import MarginError, NotFound
from reader.core.library.store import Store
from reader.core.model import (
    AnchoredAnnotations,
    Annotation,
    TextPositionSelector,
    TextQuoteSelector,
    now_iso,
)

# anchoring, annotations_merge and uuid are imported by the methods that use them: a
# command that only searches or lists opens a Library without placing any highlight,
# and pays nothing for them at start-up (issue 13).

CACHED_ARTICLES = 16  # anchored sets kept: the open article and the ones just visited


@dataclass(slots=True)
class _Anchors:
    """One article's anchored highlights, keyed by uuid (the cache entry)."""

    text: str
    anchored: dict[str, tuple[Annotation, int, int]] = field(default_factory=dict)
    orphans: dict[str, Annotation] = field(default_factory=dict)
    changed: dict[str, str] = field(default_factory=dict)  # uuid → the words it covers now

    def note_change(self, annotation: Annotation, start: int, end: int, fuzzy: bool) -> None:
        """Remember a highlight whose words moved under it (a fuzzy re-anchor)."""
        self.changed.pop(annotation.uuid, None)
        now = self.text[start:end]
        if fuzzy and _words(now) != _words(annotation.quote.exact):
            self.changed[annotation.uuid] = now


class Annotations:
    """The highlights and notes of one library."""

    def __init__(self, store: Store, changed: Callable[[Iterable[int]], None]) -> None:
        self._store = store
        self._changed = changed  # called with article ids whose annotations changed
        self._cache: OrderedDict[int, _Anchors] = OrderedDict()
        # Guards the cache only (never held while reading the store or anchoring). An
        # import on a worker thread forgets articles while the window reads them; the
        # generation counter stops a set computed from the old text from being kept.
        self._cache_lock = threading.Lock()
        self._generation: dict[int, int] = {}

    # --- reading --------------------------------------------------------------------------

    def list(self, article_id: int, *, include_removed: bool = False) -> list[Annotation]:
        """The article's highlights in text order (tombstones too, when asked)."""
        return self._store.annotations(article_id, include_removed=include_removed)

    def find(self, uuid: str) -> Annotation | None:
        """The highlight with this uuid, deleted or not, or None."""
        return self._store.annotation(uuid)

    def get(self, uuid: str) -> Annotation:
        """The highlight with this uuid; :class:`NotFound` when there is none."""
        annotation = self._store.annotation(uuid)
        if annotation is None:
            raise NotFound(f"no highlight {uuid}")
        return annotation

    def anchored(self, article_id: int) -> AnchoredAnnotations:
        """Highlights placed on the article's current text (anchored once, then kept)."""
        anchors = self._anchors(article_id)
        with self._cache_lock:
            placed = sorted(anchors.anchored.values(), key=lambda item: (item[1], item[2]))
            return AnchoredAnnotations(
                anchored=[(_copy(a), start, end) for a, start, end in placed],
                orphans=[_copy(a) for a in anchors.orphans.values()],
                changed=dict(anchors.changed),
            )

    def _anchors(self, article_id: int) -> _Anchors:
        with self._cache_lock:
            cached = self._cache.get(article_id)
            if cached is not None:
                self._cache.move_to_end(article_id)
                return cached
            generation = self._generation.get(article_id, 0)
        text = self._text(article_id)
        orphan_ids = self._store.orphan_uuids(article_id)
        current = self._store.annotations(article_id)
        anchors = _Anchors(text)
        anchors.orphans = {a.uuid: a for a in current if a.uuid in orphan_ids}
        # One pass over the text for all of them: the text is normalised once.
        from reader.core import anchoring

        placed, lost = anchoring.reanchor_all(
            text, [a for a in current if a.uuid not in orphan_ids]
        )
        anchors.anchored = {a.uuid: (a, found.start, found.end) for a, found in placed}
        for a, found in placed:
            anchors.note_change(a, found.start, found.end, found.method == "fuzzy")
        anchors.orphans.update((a.uuid, a) for a in lost)
        with self._cache_lock:
            if self._generation.get(article_id, 0) == generation:
                self._cache[article_id] = anchors
                while len(self._cache) > CACHED_ARTICLES:
                    self._cache.popitem(last=False)
        return anchors

    def _text(self, article_id: int) -> str:
        with self._cache_lock:
            cached = self._cache.get(article_id)
            if cached is not None:
                return cached.text
        if not self._store.has_article(article_id):
            raise NotFound(f"no article with id {article_id}")
        return self._store.article_text(article_id)

    # --- creating and editing ------------------------------------------------------------

    def add(
        self,
        article_id: int,
        start: int,
        end: int,
        *,
        color: str = "yellow",
        note: str = "",
        tags: Sequence[str] = (),
    ) -> Annotation:
        """Highlight ``text[start:end]`` of the article; committed before it returns."""
        text = self._text(article_id)
        if not (0 <= start < end <= len(text)):
            raise MarginError(f"selection {start}-{end} is outside the article's text")
        from reader.core import anchoring

        quote, position = anchoring.make_selectors(text, start, end)
        return self._new(article_id, quote, position, color, note, tags)

    def add_by_quote(
        self,
        article_id: int,
        exact: str,
        *,
        prefix: str = "",
        suffix: str = "",
        color: str = "yellow",
        note: str = "",
        tags: Sequence[str] = (),
    ) -> Annotation:
        """Highlight a quoted passage (whitespace and typography may differ)."""
        from reader.core import anchoring

        quote, position = anchoring.selectors_for_quote(
            self._text(article_id), exact, prefix, suffix, article_id=article_id
        )
        return self._new(article_id, quote, position, color, note, tags)

    def _new(
        self,
        article_id: int,
        quote: TextQuoteSelector,
        position: TextPositionSelector,
        color: str,
        note: str,
        tags: Sequence[str],
    ) -> Annotation:
        import uuid as uuidlib

        stamp = now_iso()
        annotation = Annotation(
            uuid=str(uuidlib.uuid4()),
            article_id=article_id,
            quote=quote,
            position=position,
            color=color,
            note=note,
            tags=list(tags),
            created=stamp,
            modified=stamp,
        )
        self.save(annotation)
        return annotation

    def save(self, annotation: Annotation) -> None:
        """Insert or replace a highlight (edits, undo/redo, imports), then reindex."""
        orphan = self._place(annotation)
        try:
            with self._store.transaction() as conn:
                self._store.save_annotation(conn, annotation, orphan=orphan)
        except BaseException:
            self.forget([annotation.article_id])  # the cache must not keep what failed
            raise
        self._changed([annotation.article_id])

    def _place(self, annotation: Annotation) -> bool | None:
        """Update the cached anchored set for one saved highlight; True when it is an
        orphan, None when the article is not cached (the stored flag is kept)."""
        with self._cache_lock:
            anchors = self._cache.get(annotation.article_id)
            if anchors is None:
                return None
            before = anchors.anchored.pop(annotation.uuid, None)
            orphan_before = anchors.orphans.pop(annotation.uuid, None)
            if annotation.removed:
                anchors.changed.pop(annotation.uuid, None)
                return orphan_before is not None
            kept = _copy(annotation)
            if before is not None and before[0].quote == annotation.quote:
                # A colour, note or tag change: the passage has not moved.
                anchors.anchored[annotation.uuid] = (kept, before[1], before[2])
                return False
            anchors.changed.pop(annotation.uuid, None)
            if orphan_before is not None and orphan_before.quote == annotation.quote:
                anchors.orphans[annotation.uuid] = kept
                return True
            from reader.core import anchoring

            found = anchoring.anchor(anchors.text, annotation.quote, annotation.position)
            if found is None:
                anchors.orphans[annotation.uuid] = kept
                return True
            anchors.anchored[annotation.uuid] = (kept, found.start, found.end)
            anchors.note_change(kept, found.start, found.end, found.method == "fuzzy")
            return False

    def update(
        self,
        uuid: str,
        *,
        color: str | None = None,
        note: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> Annotation:
        """Change a highlight's colour, note or tags."""
        annotation = self.get(uuid)
        if annotation.removed:
            raise NotFound(f"no highlight {uuid}")
        if color is not None:
            annotation.color = color
        if note is not None:
            annotation.note = note
        if tags is not None:
            annotation.tags = list(tags)
        annotation.modified = now_iso()
        self.save(annotation)
        return annotation

    def remove(self, uuid: str) -> Annotation:
        """Delete a highlight (kept as a tombstone so merges don't bring it back)."""
        annotation = self.get(uuid)
        annotation.removed = True
        annotation.modified = now_iso()
        self.save(annotation)
        return annotation

    def merge(self, incoming: Annotation) -> bool:
        """Take a highlight from elsewhere (a W3C file, a backup) if it is newer than ours.

        Matched by uuid; the newest edit wins, compared as instants, and a tombstone
        wins a tie. One without a usable position is placed by its quote (or at 0-0, an
        orphan, when the quote is not in the text). Returns whether it was taken.
        """
        existing = self._store.annotation(incoming.uuid)
        from reader.core.annotations_merge import merge_annotations

        if existing is not None and merge_annotations([existing], [incoming])[0] is existing:
            return False
        if incoming.position.start < 0:
            from reader.core import anchoring

            found = anchoring.anchor(self._text(incoming.article_id), incoming.quote, None)
            start, end = (found.start, found.end) if found is not None else (0, 0)
            incoming.position = TextPositionSelector(start, end)
        self.save(incoming)
        return True

    # --- when the words under a highlight changed ----------------------------------------

    def accept_new_text(self, uuid: str) -> Annotation:
        """The highlight takes the words it now covers (after the article's text changed)."""
        annotation = self.get(uuid)
        anchors = self._anchors(annotation.article_id)
        placed = anchors.anchored.get(uuid)
        if placed is None:
            raise NotFound(f"highlight {uuid} is not on the article's current text")
        from reader.core import anchoring

        annotation.quote, annotation.position = anchoring.make_selectors(
            anchors.text, placed[1], placed[2]
        )
        annotation.modified = now_iso()
        self.save(annotation)
        return annotation

    def keep_old_text(self, uuid: str) -> Annotation:
        """The highlight keeps the words the user chose and lets go of the changed text:
        it is listed with the passages not found in the current text."""
        annotation = self.get(uuid)
        annotation.modified = now_iso()
        with self._store.transaction() as conn:
            self._store.save_annotation(conn, annotation, orphan=True)
        self.forget([annotation.article_id])
        self._changed([annotation.article_id])
        return annotation

    # --- article notes --------------------------------------------------------------------

    def article_note(self, article_id: int) -> str:
        """The article's own note (Markdown)."""
        self._text(article_id)  # NotFound for an unknown article
        return self._store.article_note(article_id)

    def set_article_note(self, article_id: int, note: str) -> None:
        """Replace the article's note; committed before it returns."""
        self._text(article_id)
        self._store.set_article_note(article_id, note)
        self._changed([article_id])

    # --- when the text changes ------------------------------------------------------------

    def reanchor(self, conn: Connection, article_id: int, new_text: str) -> None:
        """Move highlights onto an article's new text (inside an import's transaction);
        those that cannot be found become orphans."""
        current = self._store.annotations(article_id)
        from reader.core import anchoring

        anchored, orphans = anchoring.reanchor_all(new_text, current)
        for annotation, _anchor in anchored:
            self._store.save_annotation(conn, annotation, orphan=False)
        for annotation in orphans:
            self._store.save_annotation(conn, annotation, orphan=True)
        self.forget([article_id])

    def forget(self, article_ids: Iterable[int]) -> None:
        """Drop cached anchors (the text changed, or the article was removed)."""
        with self._cache_lock:
            for article_id in article_ids:
                self._cache.pop(article_id, None)
                self._generation[article_id] = self._generation.get(article_id, 0) + 1


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def _copy(annotation: Annotation) -> Annotation:
    """A copy callers may change without changing the cached one."""
    return dataclasses.replace(
        annotation,
        quote=dataclasses.replace(annotation.quote),
        position=dataclasses.replace(annotation.position),
        tags=list(annotation.tags),
    )
