"""pytest-qt hygiene for window tests.

- Settings go to a temporary INI folder (QSettings.setPath), never the user's.
- Modal dialogs never block: ``exec()`` and the static QMessageBox/QFileDialog helpers
  are stubbed and recorded in ``modal_calls``.
- Each window gets its own thread pool, drained at teardown, and top-level windows
  left open by a test are closed.
- One reading view (one web page) is shared by a module's tests that need only the
  view: starting a page costs far more than showing another article in it. It is
  closed at the module's end, so it never lies under another module's windows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QThreadPool
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox
from ui_articles import write_articles

from reader.core.library import Library


@pytest.fixture(autouse=True)
def temp_settings(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "settings"
    QCoreApplication.setOrganizationName("Margin")
    QCoreApplication.setApplicationName("Margin")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.SystemScope, str(folder / "system")
    )
    yield folder


class ModalCalls(list[tuple[str, tuple[Any, ...]]]):
    """Which modal helpers were called, with their arguments; what the file dialogs return."""

    def __init__(self) -> None:
        super().__init__()
        self.open_files: list[str] = []
        self.folder = ""


@pytest.fixture(autouse=True)
def modal_calls(monkeypatch: pytest.MonkeyPatch) -> ModalCalls:
    calls = ModalCalls()

    def record(name: str, result: Any) -> Any:
        def stub(*args: Any, **kwargs: Any) -> Any:
            calls.append((name, args))
            return result() if callable(result) else result

        return stub

    monkeypatch.setattr(QDialog, "exec", record("QDialog.exec", 0))
    monkeypatch.setattr(QMessageBox, "exec", record("QMessageBox.exec", 0))
    for name in ("about", "aboutQt"):
        monkeypatch.setattr(QMessageBox, name, record(f"QMessageBox.{name}", None))
    for name in ("warning", "information", "critical", "question"):
        monkeypatch.setattr(
            QMessageBox, name, record(f"QMessageBox.{name}", QMessageBox.StandardButton.Ok)
        )
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileNames",
        record("QFileDialog.getOpenFileNames", lambda: (calls.open_files, "")),
    )
    monkeypatch.setattr(
        QFileDialog,
        "getExistingDirectory",
        record("QFileDialog.getExistingDirectory", lambda: calls.folder),
    )
    return calls


@pytest.fixture(scope="session", autouse=True)
def _web_engine_shut_down_in_order(qapp: QApplication) -> Iterator[None]:
    """At the end: every window deleted, then the shared web profile (the engine warns
    when a profile goes while pages still use it)."""
    yield
    from reader.ui.reader.scheme import release_profile

    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    release_profile()


@pytest.fixture(scope="module")
def _session_reader_view(qapp: QApplication) -> Iterator[Any]:
    from reader.ui.reader import ReaderView

    view = ReaderView()
    view.resize(900, 700)
    view.show()
    yield view
    view.close()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def reader_view(_session_reader_view: Any, qtbot: Any) -> Iterator[Any]:
    """The shared reading view, back to its defaults: light, default size, no history."""
    from reader.ui import theme as themes
    from reader.ui.reader import Typography
    from reader.ui.reader.history import History

    view = _session_reader_view
    view.places = History()
    view.set_theme(themes.theme_named("light"))
    view.set_font_size(themes.DEFAULT_FONT_SIZE)
    view.set_typography(Typography())
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitActive(view):  # keys and focus reach only the active window
        view.activateWindow()
    yield view


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "library")
    yield lib
    lib.close()


@pytest.fixture
def filled_library(library: Library, tmp_path: Path) -> Library:
    """Three short Markdown articles (ketamine, statins, sleep), imported for real."""
    report = library.import_paths(write_articles(tmp_path / "articles"))
    assert not report.failed, report.results
    return library


@pytest.fixture
def pool() -> Iterator[QThreadPool]:
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    yield pool
    pool.waitForDone()


@pytest.fixture
def make_window(qtbot: Any, pool: QThreadPool) -> Iterator[Any]:
    """Make (and later close) main windows over a library; several per test if needed."""
    from reader.ui.main_window import MainWindow

    made: list[MainWindow] = []
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    palette, style_sheet = app.palette(), app.styleSheet()  # themes change them app-wide

    def make(
        library: Library, *, size: tuple[int, int] | None = (1200, 800), **kwargs: Any
    ) -> MainWindow:
        window = MainWindow(library, pool=pool, **kwargs)
        qtbot.addWidget(window)
        if size is not None:  # None: keep the geometry restored from the settings
            window.resize(*size)
        with qtbot.waitExposed(window):
            window.show()
        with qtbot.waitActive(window):  # shortcuts only reach the active window
            window.activateWindow()
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()
    pool.waitForDone()
    QApplication.processEvents()
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget not in made:
            widget.close()
    app.setStyleSheet(style_sheet)
    app.setPalette(palette)


@pytest.fixture
def window(make_window: Any, filled_library: Library) -> Any:
    return make_window(filled_library)
