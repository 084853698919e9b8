"""Exporting many articles from the window: off the UI thread, with progress and cancel.

A thin QRunnable around :meth:`reader.core.library.Library.export_articles`, the same method
``margin export --all`` calls. The progress dialog appears only for work longer than
half a second, like the import's.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from reader.core.library import Library

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 500


class _Signals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)  # list[Path]
    failed = Signal(str)


class ExportWorker(QRunnable):
    """Writes one Markdown file per article into ``folder``; never touches widgets."""

    def __init__(self, library: Library, ids: list[int], folder: str | Path) -> None:
        super().__init__()
        self.library = library
        self.ids = ids
        self.folder = folder
        self.signals = _Signals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            written = self.library.export_articles(
                self.ids,
                "markdown",
                self.folder,
                progress=lambda p: self.signals.progress.emit(p.done, p.total),
                cancel=self._cancel.is_set,
            )
        except Exception as exc:
            log.exception("export failed")
            self.signals.failed.emit(str(exc) or exc.__class__.__name__)
            return
        self.signals.finished.emit(written)


class ExportController(QObject):
    """Runs exports for the main window.

    Signals:
        finished(object): the list of paths written.
        failed(str): why the export stopped.
    """

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, library: Library, parent: QWidget, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.window = parent
        self.pool = pool or QThreadPool.globalInstance()
        self.worker: ExportWorker | None = None
        self.dialog: QProgressDialog | None = None

    @property
    def busy(self) -> bool:
        return self.worker is not None

    def start(self, folder: str | Path) -> bool:
        if self.busy:
            return False
        ids = self.library.article_ids()
        worker = ExportWorker(self.library, ids, folder)
        dialog = QProgressDialog(
            "Exporting highlights…", "Cancel", 0, max(1, len(ids)), self.window
        )
        dialog.setObjectName("exportProgress")
        dialog.setAccessibleName("Export progress")
        dialog.setWindowTitle("Exporting")
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        dialog.canceled.connect(worker.cancel)
        worker.signals.progress.connect(self._on_progress)
        worker.signals.finished.connect(self._on_finished)
        worker.signals.failed.connect(self._on_failed)
        self.worker, self.dialog = worker, dialog
        self.pool.start(worker)
        return True

    def _on_progress(self, done: int, total: int) -> None:
        if self.dialog is not None:
            self.dialog.setMaximum(max(1, total))
            self.dialog.setValue(done)

    def _done(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.worker = None
        self.dialog = None

    def _on_finished(self, written: list[Path]) -> None:
        self._done()
        self.finished.emit(written)

    def _on_failed(self, message: str) -> None:
        self._done()
        self.failed.emit(message)
