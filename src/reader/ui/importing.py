"""Importing from the window: a worker off the UI thread, progress, cancel, a summary.

The import is a :class:`reader.ui.tasks.Task` around ``Library.import_paths`` (pure
core code) with the task's progress and cancel. The progress dialog only appears for
work longer than half a second, so a single dropped file never flashes a window.

The summary says what the CLI's report says: counts first, then each file, with what
the importer repaired in an article it saved (an unknown entity kept as text, control
characters removed…: ``ImportResult.message`` of an added or updated article) under
that article's title. A picture an imported article could not keep (missing, refused,
over a cap: ``ImportStatus.PICTURE``) is a line of its own, counted apart from the
files that were skipped: "12 added, 1 skipped; 3 picture problems".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import Library, Progress
from reader.core.model import ImportOptions, ImportReport, ImportResult, ImportStatus
from reader.ui.tasks import Task, TaskContext, TaskProgress, TaskRunner, Work

log = logging.getLogger(__name__)


def import_work(
    library: Library, paths: Sequence[str | Path], options: ImportOptions | None = None
) -> Work:
    """The import as a task: ``Library.import_paths`` with the task's progress and cancel."""
    names = [str(p) for p in paths]

    def work(context: TaskContext) -> ImportReport:
        def progress(p: Progress) -> None:
            context.progress(p.done, p.total, p.current)

        return library.import_paths(
            names, options or ImportOptions(), progress=progress, cancel=context.cancelled
        )

    return work


def _progress_label(done: int, total: int, current: str) -> str:
    # The stages of a big import (reader.core.library.pipeline): reading and saving the
    # files, then the index's processes finishing their last articles.
    if current == "reading…":
        return f"Reading {total:,} files…"
    if current == "indexing…":
        return f"Indexing: {done:,} files saved, finishing the search index…"
    name = current.replace("\\", "/").rsplit("/", 1)[-1]
    return f"Importing {done + 1 if done < total else total:,} of {total:,}…\n{name}"


_SAVED = (ImportStatus.ADDED, ImportStatus.UPDATED)


def repaired(result: ImportResult) -> str:
    """What the importer repaired in an article it saved ("" for none)."""
    return result.message if result.status in _SAVED else ""


def summary_line(report: ImportReport) -> str:
    """The counts, as the status bar and the summary's headline say them: "3 added
    (1 repaired), 1 failed; 2 picture problems"."""
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
            fixed = sum(1 for r in report.results if r.status is status and repaired(r))
            if fixed:
                parts[-1] += f" ({fixed} repaired)" if fixed < n else " (repaired)"
            if status is ImportStatus.UPDATED and repeats_in_report(report):
                parts[-1] += " (the same article was in more than one file)"
    text = ", ".join(parts) if parts else "Nothing to import"
    # Not files: lines about articles that were imported, so after the files' counts.
    pictures = report.count(ImportStatus.PICTURE)
    if pictures:
        text += f"; {pictures} picture problem{'' if pictures == 1 else 's'}"
    return text + (" (cancelled)" if report.cancelled else "")


def repeats_in_report(report: ImportReport) -> int:
    """Updates of an article this same import added: one post held by several files."""
    added = {r.article_id for r in report.results if r.status is ImportStatus.ADDED}
    return sum(
        1 for r in report.results if r.status is ImportStatus.UPDATED and r.article_id in added
    )


def updated_explanation(report: ImportReport) -> str:
    """A word on "updated", which surprises on a first import (empty when not needed)."""
    updated = report.count(ImportStatus.UPDATED)
    if not updated:
        return ""
    repeats = repeats_in_report(report)
    if repeats == updated:
        return (
            f"“Updated”: {'this article was' if updated == 1 else 'these articles were'} "
            "in more than one of the files; the later file updated the copy added from the "
            "earlier one. Nothing was duplicated."
        )
    return (
        "“Updated”: the article was already in the library (from an earlier import, or "
        "from another file in this one) and its text or details changed; its highlights "
        "were kept and moved to the new text."
    )


