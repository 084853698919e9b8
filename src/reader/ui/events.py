"""What changed in the library, said once; panels subscribe in the main window.

Whoever changes the library (an import, a removal, a highlight edit, another process)
emits one of these; every panel that shows that data listens and reloads what it
shows. Nobody calls another panel's ``refresh()`` by hand, so a new panel cannot be
forgotten in a fan-out and the order of refreshes does not matter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer, Signal

from reader.core.errors import MarginError


class LibraryEvents(QObject):
    """The window's change bus.

    Signals:
        articles_changed(object): ``list[int]`` of articles added, updated, trashed or
            restored; an empty list means "anything may have changed" (another
            process wrote to the library).
        annotations_changed(int): an article's highlights or note changed.
        save_pending(): about to read the library (export, open another article):
            editors with unsaved typing save it now.
    """

    articles_changed = Signal(object)
    annotations_changed = Signal(int)
    save_pending = Signal()

    def article_ids_changed(self, ids: Iterable[int]) -> None:
        self.articles_changed.emit(sorted(set(ids)))

    def anything_changed(self) -> None:
        self.articles_changed.emit([])


class LibraryWatcher(QObject):
    """Notices another process writing to the library (``margin import`` in a terminal).

    Every ``interval_ms`` it asks ``token()`` (``Library.change_token``: SQLite's
    ``data_version``, which moves only when *another* connection commits) and, when it
    moved, says "anything may have changed" on the bus. A poll costs one PRAGMA, so it
    runs every two seconds without being noticed; the window's own writes never
    trigger it, since they are announced when they are made.
    """

    def __init__(
        self,
        token: Callable[[], object],
        events: LibraryEvents,
        parent: QObject | None = None,
        *,
        interval_ms: int = 2000,
        paused: Callable[[], bool] = lambda: False,
    ) -> None:
        super().__init__(parent)
        self._token = token
        self._events = events
        # While the window's own import or export runs, its worker may hold the
        # database for a while; it announces its changes when done, so skip the poll.
        self._paused = paused
        self._last = token()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> bool:
        """Compare now; True (and an event) when someone else changed the library."""
        if self._paused():
            return False
        try:
            token = self._token()
        except MarginError:  # a busy or closing database: try again at the next tick
            return False
        if token == self._last:
            return False
        self._last = token
        self._events.anything_changed()
        return True

    def stop(self) -> None:
        self.timer.stop()
