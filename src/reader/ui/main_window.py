"""The main window: library and search on the left, the article in the middle, contents right.

Panels emit intents (open this article, import these files); this module is the one
place that wires them to each other and to the ``Library`` facade. Larger handlers
live beside it, each owning one idea: ``article_opener`` (which article is shown),
``window_imports`` (File ▸ Import, drops), ``window_preferences``, ``window_actions``
(menus, shortcuts), ``window_focus`` (F6), ``window_layout`` and ``window_state``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from reader.core.library import Library
from reader.core.model import SearchHit
from reader.ui import theme as themes
from reader.ui import window_actions, window_focus, window_preferences
from reader.ui.annotations_panel import AnnotationsPanel
from reader.ui.article_opener import ArticleOpener
from reader.ui.citation_hover import CitationHoverController
from reader.ui.events import LibraryEvents, LibraryWatcher
from reader.ui.exporting import ExportController
from reader.ui.find_bar import FindBar
from reader.ui.highlighting import HighlightController
from reader.ui.images import ImageActions
from reader.ui.importing import ImportController
from reader.ui.library_panel import LibraryPanel
from reader.ui.list_navigation import ListNavigator
from reader.ui.message_boxes import warn
from reader.ui.preferences import PreferencesDialog
from reader.ui.reader import ReaderView
from reader.ui.references_panel import ReferencesPanel
from reader.ui.search import SearchController, SearchField
from reader.ui.search_marks import SEARCH_LAYER
from reader.ui.search_results import SearchResultsView
from reader.ui.settings import Settings
from reader.ui.tasks import TaskRunner
from reader.ui.toc_panel import TocPanel
from reader.ui.trash_panel import TrashController, TrashPanel
from reader.ui.window_actions import build_actions, build_menus
from reader.ui.window_imports import WindowImports
from reader.ui.window_layout import column, main_splitter, side_panel
from reader.ui.window_state import restore_window_state, save_window_state

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Signals:
    article_opened(int): an article is now shown.
    hover_previews_changed(bool): the preference changed (for the citation popovers).
    """

    article_opened = Signal(int)
    hover_previews_changed = Signal(bool)

    # Made by ``window_actions.build_actions``; the menus and the handlers below use them.
    theme_group: QActionGroup
    theme_actions: dict[str, QAction]
    action_import_files: QAction
    action_import_folder: QAction
    action_add_sample: QAction
    action_preferences: QAction
    action_quit: QAction
    action_copy: QAction
    action_select_all: QAction
    action_find: QAction
    action_find_next: QAction
    action_find_previous: QAction
    action_back: QAction
    action_forward: QAction
    action_search: QAction
    action_undo: QAction
    action_redo: QAction
    action_export_article: QAction
    action_export_all: QAction
    action_zoom_in: QAction
    action_zoom_out: QAction
    action_zoom_reset: QAction
    action_show_contents: QAction
    action_full_screen: QAction
    action_next_pane: QAction
    action_previous_pane: QAction
    action_next_article: QAction
    action_previous_article: QAction
    action_toggle_read: QAction
    action_remove: QAction
    action_show_trash: QAction
    action_go_library: QAction
    action_go_article: QAction
    action_go_contents: QAction
    action_go_highlights: QAction
    action_go_sources: QAction
    action_shortcuts: QAction
    action_about: QAction

    def __init__(
        self,
        library: Library,
        *,
        settings: Settings | None = None,
        pool: QThreadPool | None = None,
        theme: str | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.settings = settings or Settings()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Margin")
        self.setAccessibleName("Margin")
        self.setAcceptDrops(True)

        # --- panes ---------------------------------------------------------------------
        # Made in the order they are seen, which is the order Tab visits them: the search
        # box, then the filters and the list under it, the article, the side panel.
        self.search_field = SearchField(self)
        self.library_panel = LibraryPanel(library, self)
        self.search_message = QLabel(self)
        self.search_message.setObjectName("searchMessage")
        self.search_message.setAccessibleName("Search status")
        self.search_message.setWordWrap(True)
        self.search_results = SearchResultsView(self)
        self.search = SearchController(
            library, self.search_field, self.search_message, self.search_results, self
        )
        self.left_stack = QStackedWidget(self)
        self.left_stack.addWidget(self.library_panel)
        self.left_stack.addWidget(self.search_results)
        self.trash_panel = TrashPanel(self)
        self.left_stack.addWidget(self.trash_panel)
        left = column(
            self,
            "leftPane",
            [(self.search_field, 0), (self.search_message, 0), (self.left_stack, 1)],
            margins=(6, 6, 0, 0),
            spacing=4,
        )

        self.reader_view = ReaderView(self)
        self.reader_view.setAcceptDrops(False)
        # The page asks for the library's stored figures by name.
        self.reader_view.profile_.scheme_handler.images = library.image
        self.reader_view.set_typography(self.settings.typography)
        self.find_bar = FindBar(self.reader_view, self)
        center = column(
            self,
            "readerPane",
            [(self.reader_view, 1), (self.find_bar, 0)],
            margins=(0, 0, 0, 0),
            spacing=0,
        )

        self.toc = TocPanel(self)
        # Highlights and notes (issue 4) and the article's sources (issue 5) share the
        # right-hand side with the contents, one tab each.
        self.highlights = HighlightController(self.reader_view, library, self)
        self.annotations_panel = AnnotationsPanel(self.highlights, self)
        self.references_panel = ReferencesPanel(self)
        # Changes the open article and what shows around it (title, panels, citations).
        self.opener = ArticleOpener(self)
        self.citation_hover = CitationHoverController(
            self.reader_view, self.opener.citations_for_href, self.opener.article_title, self
        )
        self.side_tabs = side_panel(
            self,
            [
                (self.toc, "Contents"),
                (self.annotations_panel, "Highlights"),
                (self.references_panel, "Sources"),
            ],
        )
        self.splitter = main_splitter(self, left, center, self.side_tabs)
        self.setCentralWidget(self.splitter)

        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Article count")
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().setSizeGripEnabled(True)

        self.navigator = ListNavigator(
            self.library_panel,
            self.search,
            self.search_results,
            open_article=self.open_article,
            open_hit=self.open_hit,
            reading=lambda: self.reader_view.article is not None,
            parent=self,
        )
        self.tasks = TaskRunner(pool, self)
        self.events = LibraryEvents(self)
        self.importer = ImportController(library, self, self.tasks)
        self.imports = WindowImports(self)  # menus, the sample and drops feed the importer
        self.exporter = ExportController(library, self, self.tasks)
        self.images = ImageActions(library, self, self.tasks)  # Download Images, figures
        self.trash = TrashController(
            library, self.events, self.highlights.undo_stack, self.trash_panel, self
        )
        # Another process (``margin import`` in a terminal) writing to the library.
        self.watcher = LibraryWatcher(
            library.change_token, self.events, self, paused=lambda: self.tasks.busy
        )
        build_actions(self)
        build_menus(self)
        self._wire()

        self._theme = themes.theme_named(theme or self.settings.theme)
        self.apply_theme(self._theme.name, persist=theme is None)
        self.reader_view.set_font_size(self.settings.font_size)
        restore_window_state(self)
        self._update_count()
        self.opener.update_read_action()
        self.library_panel.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- construction --------------------------------------------------------------------

    def _wire(self) -> None:
        panel = self.library_panel
        panel.article_selected.connect(self.open_article)
        panel.article_activated.connect(lambda i: self.open_article(i, focus=True))
        panel.add_sample_requested.connect(self.add_sample)
        panel.import_files_requested.connect(self.import_files)
        panel.model.modelReset.connect(self._update_count)
        self.search.open_hit_requested.connect(self.open_hit)
        self.article_opened.connect(self.navigator.follow)
        self.search.active_changed.connect(self._on_search_active)
        self.search_field.escape_pressed.connect(self.focus_library)
        view = self.reader_view
        view.reading_position_changed.connect(self.library.set_reading_position)
        view.escape_pressed.connect(self._on_reader_escape)
        view.font_size_changed.connect(
            lambda size: window_preferences.font_size_changed(self, size)
        )
        self.toc.heading_activated.connect(self.opener.jump_to_heading)
        view.article_shown.connect(lambda _id: self.toc.set_headings(view.headings()))
        view.article_shown.connect(self.images.set_article)
        view.figure_requested.connect(self.images.show_figure)
        self.images.article_changed.connect(
            lambda i: self.open_article(i, record=False) if self.opener.showing(i) else None
        )
        view.place_requested.connect(
            lambda article_id, fraction: self.open_article(
                article_id, fraction=fraction, record=False
            )
        )
        self.importer.started.connect(self.imports.on_started)
        self.importer.finished.connect(self.imports.on_finished)
        self.importer.failed.connect(self.imports.on_failed)
        self.action_show_contents.setChecked(self.settings.show_contents)
        self.side_tabs.setVisible(self.settings.show_contents)
        view.link_activated.connect(self.opener.follow_link)
        # Highlights and notes.
        self.highlights.message.connect(lambda m: self.statusBar().showMessage(m, 4000))
        self.highlights.open_article_requested.connect(self.open_article)
        # Citation popovers and the sources panel.
        hover = self.citation_hover
        hover.hover_mode = self.settings.hover_mode
        self.hover_previews_changed.connect(
            lambda _on: setattr(hover, "hover_mode", self.settings.hover_mode)
        )
        hover.open_external.connect(QDesktopServices.openUrl)
        hover.go_to_reference.connect(view.scroll_to_anchor)
        hover.open_article.connect(lambda i: self.open_article(i, focus=True))
        hover.jump_to_citation.connect(self.opener.jump_to_ordinal)
        refs = self.references_panel
        refs.citation_activated.connect(self.opener.jump_to_citation)
        refs.open_article.connect(lambda i: self.open_article(i, focus=True))
        self.exporter.finished.connect(  # what was written and where, with its path
            lambda _paths: self.statusBar().showMessage(self.exporter.last_message, 10_000)
        )
        self.exporter.failed.connect(lambda m: warn(self, "Export stopped", m))
        # Changes to the library, from this window or another process: each listener
        # reloads what it shows, so no panel refreshes another by hand.
        events = self.events
        events.articles_changed.connect(lambda _ids: self.library_panel.refresh())
        events.articles_changed.connect(lambda _ids: self.trash.reload())
        events.articles_changed.connect(
            lambda _ids: self.search.search_now() if self.search.active else None
        )
        events.articles_changed.connect(self.opener.on_articles_changed)
        events.annotations_changed.connect(lambda _id: self.library_panel.refresh())
        events.save_pending.connect(self.annotations_panel.flush)
        self.highlights.undo_stack.indexChanged.connect(
            lambda _i: events.annotations_changed.emit(self.highlights.article_id)
        )
        self.trash.message.connect(lambda m: self.statusBar().showMessage(m, 6000))
        self.trash.restored.connect(lambda ids: self.open_article(ids[0]) if ids else None)
        self.trash_panel.back_requested.connect(self.show_library)
        self.trash.count_changed.connect(self.library_panel.set_trash_count)
        self.library_panel.trash_requested.connect(self.show_trash)
        self.trash.reload()

    # --- articles ------------------------------------------------------------------------

    def open_article(
        self,
        article_id: int,
        *,
        focus: bool = False,
        restore_position: bool = True,
        fraction: float | None = None,
        record: bool = True,
    ) -> bool:
        """Show an article; see :meth:`ArticleOpener.open`."""
        return self.opener.open(
            article_id,
            focus=focus,
            restore_position=restore_position,
            fraction=fraction,
            record=record,
        )

    def open_hit(self, hit: SearchHit) -> None:
        """Open a search hit at its first match, with the matched words marked."""
        self.opener.open_hit(hit)

    def remove_current(self) -> bool:
        """Move the open article, with its highlights, to the Trash (asks; Ctrl+Z undoes)."""
        article = self.reader_view.article
        if article is None:
            return False
        return self.trash.move_to_trash(article.id)

    def show_trash(self) -> None:
        self.trash.reload()
        self.left_stack.setCurrentWidget(self.trash_panel)
        self.trash_panel.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_library(self) -> None:
        self._on_search_active(self.search.active)

    def toggle_read(self) -> None:
        self.opener.toggle_read()

    # --- search, focus, panes ------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def focus_library(self) -> None:
        if self.search.active:
            self.search_results.setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            self.library_panel.focus_list()

    def focus_reader(self) -> None:
        self.reader_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_contents(self) -> None:
        window_focus.focus_contents(self)

    def focus_side_tab(self, widget: QWidget) -> None:
        window_focus.focus_side_tab(self, widget)

    # --- exporting ---------------------------------------------------------------------------

    def export_current(self) -> None:
        article = self.reader_view.article
        if article is None:
            self.statusBar().showMessage("Open an article to export its highlights.", 4000)
            return
        self.events.save_pending.emit()
        self.exporter.export_article(article)

    def export_all(self) -> None:
        self.events.save_pending.emit()
        self.exporter.export_all()

    def panes(self) -> list[QWidget]:
        """The panes F6 cycles through, in order: list, search, article, side panel."""
        return window_focus.panes(self)

    def cycle_panes(self, step: int = 1) -> None:
        window_focus.cycle_panes(self, step)

    def _on_search_active(self, active: bool) -> None:
        self.left_stack.setCurrentWidget(self.search_results if active else self.library_panel)
        if not active:
            self.reader_view.set_mark_layer(SEARCH_LAYER, [])

    def _on_reader_escape(self) -> None:
        if self.find_bar.isVisible():
            self.find_bar.close_bar()
        else:
            self.reader_view.set_mark_layer(SEARCH_LAYER, [])

    def set_contents_visible(self, visible: bool) -> None:
        self.side_tabs.setVisible(bool(visible))
        self.action_show_contents.setChecked(bool(visible))
        self.settings.show_contents = bool(visible)

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()
        self.action_full_screen.setChecked(self.isFullScreen())

    # --- theme and font ----------------------------------------------------------------------

    @property
    def theme(self) -> themes.Theme:
        return self._theme

    def apply_theme(self, name: str, *, persist: bool = True) -> None:
        self._theme = themes.theme_named(name)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            themes.apply_theme(app, self._theme)
        self.setPalette(themes.palette_for(self._theme))
        self.reader_view.set_theme(self._theme)
        self.find_bar.set_theme(self._theme)
        self.search.set_theme(self._theme)
        self.theme_actions[self._theme.name].setChecked(True)
        if persist:
            self.settings.theme = self._theme.name

    # --- importing (see window_imports) ------------------------------------------------------

    def import_files(self) -> None:
        self.imports.choose_files()

    def import_folder(self) -> None:
        self.imports.choose_folder()

    def add_sample(self) -> None:
        self.imports.add_sample()

    def import_paths(
        self, paths: Sequence[str | Path], *, title: str = "Importing articles"
    ) -> bool:
        return self.imports.start(paths, title=title)

    def _update_count(self) -> None:
        total = self.library.count()
        shown = self.library_panel.model.total
        text = f"{total:,} article{'s' if total != 1 else ''}"
        if shown != total:
            text = f"{shown:,} of {text}"
        self.count_label.setText(text)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.imports.drag_enter(event)

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:
        self.imports.drag_enter(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.imports.drop(event)

    # --- dialogs ---------------------------------------------------------------------------

    def show_preferences(self) -> PreferencesDialog:
        return window_preferences.show_preferences(self)

    def show_shortcuts(self) -> None:
        window_actions.show_shortcuts(self)

    def show_about(self) -> None:
        window_actions.show_about(self)

    # --- persistence ---------------------------------------------------------------------

    def save_settings(self) -> None:
        save_window_state(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.search.shutdown()
        self.events.save_pending.emit()
        self.citation_hover.hide_card()
        self.reader_view.flush_reading_position()
        self.save_settings()
        if self.importer.busy:
            self.importer.cancel()
        self.exporter.cancel()
        self.tasks.wait()
        # Closed: nothing reloads any more (the library may be closed right after).
        self.watcher.stop()
        self.events.blockSignals(True)
        self.reader_view.blockSignals(True)  # a page still loading must not reach panels
        super().closeEvent(event)
