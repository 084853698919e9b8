"""Importing from the window: a worker off the UI thread, progress, cancel, a summary.

The worker is a thin QRunnable around ``Library.import_paths`` (pure core code): it
passes ``progress`` and ``cancel`` callables and emits one signal with the report or
the error. The progress dialog only appears for work longer than half a second, so a
single dropped file never flashes a window.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import Library, Progress
from reader.core.model import ImportOptions, ImportReport, ImportStatus

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 500


class _WorkerSignals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)  # ImportReport
    failed = Signal(str)


class ImportWorker(QRunnable):
    """Runs ``library.import_paths`` on a pool thread; never touches widgets."""

    def __init__(
        self, library: Library, paths: Sequence[str | Path], options: ImportOptions | None = None
    ) -> None:
        super().__init__()
        self.library = library
        self.paths = [str(p) for p in paths]
        self.options = options or ImportOptions()
        self.signals = _WorkerSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, p: Progress) -> None:
        self.signals.progress.emit(p.done, p.total, p.current)

    def run(self) -> None:
        try:
            report = self.library.import_paths(
                self.paths, self.options, progress=self._progress, cancel=self._cancel.is_set
            )
        except Exception as exc:
            log.exception("import failed")
            self.signals.failed.emit(str(exc) or exc.__class__.__name__)
            return
        self.signals.finished.emit(report)


def summary_line(report: ImportReport) -> str:
    parts = []
    for status, word in (
        (ImportStatus.ADDED, "added"),
        (ImportStatus.UPDATED, "updated"),
        (ImportStatus.UNCHANGED, "already in the library"),
        (ImportStatus.SKIPPED, "skipped"),
        (ImportStatus.FAILED, "failed"),
    ):
        n = report.count(status)
        if n:
            parts.append(f"{n} {word}")
    text = ", ".join(parts) if parts else "Nothing to import"
    return text + (" (cancelled)" if report.cancelled else "")


class ImportSummaryDialog(QDialog):
    """What an import did: every article added or updated, every skip and failure with why."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importSummary")
        self.setWindowTitle("Import cancelled" if report.cancelled else "Import finished")
        self.setAccessibleName("Import summary")
        self.resize(720, 420)
        self.report = report
        headline = QLabel(summary_line(report), self)
        headline.setObjectName("importHeadline")
        headline.setAccessibleName("Import result")
        font = headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        headline.setFont(font)
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName("Imported files")
        self.tree.setHeaderLabels(["Result", "Article or reason", "File"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        order = {
            ImportStatus.FAILED: 0,
            ImportStatus.SKIPPED: 1,
            ImportStatus.ADDED: 2,
            ImportStatus.UPDATED: 3,
            ImportStatus.UNCHANGED: 4,
        }
        for r in sorted(report.results, key=lambda r: order.get(r.status, 9)):
            detail = (
                r.message if r.status in (ImportStatus.FAILED, ImportStatus.SKIPPED) else r.title
            )
            item = QTreeWidgetItem([r.status.value.capitalize(), detail, Path(r.source).name])
            item.setToolTip(1, detail)
            item.setToolTip(2, r.source)
            if r.status is ImportStatus.FAILED:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
            self.tree.addTopLevelItem(item)
        self.tree.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(headline)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)


class ImportController(QObject):
    """Starts imports on the pool, shows delayed progress with Cancel, then a summary.

    Signals:
        started(): an import began (disable the import actions).
        finished(object): ImportReport (refresh the list); also after a cancel.
        failed(str): the import stopped with an unexpected error.
    """

    started = Signal()
    finished = Signal(object)
    failed = Signal(str)

    def __init__(
        self, library: Library, parent_widget: QWidget, pool: QThreadPool | None = None
    ) -> None:
        super().__init__(parent_widget)
        self._library = library
        self._parent = parent_widget
        self.pool = pool or QThreadPool.globalInstance()
        self.worker: ImportWorker | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.summary_dialog: ImportSummaryDialog | None = None
        self.show_summary = True

    @property
    def busy(self) -> bool:
        return self.worker is not None

    def start(self, paths: Sequence[str | Path], *, title: str = "Importing articles") -> bool:
        if self.worker is not None or not paths:
            return False
        worker = ImportWorker(self._library, paths)
        worker.setAutoDelete(False)  # we keep it to cancel it and read its state
        worker.signals.progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        worker.signals.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        worker.signals.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self.worker = worker
        dialog = QProgressDialog(title + "…", "Cancel", 0, 0, self._parent)
        dialog.setObjectName("importProgress")
        dialog.setWindowTitle(title)
        dialog.setAccessibleName("Import progress")
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.canceled.connect(self.cancel)
        dialog.setValue(0)
        self.progress_dialog = dialog
        self.started.emit()
        self.pool.start(worker)
        return True

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            if self.progress_dialog is not None:
                self.progress_dialog.setLabelText("Cancelling after the current file…")

    def _on_progress(self, done: int, total: int, current: str) -> None:
        dialog = self.progress_dialog
        if dialog is None:
            return
        if dialog.maximum() != total:
            dialog.setMaximum(max(total, 1))
        if not (self.worker and self.worker.cancelled):
            name = current.replace("\\", "/").rsplit("/", 1)[-1]
            dialog.setLabelText(
                f"Importing {done + 1 if done < total else total} of {total}…\n{name}"
            )
        dialog.setValue(min(done, max(total, 1)))

    def _close_progress(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect(self.cancel)
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        self.worker = None

    def _on_finished(self, report: ImportReport) -> None:
        self._close_progress()
        self.finished.emit(report)
        # A clean import is summed up in the status bar; the dialog is for what needs
        # reading: failures, skipped items, a cancelled run, or a file that gave nothing.
        needs_reading = report.cancelled or any(
            r.status in (ImportStatus.FAILED, ImportStatus.SKIPPED) for r in report.results
        )
        if self.show_summary and needs_reading:
            self.summary_dialog = ImportSummaryDialog(report, self._parent)
            self.summary_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.summary_dialog.destroyed.connect(self._forget_summary)
            self.summary_dialog.show()

    def _forget_summary(self) -> None:
        self.summary_dialog = None

    def _on_failed(self, message: str) -> None:
        self._close_progress()
        self.failed.emit(message)
