"""The window's actions, their shortcuts and the menu bar that lists them.

Each action is kept on the window (``window.action_find``…) so menus, tests and the
window's own handlers reach it by name; what an action does stays in ``MainWindow``
(except the Help menu's two message boxes, which need nothing from it).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from reader import __version__
from reader.ui import theme as themes

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

# Help ▸ Keyboard Shortcuts (F1): every shortcut of the menus but the universal ones
# (copy, select all, undo, redo, quit); a test keeps it complete.
SHORTCUT_HELP = [
    ("Search the library", "Ctrl+K"),
    ("Find in the article", "Ctrl+F, then F3 / Shift+F3"),
    ("Next / previous article", "Alt+Down / Alt+Up"),
    ("Back / forward (articles, citation jumps)", "Alt+Left / Alt+Right"),
    ("Mark read or unread", "Ctrl+U"),
    ("Move the article to the Trash", "Del"),
    ("Highlight the selection / with a note", "Ctrl+H / Ctrl+Shift+H"),
    ("Highlight the current Find match (nothing selected)", "Ctrl+F, then Ctrl+H"),
    ("Undo / redo (highlights, notes, the Trash)", "Ctrl+Z / Ctrl+Shift+Z or Ctrl+Y"),
    ("Citation card for the focused link", "Enter (Shift+Enter follows the link)"),
    ("Export highlights (this article / all)", "Ctrl+E / Ctrl+Shift+E"),
    ("Larger / smaller / normal text", "Ctrl+= / Ctrl+- / Ctrl+0"),
    ("Move between panes", "F6 / Shift+F6"),
    ("Go to the library / the article", "Ctrl+1 / Ctrl+2"),
    ("Go to the contents / highlights / sources", "Ctrl+3 / Ctrl+4 / Ctrl+5"),
    ("Show or hide the side panel", "Ctrl+Shift+C"),
    ("Full screen", "F11"),
    ("Walk the links of an article", "Tab / Shift+Tab, Enter to follow"),
    ("Import files / a folder", "Ctrl+O / Ctrl+Shift+O"),
    ("Preferences", "Ctrl+,"),
    ("These shortcuts", "F1"),
]


def sequences(*items: QKeySequence.StandardKey | str) -> list[QKeySequence]:
    """Standard keys first, then explicit fallbacks, without duplicates or empties."""
    out: list[QKeySequence] = []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, QKeySequence.StandardKey):
            candidates = QKeySequence.keyBindings(item)
        else:
            candidates = [QKeySequence(item)]
        for seq in candidates:
            text = seq.toString()
            if text and text not in seen:
                seen.add(text)
                out.append(seq)
    return out


def show_shortcuts(parent: QWidget) -> None:
    """Help ▸ Keyboard Shortcuts: the table of ``SHORTCUT_HELP``."""
    rows = "".join(
        f"<tr><td>{html.escape(a)}</td><td><b>{html.escape(k)}</b></td></tr>"
        for a, k in SHORTCUT_HELP
    )
    box = QMessageBox(parent)
    box.setWindowTitle("Keyboard Shortcuts")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(f"<table cellspacing='6'>{rows}</table>")
    box.exec()


def show_about(parent: QWidget) -> None:
    QMessageBox.about(
        parent,
        "About Margin",
        f"<h3>Margin {__version__}</h3><p>Read, search and annotate health articles "
        "offline.</p><p>Free software under the GNU GPL, version 3 or later.</p>",
    )


def _add_action(
    window: MainWindow,
    text: str,
    slot: object,
    shortcuts: Sequence[QKeySequence] = (),
    *,
    tip: str = "",
    checkable: bool = False,
) -> QAction:
    action = QAction(text, window)
    if shortcuts:
        action.setShortcuts(list(shortcuts))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    if tip:
        action.setStatusTip(tip)
    action.setCheckable(checkable)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def build_actions(window: MainWindow) -> None:
    """Create every action of the window, with its shortcuts, as ``window.action_*``."""
    sk = QKeySequence.StandardKey
    a = partial(_add_action, window)
    window.action_import_files = a(
        "&Import Files…",
        window.import_files,
        sequences(sk.Open, "Ctrl+O"),
        tip="Import article files or .zip archives",
    )
    window.action_import_folder = a(
        "Import &Folder…", window.import_folder, sequences("Ctrl+Shift+O")
    )
    window.action_add_sample = a("Add the &Sample Articles", window.add_sample)
    window.action_preferences = a(
        "&Preferences…", window.show_preferences, sequences(sk.Preferences, "Ctrl+,")
    )
    window.action_preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
    window.action_quit = a("&Quit", window.close, sequences(sk.Quit, "Ctrl+Q"))
    window.action_quit.setMenuRole(QAction.MenuRole.QuitRole)

    window.action_copy = a("&Copy", window.reader_view.copy, sequences(sk.Copy, "Ctrl+C"))
    window.action_copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    window.reader_view.addAction(window.action_copy)
    # Copy has something to copy only while words in the article are selected. The
    # page's own selection_changed, not QWebEngineView.selectionChanged (which missed
    # selections made by script); a new page starts with nothing selected.
    window.action_copy.setEnabled(False)
    window.reader_view.selection_changed.connect(
        lambda: window.action_copy.setEnabled(bool(window.reader_view.selection))
    )
    window.reader_view.loadStarted.connect(lambda: window.action_copy.setEnabled(False))
    window.action_select_all = a("Select &All", window.reader_view.select_all)
    window.action_find = a(
        "&Find in Article…", window.find_bar.open_bar, sequences(sk.Find, "Ctrl+F")
    )
    window.action_find_next = a(
        "Find Ne&xt", window.find_bar.find_next, sequences(sk.FindNext, "F3")
    )
    window.action_find_previous = a(
        "Find Pre&vious", window.find_bar.find_previous, sequences(sk.FindPrevious, "Shift+F3")
    )
    window.action_back = a(
        "&Back",
        window.reader_view.go_back,
        sequences(sk.Back, "Alt+Left"),
        tip="Back to where you were reading (across articles and jumps)",
    )
    window.action_forward = a(
        "&Forward", window.reader_view.go_forward, sequences(sk.Forward, "Alt+Right")
    )
    window.action_search = a(
        "&Search the Library", window.focus_search, sequences("Ctrl+K", "Ctrl+Shift+F")
    )
    # setShortcuts, not setShortcut: a standard key has several bindings (Redo is
    # Ctrl+Shift+Z and Ctrl+Y here), and setShortcut keeps only the first.
    undo_stack = window.highlights.undo_stack
    window.action_undo = undo_stack.createUndoAction(window, "&Undo")
    window.action_undo.setShortcuts(sequences(sk.Undo, "Ctrl+Z"))
    window.action_redo = undo_stack.createRedoAction(window, "&Redo")
    window.action_redo.setShortcuts(sequences(sk.Redo, "Ctrl+Shift+Z", "Ctrl+Y"))
    window.addActions([window.action_undo, window.action_redo])
    window.highlights.follow_find_bar(window.find_bar)
    window.action_export_article = a(
        "&Export Highlights as Markdown…",
        window.export_current,
        sequences("Ctrl+E"),
        tip="Save this article's highlights and notes as a Markdown file",
    )
    window.action_export_all = a(
        "Export &All Highlights to a Folder…",
        window.export_all,
        sequences("Ctrl+Shift+E"),
        tip="One Markdown file per article; text you added to earlier exports is kept",
    )

    window.theme_group = QActionGroup(window)
    window.theme_group.setExclusive(True)
    window.theme_actions = {}
    for name in themes.THEMES:
        action = QAction(themes.theme_named(name).label, window, checkable=True)
        action.triggered.connect(lambda _checked=False, n=name: window.apply_theme(n))
        window.theme_group.addAction(action)
        window.theme_actions[name] = action
    window.action_zoom_in = a(
        "Zoom &In", window.reader_view.zoom_in, sequences(sk.ZoomIn, "Ctrl+=", "Ctrl++")
    )
    window.action_zoom_out = a(
        "Zoom &Out", window.reader_view.zoom_out, sequences(sk.ZoomOut, "Ctrl+-")
    )
    window.action_zoom_reset = a("&Actual Size", window.reader_view.reset_zoom, sequences("Ctrl+0"))
    window.action_show_contents = a(
        "Show &Side Panel",
        window.set_contents_visible,
        sequences("Ctrl+Shift+C"),
        checkable=True,
    )
    window.action_full_screen = a(
        "&Full Screen",
        window.toggle_full_screen,
        sequences(sk.FullScreen, "F11"),
        checkable=True,
    )
    window.action_next_pane = a(
        "Next &Pane", lambda: window.cycle_panes(1), sequences(sk.NextChild, "F6")
    )
    window.action_previous_pane = a(
        "Previous Pa&ne", lambda: window.cycle_panes(-1), sequences(sk.PreviousChild, "Shift+F6")
    )
    # Ctrl+Tab is for tab widgets; F6 is the pane key here.
    window.action_next_pane.setShortcuts(sequences("F6"))
    window.action_previous_pane.setShortcuts(sequences("Shift+F6"))

    window.action_next_article = a(
        "&Next Article", lambda: window.navigator.step(1), sequences("Alt+Down")
    )
    window.action_previous_article = a(
        "&Previous Article", lambda: window.navigator.step(-1), sequences("Alt+Up")
    )
    window.action_toggle_read = a("Mark as &Unread", window.toggle_read, sequences("Ctrl+U"))
    window.action_remove = a(
        "&Move to Trash…",
        window.remove_current,
        sequences(sk.Delete, "Del"),
        tip="Move this article, with its highlights and notes, to the Trash (Ctrl+Z undoes)",
    )
    window.action_show_trash = a(
        "&Trash", window.show_trash, tip="Articles removed in the last 30 days: restore them"
    )
    # Delete in the article view or the search box must not remove articles.
    window.action_remove.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    window.library_panel.addAction(window.action_remove)
    window.action_go_library = a("&Library", window.focus_library, sequences("Ctrl+1"))
    window.action_go_article = a("&Article", window.focus_reader, sequences("Ctrl+2"))
    window.action_go_contents = a("&Contents", window.focus_contents, sequences("Ctrl+3"))
    window.action_go_highlights = a(
        "&Highlights", lambda: window.focus_side_tab(window.annotations_panel), sequences("Ctrl+4")
    )
    window.action_go_sources = a(
        "S&ources", lambda: window.focus_side_tab(window.references_panel), sequences("Ctrl+5")
    )

    window.action_shortcuts = a(
        "&Keyboard Shortcuts", window.show_shortcuts, sequences(sk.HelpContents, "F1")
    )
    window.action_about = a("&About Margin", window.show_about)
    window.action_about.setMenuRole(QAction.MenuRole.AboutRole)


def build_menus(window: MainWindow) -> None:
    """The menu bar: File, Edit, View, Go, Help."""
    bar = window.menuBar()
    bar.setAccessibleName("Menu bar")
    file = bar.addMenu("&File")
    file.addActions(
        [window.action_import_files, window.action_import_folder, window.action_add_sample]
    )
    file.addSeparator()
    file.addActions([window.action_export_article, window.action_export_all])
    file.addSeparator()
    file.addAction(window.action_preferences)
    file.addSeparator()
    file.addAction(window.action_quit)
    edit = bar.addMenu("&Edit")
    edit.addActions([window.action_undo, window.action_redo])
    edit.addSeparator()
    edit.addActions([window.action_copy, window.action_select_all])
    edit.addSeparator()
    edit.addActions([window.highlights.highlight_action, window.highlights.note_action])
    edit.addSeparator()
    edit.addActions([window.action_find, window.action_find_next, window.action_find_previous])
    edit.addSeparator()
    edit.addAction(window.action_search)
    view = bar.addMenu("&View")
    theme_menu = view.addMenu("&Theme")
    theme_menu.addActions(list(window.theme_actions.values()))
    view.addSeparator()
    view.addActions([window.action_zoom_in, window.action_zoom_out, window.action_zoom_reset])
    view.addSeparator()
    view.addActions([window.action_show_contents, window.action_full_screen])
    view.addSeparator()
    view.addActions([window.action_next_pane, window.action_previous_pane])
    go = bar.addMenu("&Go")
    go.addActions([window.action_next_article, window.action_previous_article])
    go.addActions([window.action_back, window.action_forward])
    go.addSeparator()
    go.addActions([window.action_toggle_read, window.action_remove, window.action_show_trash])
    go.addAction(window.images.download_action)
    go.addSeparator()
    go.addActions(
        [
            window.action_go_library,
            window.action_search,
            window.action_go_article,
            window.action_go_contents,
            window.action_go_highlights,
            window.action_go_sources,
        ]
    )
    help_menu = bar.addMenu("&Help")
    help_menu.addActions([window.action_shortcuts, window.action_about])
