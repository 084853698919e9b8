"""Exporting from the window: the export dialogs, and the work off the UI thread.

"Export All" asks where (the last folder is remembered) and which articles: by default
those with highlights or a note, as ``margin export --all`` does (W3C also takes articles
whose highlights were all deleted, so the deletions reach other copies); a checkbox adds
every article. The files are written by :meth:`reader.core.library.Library.export_articles`
as a :class:`reader.ui.tasks.Task`, with a progress dialog that appears only for work
longer than half a second, like the import's; when it is done,
:attr:`ExportController.last_message` says where the files went (the status bar shows
it). Exporting one article into a file that exists merges into it (the user's own writing
is kept), so the question is "Update", not "Replace".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QStandardPaths, QThreadPool, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.export import safe_filename
from reader.core.library import Library
from reader.core.model import Article
from reader.ui.settings import app_settings
from reader.ui.tasks import Task, TaskContext, TaskProgress, TaskRunner, Work

log = logging.getLogger(__name__)


# QSettings keys: the dialog opens as the user left it.
FOLDER_KEY = "export/folder"
EVERY_ARTICLE_KEY = "export/every_article"
FORMAT_KEY = "export/format"
IMAGES_KEY = "export/images"

FORMATS = {
    "markdown": "Markdown: a .md file per article, for Obsidian and other notes apps",
    "w3c": "W3C Web Annotation JSON-LD: for other annotation tools and backups",
}

# What "export all" takes without the checkbox, by format (Library.annotated_article_ids).
WHAT_ALL_TAKES = {
    "markdown": "highlights or a note",
    "w3c": "highlights, a note or deleted highlights",
}


def _default_folder() -> str:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return str(Path(documents or Path.home()) / "Margin")


@dataclass(slots=True)
class ExportChoice:
    """What the user asked for in the export dialog."""

    folder: str
    every_article: bool = False
    fmt: str = "markdown"
    images: bool = False  # Markdown: highlighted figures' pictures into attachments/


class ExportDialog(QDialog):
    """Where "Export All" writes, in which format, and whether articles without
    highlights or notes are included. The choices are remembered in ``settings``."""

    def __init__(
        self, parent: QWidget | None, library: Library, settings: QSettings | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings or app_settings()
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export All Highlights")
        self.library = library
        self.total = len(library.article_ids())
        self._annotated: dict[str, int] = {}  # by format, counted when first shown

        self.folder_edit = QLineEdit(str(self.settings.value(FOLDER_KEY, "") or _default_folder()))
        self.folder_edit.setObjectName("exportFolder")
        self.folder_edit.setAccessibleName("Folder")
        browse = QPushButton("&Choose…")
        browse.setObjectName("exportChooseFolder")
        browse.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)

        self.format_box = QComboBox()
        self.format_box.setObjectName("exportFormat")
        self.format_box.setAccessibleName("Format")
        for key, label in FORMATS.items():
            self.format_box.addItem(label, key)
        saved_format = self.format_box.findData(str(self.settings.value(FORMAT_KEY, "markdown")))
        self.format_box.setCurrentIndex(max(0, saved_format))

        self.every_article = QCheckBox()
        self.every_article.setObjectName("exportEveryArticle")
        self.every_article.setChecked(_as_bool(self.settings.value(EVERY_ARTICLE_KEY, False)))
        self.images = QCheckBox("Show highlighted figures, copied into an attachments folder")
        self.images.setObjectName("exportImages")
        self.images.setToolTip(
            "Markdown: a highlight on a figure's caption is followed by the figure, "
            "saved once in attachments/ beside the notes"
        )
        self.images.setChecked(_as_bool(self.settings.value(IMAGES_KEY, False)))
        self.summary = summary = QLabel()
        summary.setObjectName("exportSummary")
        summary.setWordWrap(True)
        self.format_box.currentIndexChanged.connect(lambda _i: self._show_format())
        self._show_format()

        form = QFormLayout()
        folder_label = QLabel("&Folder:")
        folder_label.setBuddy(self.folder_edit)  # a row of two widgets gets no buddy itself
        form.addRow(folder_label, folder_row)
        form.addRow("F&ormat:", self.format_box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.export_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.folder_edit.textChanged.connect(
            lambda text: self.export_button.setEnabled(bool(text.strip()))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(form)
        layout.addWidget(self.every_article)
        layout.addWidget(self.images)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _show_format(self) -> None:
        """Which articles "export all" takes depends on the format: say so."""
        fmt = str(self.format_box.currentData())
        if fmt not in self._annotated:
            self._annotated[fmt] = len(self.library.annotated_article_ids(fmt))
        annotated, total = self._annotated[fmt], self.total
        rest = total - annotated
        self.images.setEnabled(fmt == "markdown")
        what = WHAT_ALL_TAKES[fmt]
        self.every_article.setText(
            f"Also the {rest} article{'s' if rest != 1 else ''} without {_without(what)}"
        )
        self.every_article.setEnabled(rest > 0)
        counts = (
            f"{annotated} of {total} article{'s' if total != 1 else ''} "
            f"{'has' if annotated == 1 else 'have'} {what}."
        )
        if fmt == "markdown":
            after = (
                "Files exported before are updated: what you wrote outside Margin's part "
                "of them is kept."
            )
        else:
            after = (
                "Deleted highlights go as deletions (their id and time, never their words), "
                "so importing the files elsewhere deletes them there too."
            )
        self.summary.setText(f"{counts} {after}")

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Export All Highlights to a Folder", self.folder_edit.text()
        )
        if folder:
            self.folder_edit.setText(folder)

    def choice(self) -> ExportChoice:
        return ExportChoice(
            folder=self.folder_edit.text().strip(),
            every_article=self.every_article.isChecked(),
            fmt=str(self.format_box.currentData()),
            images=self.images.isChecked() and self.format_box.currentData() == "markdown",
        )

    def accept(self) -> None:
        choice = self.choice()
        if not choice.folder:
            return
        self.settings.setValue(FOLDER_KEY, choice.folder)
        self.settings.setValue(EVERY_ARTICLE_KEY, choice.every_article)
        self.settings.setValue(FORMAT_KEY, choice.fmt)
        self.settings.setValue(IMAGES_KEY, self.images.isChecked())
        super().accept()


def _without(what: str) -> str:
    # "highlights or a note" → "highlights or notes", for "Also the 2 articles without…".
    return what.replace(", a note or", ", notes or").replace("or a note", "or notes")


def _as_bool(value: object) -> bool:
    # INI files give back "true"/"false" as text.
    return value is True or str(value).lower() in ("true", "1")


@dataclass(slots=True, frozen=True)
class _Asked:
    """What an export was asked to write, to say afterwards what it did."""

    count: int  # articles
    fmt: str
    out: Path  # the folder, or the file of a one-article export
    every_file: bool  # "Export All" (a folder), not one article saved as a file


def finished_message(written: list[Path], asked: _Asked) -> str:
    """The status bar's word on an export: what was written and where, in full."""
    if not asked.every_file:
        if not written:
            return "Export cancelled: nothing was written."
        return f"Exported the highlights to {written[0].resolve()}"
    folder = asked.out.expanduser().resolve()
    if not asked.count:
        return f"Nothing to export: no article has {WHAT_ALL_TAKES[asked.fmt]}."
    files = f"{len(written)} file{'s' if len(written) != 1 else ''}"
    if len(written) < asked.count:
        return f"Export cancelled: {len(written)} of {asked.count} files written to {folder}"
    return f"Exported {files} to {folder}"


