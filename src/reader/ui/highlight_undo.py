"""Undo and redo of highlight changes: one :class:`QUndoCommand` per change.

A change is committed to the library *before* its command is pushed (so what the user
sees as saved is saved); the command only remembers the whole annotation before and
after, and undo/redo write one of those states back through the controller, which
saves it with a fresh ``modified`` time so merges treat it as an edit.
"""

from __future__ import annotations

import copy
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from reader.core.model import Annotation


def snapshot(annotation: Annotation) -> Annotation:
    """A copy that later edits of ``annotation`` (its tags list included) cannot change."""
    return copy.deepcopy(annotation)


class AnnotationWriter(Protocol):
    """What undo and redo ask of the controller: save a state, or remove a highlight."""

    def commit_state(self, state: Annotation) -> None: ...

    def commit_removal(self, uuid: str, article_id: int) -> None: ...


class AnnotationCommand(QUndoCommand):
    """One change to one annotation: the state before and the state after.

    The change is already committed when the command is pushed (``applied``), so the
    first ``redo()`` that QUndoStack.push() makes does nothing.
    """

    def __init__(
        self,
        writer: AnnotationWriter,
        text: str,
        before: Annotation,
        after: Annotation,
        *,
        delete: bool = False,
    ) -> None:
        super().__init__(text)
        self._writer = writer
        self._before = snapshot(before)
        self._after = snapshot(after)
        self._delete = delete
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        if self._delete:
            self._writer.commit_removal(self._after.uuid, self._after.article_id)
        else:
            self._writer.commit_state(self._after)

    def undo(self) -> None:
        self._writer.commit_state(self._before)
