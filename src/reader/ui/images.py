"""The window's part of issue 11: Download Images for the open article, figures shown large.

**Download Images** is the only way Margin touches the network, and only for the
article in view, only when chosen: it runs :meth:`Library.fetch_images` as a background
task (:mod:`reader.ui.tasks`), with a progress dialog that appears for slow downloads
and can cancel. The action is enabled only while the open article has web images that
were never asked for. A click on a stored image opens :class:`FigureViewer`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QWidget

from reader.core.images.fetch import FetchReport
from reader.core.library import Library
from reader.ui.figure_viewer import FigureViewer
from reader.ui.tasks import TaskContext, TaskProgress, TaskRunner


class ImageActions(QObject):
    """Signals:
    article_changed(int): an article's images were downloaded; show it again.
    """

    article_changed = Signal(int)

    def __init__(self, library: Library, window: QWidget, tasks: TaskRunner) -> None:
        super().__init__(window)
        self.library = library
        self.window = window
        self.tasks = tasks
        self.article_id: int | None = None
        self.viewer: FigureViewer | None = None
        self.progress: TaskProgress | None = None
        self.download_action = QAction("&Download Images", window)
        self.download_action.setObjectName("downloadImagesAction")
        self.download_action.setStatusTip(
            "Download this article's web images (Margin fetches nothing unless you ask)"
        )
        self.download_action.triggered.connect(self.download_current)
        self.download_action.setEnabled(False)

    def set_article(self, article_id: int | None) -> None:
        """The article in view; the action is enabled while it has images to download."""
        self.article_id = article_id
        waiting = False
        if article_id is not None and self.library.is_listed(article_id):
            waiting = any(row.status == "remote" for row in self.library.images(article_id))
        self.download_action.setEnabled(waiting and not self.busy)

    @property
    def busy(self) -> bool:
        return self.progress is not None

    def download_current(self) -> None:
        if self.article_id is not None and not self.busy:
            self.download(self.article_id)

    def download(self, article_id: int) -> None:
        library = self.library

        def work(context: TaskContext) -> FetchReport:
            return library.fetch_images(
                article_id,
                progress=lambda p: context.progress(p.done, p.total, p.current),
                cancel=context.cancelled,
            )

        self.download_action.setEnabled(False)
        task = self.tasks.start(
            work,
            name="download-images",
            on_done=lambda report: self._done(article_id, report),
            on_error=lambda exc: self._failed(exc),
        )
        if task.running:
            self.progress = TaskProgress(
                task,
                self.window,
                title="Downloading images",
                object_name="imageDownloadProgress",
                label=lambda done, total, _url: f"Downloading image {done + 1} of {total}…",
            )

    def _finish(self) -> None:
        if self.progress is not None:
            self.progress.close()
        self.progress = None

    def _done(self, article_id: int, report: FetchReport) -> None:
        self._finish()
        message = f"Downloaded {report.fetched} image{'s' if report.fetched != 1 else ''}"
        if report.failed:
            message += f"; {len(report.failed)} could not be downloaded"
            message += f" ({report.failed[0][1]})" if len(report.failed) == 1 else ""
        self._status(message + ".")
        if report.fetched:
            self.article_changed.emit(article_id)
        self.set_article(self.article_id)

    def _failed(self, exc: Any) -> None:
        self._finish()
        self._status(f"Images could not be downloaded: {exc}")
        self.set_article(self.article_id)

    def _status(self, message: str) -> None:
        if isinstance(self.window, QMainWindow):
            self.window.statusBar().showMessage(message, 8000)

    # --- figures ------------------------------------------------------------------------

    def show_figure(self, name: str, alt: str, caption: str) -> FigureViewer | None:
        """Open the stored image ``name`` large, with its caption (Esc closes it)."""
        found = self.library.image(name)
        if found is None:
            return None
        if self.viewer is not None:
            self.viewer.close()
        self.viewer = FigureViewer(found[0], alt, caption, self.window)
        self.viewer.finished.connect(self._viewer_closed)
        self.viewer.open()
        return self.viewer

    def _viewer_closed(self) -> None:
        if self.viewer is not None:
            self.viewer.deleteLater()
        self.viewer = None
