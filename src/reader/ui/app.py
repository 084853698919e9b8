"""Start the window: ``margin`` with no command calls :func:`run`.

``--screenshot FILE.png`` renders the window offscreen (no display needed), saves it
and exits: used by the documentation, the tests and anyone checking a change by eye.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.errors import MarginError
from reader.core.paths import log_dir, resources_dir
from reader.desktop import APP_ID, ICON_SIZES

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from reader.core.library import Library

log = logging.getLogger(__name__)

DEFAULT_SCREENSHOT_SIZE = (1280, 800)
LOG_HANDLER = "margin-log-file"


def _setup_logging() -> Path | None:
    """Log to ``user_log_dir/margin.log`` (``MARGIN_LOG_DIR`` overrides); never fatal."""
    folder = log_dir()
    root = logging.getLogger("reader")
    if any(h.get_name() == LOG_HANDLER for h in root.handlers):  # a second run adds none
        return folder / "margin.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / "margin.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    handler.set_name(LOG_HANDLER)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return folder / "margin.log"


def _cannot_open(exc: MarginError, *, show: bool) -> int:
    """Say why the library cannot be opened (a dialog too, in the window); exit code 1."""
    log.error("cannot open the library: %s", exc)
    print(f"margin: {exc}", file=sys.stderr)
    if show:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "Margin cannot open the library", str(exc))
    return 1


def _open_library(path: str | None, *, ask: bool) -> Library:
    """The library; when its database is damaged, offer the newest backup first."""
    from reader.core.library import Library
    from reader.core.library.backup import LibraryDamaged

    # The day's backup waits until the window shows (reader.ui.daily_backup).
    try:
        return Library.open(path, daily_backup=False)
    except LibraryDamaged as exc:
        from reader.ui.damaged import offer_restore

        if not ask or not offer_restore(exc, path):
            raise
    return Library.open(path, daily_backup=False)


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM") or not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def parse_size(text: str | None) -> tuple[int, int]:
    if not text:
        return DEFAULT_SCREENSHOT_SIZE
    try:
        w, h = (int(x) for x in text.lower().split("x", 1))
    except ValueError:
        raise SystemExit(
            f"margin: --size wants WIDTHxHEIGHT, e.g. 1280x800, not {text!r}"
        ) from None
    return max(320, w), max(240, h)


def run(args: argparse.Namespace) -> int:
    """Open the window (or render it to ``args.screenshot``); returns the exit code."""
    screenshot = getattr(args, "screenshot", None)
    if screenshot:
        # Before any QApplication exists: render without a display.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif not _has_display():
        # Qt would abort with a core dump; say what to do instead.
        print(
            "margin: no display to open the window on. Use a command instead "
            "(margin --help), or --screenshot FILE.png to render the window offscreen.",
            file=sys.stderr,
        )
        return 1
    if not screenshot and _handed_over(args):
        # The window already showing this library took the files: before Qt's
        # application and the web engine are even started, so this takes ~0.1 s.
        return 0
    _setup_logging()

    from reader.ui.reader.scheme import prepare_web_engine

    prepare_web_engine()  # Margin's URL scheme must be known before the application exists

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from reader.ui.main_window import MainWindow

    QCoreApplication.setOrganizationName("Margin")
    QCoreApplication.setApplicationName("Margin")
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationDisplayName("Margin")
    # Wayland and the task switchers match the window to the menu entry (and its icon).
    app.setDesktopFileName(APP_ID)
    _set_window_icon(app)

    try:
        library = _open_library(getattr(args, "library", None), ask=not screenshot)
    except MarginError as exc:
        # A library from a newer Margin, a damaged database, a folder we cannot use.
        return _cannot_open(exc, show=not screenshot)
    log.info("library at %s", library.root)
    window: MainWindow | None = None
    try:
        settings = None
        if screenshot:
            # A screenshot starts from the defaults and leaves the user's settings alone.
            from PySide6.QtCore import QSettings, QTemporaryDir

            from reader.ui.settings import Settings

            scratch = QTemporaryDir()
            settings = Settings(
                QSettings(scratch.filePath("settings.ini"), QSettings.Format.IniFormat)
            )
        window = MainWindow(library, settings=settings, theme=getattr(args, "theme", None))
        if screenshot:
            return _screenshot(app, window, library, args, Path(screenshot))
        _listen_for_others(window, library.root)
        window.show()
        window.raise_()
        window.activateWindow()  # keyboard focus at start, even without a window manager
        from reader.ui.daily_backup import back_up_in_background

        back_up_in_background(window, library)
        if getattr(args, "sample", False):
            window.add_sample()
        _apply_start_options(window, args)
        if getattr(args, "open_files", None):
            open_files(window, args.open_files)
        return int(app.exec())
    finally:
        if window is not None:
            window.close()
            window.tasks.wait()
            window.deleteLater()
            # Now, not at exit: the web pages must go before the shared web profile.
            from PySide6.QtCore import QEvent

            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            from reader.ui.reader.scheme import release_profile

            release_profile()
            app.processEvents()
        library.close()


def _handed_over(args: argparse.Namespace) -> bool:
    """A window already shows this library: give it our files and arguments.

    QLocalSocket's blocking calls need no QCoreApplication, so this runs first."""
    from reader.core.paths import library_dir
    from reader.ui.single_instance import hand_over, request_from

    return hand_over(library_dir(getattr(args, "library", None)), request_from(args))


