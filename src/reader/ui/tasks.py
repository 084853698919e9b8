"""Background work in one shape: a plain function off the UI thread, then one answer.

Import, export and search all run a pure core function that may take seconds. Each
becomes a :class:`Task`: the function runs on a pool thread with a
:class:`TaskContext` (report progress, ask whether it was cancelled) and the task
answers on the UI thread with exactly one of ``done(result)`` or ``error(exception)``,
then ``finished()``. :class:`TaskProgress` adds the progress dialog that appears only
for work longer than half a second, with Cancel.

Tests can run tasks synchronously (``TaskRunner(synchronous=True)``): the function
runs inside :meth:`TaskRunner.start` and the signals fire before it returns.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from reader.core.errors import MarginError

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 500  # shorter work never flashes a dialog
# Errors written for the user; anything else is a bug and goes to the log with its traceback.
_EXPECTED = (MarginError, OSError)


class TaskContext:
    """What the worker function gets: ``progress(done, total, label)`` and ``cancelled()``."""

    def __init__(self, task: Task) -> None:
        self._task = task

    def progress(self, done: int, total: int, label: str = "") -> None:
        self._task.progress.emit(done, total, label)

    def cancelled(self) -> bool:
        return self._task.cancelled


Work = Callable[[TaskContext], Any]


class Task(QObject):
    """One run of ``work(context)``; its signals arrive on the UI thread.

    Signals:
        progress(int, int, str): done, total, what is being worked on.
        done(object): what ``work`` returned.
        error(object): the exception ``work`` raised (a MarginError is for the user).
        finished(): after done or error; the task is over.
    """

    progress = Signal(int, int, str)
    done = Signal(object)
    error = Signal(object)
    finished = Signal()

    def __init__(self, work: Work, name: str = "task", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.work = work
        self.name = name
        self._cancel = threading.Event()
        self.running = False

    def cancel(self) -> None:
        """Ask the work to stop; it checks ``context.cancelled()`` between items."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run_here(self) -> None:
        """Run the work on this thread; signals are emitted from this thread."""
        try:
            result = self.work(TaskContext(self))
        except Exception as exc:  # handed to the UI, which decides what to say
            if not isinstance(exc, _EXPECTED):
                log.exception("%s failed", self.name)
            self.error.emit(exc)
        else:
            self.done.emit(result)
        self.finished.emit()


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task

    def run(self) -> None:
        self.task.run_here()


class TaskRunner(QObject):
    """Starts tasks on a thread pool and keeps them alive until they finish."""

    def __init__(
        self,
        pool: QThreadPool | None = None,
        parent: QObject | None = None,
        *,
        synchronous: bool = False,
    ) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self.synchronous = synchronous
        self._running: set[Task] = set()

    def start(
        self,
        work: Work,
        *,
        name: str = "task",
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        before_start: Callable[[Task], None] | None = None,
    ) -> Task:
        """Run ``work`` off the UI thread; the ``on_*`` listeners get its answers.

        Listeners (and ``before_start``, e.g. a :class:`TaskProgress`) are attached
        before the work starts: a signal emitted by a quick worker is never missed.
        """
        task = Task(work, name)
        queued = Qt.ConnectionType.QueuedConnection
        kind = Qt.ConnectionType.DirectConnection if self.synchronous else queued
        if on_progress is not None:
            task.progress.connect(on_progress, kind)
        if on_done is not None:
            task.done.connect(on_done, kind)
        if on_error is not None:
            task.error.connect(on_error, kind)
        task.finished.connect(lambda: self._forget(task), kind)
        task.running = True
        self._running.add(task)
        if before_start is not None:
            before_start(task)
        if self.synchronous:
            task.run_here()
        else:
            self.pool.start(_Runnable(task))
        return task

    def _forget(self, task: Task) -> None:
        task.running = False
        self._running.discard(task)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def cancel_all(self) -> None:
        for task in list(self._running):
            task.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the pool is idle (closing the window, tests)."""
        return self.pool.waitForDone(msecs)


class TaskProgress(QObject):
    """A progress dialog for a task: shown after half a second, Cancel cancels the task.

    ``label(done, total, current)`` turns a progress report into the dialog's text.
    """

    def __init__(
        self,
        task: Task,
        parent: QWidget,
        *,
        title: str,
        object_name: str,
        label: Callable[[int, int, str], str] | None = None,
        cancelling: str = "Cancelling…",
    ) -> None:
        super().__init__(parent)
        self.task = task
        self._label = label
        self._cancelling = cancelling
        dialog = QProgressDialog(title + "…", "Cancel", 0, 0, parent)
        dialog.setObjectName(object_name)
        dialog.setWindowTitle(title)
        dialog.setAccessibleName(title)
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.canceled.connect(self.cancel)
        dialog.setValue(0)
        self.dialog: QProgressDialog | None = dialog
        task.progress.connect(self._on_progress)
        task.finished.connect(self.close)

    def cancel(self) -> None:
        self.task.cancel()
        if self.dialog is not None:
            self.dialog.setLabelText(self._cancelling)

    def _on_progress(self, done: int, total: int, current: str) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        if dialog.maximum() != max(total, 1):
            dialog.setMaximum(max(total, 1))
        if self._label is not None and not self.task.cancelled:
            dialog.setLabelText(self._label(done, total, current))
        dialog.setValue(min(done, max(total, 1)))

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        self.deleteLater()