def repaired_explanation(report: ImportReport) -> str:
    """A word on "repaired" (empty when nothing was)."""
    fixed = sum(1 for r in report.results if repaired(r))
    if not fixed:
        return ""
    which = "One article was" if fixed == 1 else f"{fixed} articles were"
    return (
        f"“Repaired”: {which} imported from a file with something wrong in it; what "
        "Margin did about it is under the title. Compare with the original if it matters."
    )


def pictures_explanation(report: ImportReport) -> str:
    """A word on "Picture" lines (empty when there are none)."""
    if not report.count(ImportStatus.PICTURE):
        return ""
    return (
        "“Picture”: the article was imported, but one of its pictures could not be kept "
        "as it is (the line says why); where a picture is missing, the article shows "
        "its description instead."
    )


class _WrappingDelegate(QStyledItemDelegate):
    """Row heights measured at each column's own width: a tree asks its delegate for a
    height without saying how wide the cell is, so a long reason wrapped onto more lines
    than its row had room for, and its last lines (a repair note) were cut off."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self.tree = tree

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        sized = QStyleOptionViewItem(option)
        # The style wraps only within a valid rectangle (a height too, whatever it is).
        width = self.tree.header().sectionSize(index.column())
        sized.rect = QRect(0, 0, width, max(1, option.rect.height()))
        return super().sizeHint(sized, index)


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
        self.explanation = QLabel(updated_explanation(report), self)
        self.explanation.setObjectName("importExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.setVisible(bool(self.explanation.text()))
        self.repairs = QLabel(repaired_explanation(report), self)
        self.repairs.setObjectName("importRepairs")
        self.repairs.setWordWrap(True)
        self.repairs.setVisible(bool(self.repairs.text()))
        self.pictures = QLabel(pictures_explanation(report), self)
        self.pictures.setObjectName("importPictures")
        self.pictures.setWordWrap(True)
        self.pictures.setVisible(bool(self.pictures.text()))
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName("Imported files")
        self.tree.setHeaderLabels(["Result", "Article or reason", "File"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        # Reasons can be long ("invalid JSON at line 3, column 7: …"): rows wrap, and the
        # selected row's full reason shows below the list.
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # Row heights are measured once; a wider or narrower column must wrap anew.
        header.sectionResized.connect(lambda *_: self.tree.doItemsLayout())
        order = {
            ImportStatus.FAILED: 0,
            ImportStatus.SKIPPED: 1,
            ImportStatus.PICTURE: 2,
            ImportStatus.ADDED: 3,
            ImportStatus.UPDATED: 4,
            ImportStatus.UNCHANGED: 5,
        }
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        # Failures first, then skips, pictures, what was repaired, then the rest.
        for r in sorted(report.results, key=lambda r: (order.get(r.status, 9), not repaired(r))):
            result = r.status.value.capitalize()
            if r.status in _SAVED:
                detail = r.title
                if repaired(r):
                    # Under the title, where it reads as belonging to that article.
                    result += ", repaired"
                    detail += f"\nRepaired: {r.message}"
            else:
                detail = r.message
                if r.status is ImportStatus.PICTURE and r.title:
                    detail += f"\nIn: {r.title}"  # listed apart from its article
            item = QTreeWidgetItem([result, detail, Path(r.source).name])
            item.setToolTip(1, detail)
            item.setToolTip(2, r.source)
            if r.status is ImportStatus.FAILED:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
            elif repaired(r) or r.status is ImportStatus.PICTURE:
                item.setIcon(0, warning)
            self.tree.addTopLevelItem(item)
        self.tree.resizeColumnToContents(0)
        # The file's name (its tooltip has the path) gives the reasons the room.
        self.tree.resizeColumnToContents(2)
        header.resizeSection(2, min(header.sectionSize(2), 200))
        # Only now: the columns above were sized to their text on one line.
        self.tree.setItemDelegate(_WrappingDelegate(self.tree))
        self.detail = QLabel(self)
        self.detail.setObjectName("importDetail")
        self.detail.setAccessibleName("Selected file's result")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tree.currentItemChanged.connect(self._show_detail)
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(headline)
        layout.addWidget(self.explanation)
        layout.addWidget(self.repairs)
        layout.addWidget(self.pictures)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.detail)
        layout.addWidget(buttons)

    def _show_detail(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            self.detail.clear()
            return
        self.detail.setText(f"{item.text(0)}: {item.text(1)}\n{item.toolTip(2)}")


class ImportController(QObject):
    """Starts imports as tasks, shows delayed progress with Cancel, then a summary.

    Signals:
        started(): an import began (disable the import actions).
        finished(object): ImportReport (refresh the list); also after a cancel.
        failed(str): the import stopped with an unexpected error.
    """

    started = Signal()
    finished = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        library: Library,
        parent_widget: QWidget,
        tasks: TaskRunner | QThreadPool | None = None,
    ) -> None:
        super().__init__(parent_widget)
        self._library = library
        self._parent = parent_widget
        self.tasks = tasks if isinstance(tasks, TaskRunner) else TaskRunner(tasks, self)
        self.task: Task | None = None
        self.progress: TaskProgress | None = None
        self.summary_dialog: ImportSummaryDialog | None = None
        self.show_summary = True

    @property
    def busy(self) -> bool:
        return self.task is not None

    @property
    def pool(self) -> QThreadPool:
        return self.tasks.pool

    @property
    def progress_dialog(self) -> QProgressDialog | None:
        return self.progress.dialog if self.progress is not None else None

    def start(
        self,
        paths: Sequence[str | Path],
        *,
        title: str = "Importing articles",
        options: ImportOptions | None = None,
    ) -> bool:
        if self.task is not None or not paths:
            return False
        self.started.emit()

        def attach(task: Task) -> None:
            self.task = task
            self.progress = TaskProgress(
                task,
                self._parent,
                title=title,
                object_name="importProgress",
                label=_progress_label,
                cancelling="Cancelling after the current file…",
            )
            if self.progress.dialog is not None:
                self.progress.dialog.setAccessibleName("Import progress")
                # Sized to its first label (200 px), the dialog's title bar read
                # "Importin…": room for the title (title bars use a larger, bold font)
                # beside the bar's icon and buttons.
                title_room = self.progress.dialog.fontMetrics().horizontalAdvance(title)
                self.progress.dialog.setMinimumWidth(max(360, title_room * 3 // 2 + 160))

        self.tasks.start(
            import_work(self._library, paths, options),
            name="import",
            on_done=self._on_finished,
            on_error=self._on_failed,
            before_start=attach,  # the dialog hears the very first progress report
        )
        return True

    def cancel(self) -> None:
        if self.task is not None:
            if self.progress is not None:
                self.progress.cancel()
            else:
                self.task.cancel()

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress = None
        self.task = None

    def _on_finished(self, report: ImportReport) -> None:
        self._close_progress()
        self.finished.emit(report)
        # A clean import is summed up in the status bar; the dialog is for what needs
        # reading: failures, skipped items, a cancelled run, a file that gave nothing,
        # a picture not kept, or an article the importer had to repair.
        to_read = (ImportStatus.FAILED, ImportStatus.SKIPPED, ImportStatus.PICTURE)
        needs_reading = report.cancelled or any(
            r.status in to_read or repaired(r) for r in report.results
        )
        if self.show_summary and needs_reading:
            self.summary_dialog = ImportSummaryDialog(report, self._parent)
            self.summary_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.summary_dialog.destroyed.connect(self._forget_summary)
            self.summary_dialog.show()

    def _forget_summary(self) -> None:
        self.summary_dialog = None

    def _on_failed(self, exc: BaseException) -> None:
        self._close_progress()
        self.failed.emit(str(exc) or exc.__class__.__name__)
