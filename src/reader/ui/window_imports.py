"""The window's ways in for files: File ▸ Import…, the sample articles and files dropped
on the window, and what the window shows while an import runs.

The import itself (worker, progress, cancel, summary) is the window's
:class:`~reader.ui.importing.ImportController`; this module decides what to hand it and
reacts to its outcome in the rest of the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog

from reader.core.model import ImportOptions, ImportReport
from reader.ui.importing import summary_line
from reader.ui.message_boxes import warn

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

IMPORT_FILTER = (
    "Articles (*.json *.xml *.nxml *.wxr *.html *.htm *.xhtml *.md *.markdown *.txt *.zip)"
    ";;All files (*)"
)


def local_paths(event: QDragEnterEvent | QDropEvent) -> list[str]:
    """The local files and folders a drag carries (none for text, web links…)."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]


class WindowImports:
    """Starts imports from the window's menus and drops; one import at a time."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def choose_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self._window, "Import Articles", "", IMPORT_FILTER
        )
        if paths:
            self.start(paths)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self._window, "Import a Folder of Articles")
        if folder:
            self.start([folder])

    def add_sample(self) -> None:
        from reader.core import sample

        files = sample.sample_files() if hasattr(sample, "sample_files") else []
        if not files:
            self._window.statusBar().showMessage("The sample articles are not installed.", 5000)
            return
        self.start(files, title="Adding the sample articles")

    def start(self, paths: Sequence[str | Path], *, title: str = "Importing articles") -> bool:
        """Import ``paths``; False (with a status message) while another import runs."""
        importer = self._window.importer
        if importer.busy:
            self._window.statusBar().showMessage("An import is already running.", 4000)
            return False
        options = ImportOptions(include_drafts=self._window.settings.import_drafts)
        return importer.start(paths, title=title, options=options)

    # --- drag and drop ---------------------------------------------------------------------

    def drag_enter(self, event: QDragEnterEvent) -> None:
        if local_paths(event) and not self._window.importer.busy:
            event.acceptProposedAction()
        else:
            event.ignore()

    def drop(self, event: QDropEvent) -> None:
        paths = local_paths(event)
        if paths and self.start(paths):
            event.acceptProposedAction()
        else:
            event.ignore()

    # --- while an import runs --------------------------------------------------------------

    def _enable_actions(self, enabled: bool) -> None:
        w = self._window
        for action in (w.action_import_files, w.action_import_folder, w.action_add_sample):
            action.setEnabled(enabled)

    def on_started(self) -> None:
        self._enable_actions(False)
        self._window.statusBar().showMessage("Importing…")

    def on_finished(self, report: ImportReport) -> None:
        """Every panel reloads what the import touched; the new article is shown."""
        w = self._window
        self._enable_actions(True)
        touched = [r.article_id for r in report.results if r.article_id is not None]
        w.events.article_ids_changed(touched)
        w.statusBar().showMessage(summary_line(report), 8000)
        w.navigator.show_imported(report)

    def on_failed(self, message: str) -> None:
        w = self._window
        self._enable_actions(True)
        # Part of the batch may be in: everything may have changed.
        w.events.anything_changed()
        warn(w, "Import stopped", f"The import stopped: {message}")