def export_work(
    library: Library, ids: list[int], fmt: str, out: str | Path, *, images: bool = False
) -> Work:
    """The export as a task: ``Library.export_articles`` with the task's progress and cancel."""

    def work(context: TaskContext) -> list[Path]:
        return library.export_articles(
            ids,
            fmt,
            out,
            progress=lambda p: context.progress(p.done, p.total, ""),
            cancel=context.cancelled,
            images=images,
        )

    return work


class ExportController(QObject):
    """Runs exports for the main window.

    Signals:
        finished(object): the list of paths written.
        failed(str): why the export stopped.
    """

    finished = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        library: Library,
        parent: QWidget,
        tasks: TaskRunner | QThreadPool | None = None,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.window = parent
        self.tasks = tasks if isinstance(tasks, TaskRunner) else TaskRunner(tasks, self)
        self.settings = settings or app_settings()
        self.task: Task | None = None
        self.progress: TaskProgress | None = None
        self._asked: _Asked | None = None
        # What the last export did and where, for the status bar: set before ``finished``.
        self.last_message = ""

    @property
    def busy(self) -> bool:
        return self.task is not None

    @property
    def pool(self) -> QThreadPool:
        return self.tasks.pool

    @property
    def dialog(self) -> QProgressDialog | None:
        return self.progress.dialog if self.progress is not None else None

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    # --- asking the user -------------------------------------------------------------------

    def export_all(self) -> bool:
        """Ask where and what (the export dialog), then export in the background."""
        if self.busy:
            return False
        dialog = ExportDialog(self.window, self.library, self.settings)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted.value:
                return False
            choice = dialog.choice()
        finally:
            dialog.deleteLater()
        return self.start(
            choice.folder, every_article=choice.every_article, fmt=choice.fmt, images=choice.images
        )

    def export_article(self, article: Article) -> Path | None:
        """Save one article's highlights as Markdown where the user says; a file exported
        before is updated (the user's own writing in it is kept). Returns the path it
        is being written to; ``finished`` (or ``failed``) says when it is done."""
        if self.busy:
            return None
        folder = str(self.settings.value(FOLDER_KEY, "") or _default_folder())
        start = str(Path(folder) / safe_filename(article))
        path, _filter = QFileDialog.getSaveFileName(
            self.window,
            "Export Highlights",
            start,
            "Markdown (*.md)",
            options=QFileDialog.Option.DontConfirmOverwrite,  # we ask "Update" ourselves
        )
        if not path:
            return None
        target = Path(path)
        if target.exists() and not self.confirm_update(target):
            return None
        self.settings.setValue(FOLDER_KEY, str(target.parent))
        # Written off the UI thread like every export; ``finished`` says when it is done.
        images = _as_bool(self.settings.value(IMAGES_KEY, False))  # as in Export All
        self._run([article.id], "markdown", target, show_progress=False, images=images)
        return target

    def confirm_update(self, target: Path) -> bool:
        """Re-exporting merges, so the question is whether to update the file."""
        box = QMessageBox(self.window)
        box.setObjectName("exportUpdateQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Update the Export?")
        box.setText(f"“{target.name}” is already there. Update it?")
        box.setInformativeText(
            "Margin replaces only its own part of the file (the highlights, notes and "
            "sources between its markers, and its front matter keys). What you wrote "
            "around them is kept."
        )
        update = box.addButton("Update", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(update)
        box.exec()
        return box.clickedButton() is update

    # --- the work --------------------------------------------------------------------------

    def start(
        self,
        folder: str | Path,
        *,
        every_article: bool = False,
        fmt: str = "markdown",
        images: bool = False,
    ) -> bool:
        """Export in the background: articles with highlights or a note, or every one."""
        if self.busy:
            return False
        library = self.library
        ids = library.article_ids() if every_article else library.annotated_article_ids(fmt)
        self._run(ids, fmt, folder, show_progress=True, images=images)
        return True

    def _run(
        self,
        ids: list[int],
        fmt: str,
        out: str | Path,
        *,
        show_progress: bool,
        images: bool = False,
    ) -> None:
        self._asked = _Asked(len(ids), fmt, Path(out), every_file=show_progress)

        def attach(task: Task) -> None:
            self.task = task
            if not show_progress:
                return
            self.progress = TaskProgress(
                task,
                self.window,
                title="Exporting",
                object_name="exportProgress",
                label=lambda done, total, _current: (
                    f"Exporting {done + 1 if done < total else total} of {total}…"
                ),
            )
            if self.progress.dialog is not None:  # a new TaskProgress always has one
                self.progress.dialog.setAccessibleName("Export progress")

        self.tasks.start(
            export_work(self.library, ids, fmt, out, images=images),
            name="export",
            on_done=self._on_finished,
            on_error=self._on_failed,
            before_start=attach,  # the dialog hears the very first progress report
        )

    def _done(self) -> None:
        if self.progress is not None:
            self.progress.close()
        self.progress = None
        self.task = None

    def _on_finished(self, written: list[Path]) -> None:
        self._done()
        if self._asked is not None:
            self.last_message = finished_message(written, self._asked)
        self.finished.emit(written)

    def _on_failed(self, exc: BaseException) -> None:
        self._done()
        self.failed.emit(str(exc) or exc.__class__.__name__)
