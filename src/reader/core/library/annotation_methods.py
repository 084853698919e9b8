"""The :class:`~reader.core.library.Library` methods for highlights and notes.

Each hands the work to :class:`~reader.core.library.annotations.Annotations` (create,
edit, delete as a tombstone, re-anchor on a changed text, merge from elsewhere); the
CLI and the window call them on the facade, like its other methods.
"""

from __future__ import annotations

from collections.abc import Sequence

from reader.core.library.folder import LibraryFolder
from reader.core.model import AnchoredAnnotations, Annotation


class AnnotationMethods(LibraryFolder):
    """The facade's highlight and note methods (see :class:`~reader.core.library.Library`)."""

    def annotations(self, article_id: int, *, include_removed: bool = False) -> list[Annotation]:
        """The article's highlights in text order (deleted ones too, when asked)."""
        return self._annotations.list(article_id, include_removed=include_removed)

    def annotations_for(self, article_id: int) -> AnchoredAnnotations:
        """Highlights placed on the article's current text, and the orphans.

        Anchored once per article and kept up to date by the edits below, so asking
        again after each click costs a copy, not a pass over the text.
        """
        return self._annotations.anchored(article_id)

    anchored_annotations = annotations_for  # the name the window and CLI first used

    def annotation(self, uuid: str) -> Annotation:
        """One highlight by uuid (deleted ones too); :class:`NotFound` when unknown."""
        return self._annotations.get(uuid)

    def find_annotation(self, uuid: str) -> Annotation | None:
        """One highlight by uuid, or None."""
        return self._annotations.find(uuid)

    def add_highlight(
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
        return self._annotations.add(article_id, start, end, color=color, note=note, tags=tags)

    def add_highlight_by_quote(
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
        """Highlight a quoted passage; ``prefix``/``suffix`` pick one of several."""
        return self._annotations.add_by_quote(
            article_id, exact, prefix=prefix, suffix=suffix, color=color, note=note, tags=tags
        )

    def save_annotation(self, annotation: Annotation) -> None:
        """Insert or replace a highlight (edits, undo/redo, imports)."""
        self._annotations.save(annotation)

    def update_annotation(
        self,
        uuid: str,
        *,
        color: str | None = None,
        note: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> Annotation:
        """Change a highlight's colour, note or tags."""
        return self._annotations.update(uuid, color=color, note=note, tags=tags)

    def remove_annotation(self, uuid: str) -> Annotation:
        """Delete a highlight (kept as a tombstone so merges don't bring it back)."""
        return self._annotations.remove(uuid)

    def accept_new_text(self, uuid: str) -> Annotation:
        """A highlight whose words changed in a re-import takes the new words."""
        return self._annotations.accept_new_text(uuid)

    def keep_old_text(self, uuid: str) -> Annotation:
        """A highlight whose words changed keeps the old ones (listed as not found)."""
        return self._annotations.keep_old_text(uuid)

    def merge_annotation(self, incoming: Annotation) -> bool:
        """Take a highlight from a file or another device if it is newer than ours."""
        return self._annotations.merge(incoming)

    def article_note(self, article_id: int) -> str:
        """The article's own note (Markdown)."""
        return self._annotations.article_note(article_id)

    def set_article_note(self, article_id: int, note: str) -> None:
        """Replace the article's note."""
        self._annotations.set_article_note(article_id, note)