def _listen_for_others(window: QObject, root: Path) -> None:
    """Take the requests of later ``margin`` runs on this library (one window each)."""
    from reader.ui.single_instance import InstanceServer

    server = InstanceServer(root, window)
    server.received.connect(lambda request: take_request(window, request))
    if not server.listen():
        log.warning("another window listens for this library at %s", server.path)


def take_request(window: object, request: dict[str, object]) -> None:
    """Do what another ``margin`` asked: bring the window up, import, open, search."""
    from reader.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.showNormal()
    window.raise_()
    window.activateWindow()
    files = request.get("files") or []
    assert isinstance(files, list)  # the hand-over's JSON: a list of paths
    if files:
        open_files(window, [str(path) for path in files])
    if "open" in request or "search" in request:
        options = argparse.Namespace(open=request.get("open"), search=request.get("search"))
        _apply_start_options(window, options)


def _set_window_icon(app: object) -> None:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    icons = resources_dir() / "icons"
    # The PNGs, not the SVG: an SVG-backed QIcon lists no sizes, and task switchers and
    # X11's _NET_WM_ICON pick from the sizes given. (The menu entry uses the SVG.)
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icons / f"{APP_ID}-{size}.png"))
    app.setWindowIcon(icon)


def _first_article(report: object) -> int | None:
    """The first article an import produced (new, updated or already there)."""
    results = getattr(report, "results", [])
    return next((r.article_id for r in results if r.article_id is not None), None)


def open_files(window: object, paths: list[str]) -> bool:
    """Import ``paths`` in the background, then show the first article they gave.

    This is ``margin FILE...``: what the desktop entry runs when a file manager opens
    an article with Margin. Files already in the library come back unchanged and open.
    """
    from reader.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    importer = window.importer

    def done(report: object) -> None:
        importer.finished.disconnect(done)
        importer.failed.disconnect(stopped)
        first = _first_article(report)
        if first is not None:
            window.open_article(first)
            window.library_panel.select_article(first, emit=False)

    def stopped(_message: str) -> None:
        importer.finished.disconnect(done)
        importer.failed.disconnect(stopped)

    importer.finished.connect(done)
    importer.failed.connect(stopped)
    if window.import_paths(paths, title="Opening articles"):
        return True
    stopped("")
    return False


def _apply_start_options(window: object, args: argparse.Namespace) -> None:
    from reader.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    opened = False
    if getattr(args, "open", None) is not None:
        opened = window.open_article(int(args.open))
        window.library_panel.select_article(int(args.open), emit=False)
        if not opened:  # a mistyped id: say so, rather than show another article silently
            missing = f"No article with id {args.open} (see the list, or margin list)."
            print(f"margin: {missing}", file=sys.stderr)
            window.statusBar().showMessage(missing, 10_000)
    query = getattr(args, "search", None)
    if query:
        window.search_field.setText(query)
        results = window.search.search_now()
        if results and results.hits and not opened:
            window.open_hit(results.hits[0])
            opened = True
        elif opened and results and results.hits:
            hit = next((h for h in results.hits if h.article_id == args.open), None)
            if hit is not None:
                window.open_hit(hit)
    if not opened and not query:
        # Reopen what was being read (at its place), as a book opens where it was left.
        last = window.settings.last_article(str(window.library.root))
        if last is not None and window.library.is_listed(last):
            opened = window.open_article(last)
            window.library_panel.select_article(last, emit=False)
    if not opened and window.reader_view.article is None and window.library_panel.model.rowCount():
        window.library_panel.select_relative(0)


def wait_until_painted(app: object, window: object, timeout_s: float = 15.0) -> bool:
    """Process events until the reading view has loaded and painted its page (and the
    window's grab shows it), or ``timeout_s`` passes. True when painted."""
    import time

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from reader.ui.main_window import MainWindow

    assert isinstance(app, QApplication) and isinstance(window, MainWindow)
    view = window.reader_view
    deadline = time.monotonic() + timeout_s
    settled = False
    while time.monotonic() < deadline:
        app.processEvents()
        if view.painted and view.ready and not settled:
            # What the window sent after the load (search marks, a scroll) painted too.
            settled = True
            view.request_paint_report()
            continue
        if (
            view.painted
            and (settled or not view.ready)
            and (view.article is None or not view.isVisible() or view.frame_shows_page())
        ):
            app.processEvents()
            return True
        # The engine paints in another process: wait a little for its frames.
        pause = QEventLoop()
        QTimer.singleShot(10, pause.quit)
        pause.exec()
    return False


def _screenshot(
    app: object, window: object, library: object, args: argparse.Namespace, out: Path
) -> int:
    from PySide6.QtWidgets import QApplication

    from reader.core.library import Library
    from reader.ui.main_window import MainWindow

    assert (
        isinstance(app, QApplication)
        and isinstance(window, MainWindow)
        and isinstance(library, Library)
    )
    if getattr(args, "sample", False):
        from reader.core import sample

        if hasattr(sample, "import_sample"):
            sample.import_sample(library)
        window.library_panel.refresh()
    if getattr(args, "open_files", None):
        first = _first_article(library.import_paths(args.open_files))
        window.library_panel.refresh()
        if first is not None and getattr(args, "open", None) is None:
            args.open = first
    width, height = parse_size(getattr(args, "size", None))
    window.resize(width, height)
    window.show()
    app.processEvents()
    _apply_start_options(window, args)
    if not wait_until_painted(app, window):
        print("margin: the article did not finish painting; saving what there is", file=sys.stderr)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out), "PNG"):
        print(f"margin: could not write {out}", file=sys.stderr)
        return 1
    print(out)
    return 0
