"""Make the README's screenshots from the bundled sample library, offscreen.

    python packaging/screenshots.py docs/screenshots

`margin --screenshot` covers the plain screens (library, search, an article in each
theme); this script adds the ones that need a user's actions first: highlights with
their panel, and a citation card open over the article. Pop-up cards are separate
windows, so they are painted onto the window's image where they appear on screen.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, QSettings
from PySide6.QtGui import QPainter, QTextCursor
from PySide6.QtWidgets import QApplication

from reader.core import sample
from reader.core.library import Library
from reader.ui.main_window import MainWindow


def settle(app: QApplication, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def grab_with_popups(window: MainWindow, popups: list) -> object:
    image = window.grab().toImage()
    painter = QPainter(image)
    for popup in popups:
        if popup.isVisible():
            offset = window.mapFromGlobal(popup.mapToGlobal(QPoint(0, 0)))
            painter.drawPixmap(offset, popup.grab())
    painter.end()
    return image


def main(out_dir: str) -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "qs"))
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("MarginScreenshots")
    library = Library(tmp / "library")
    sample.import_sample(library)
    by_title = {s.title: s.id for s in library.summaries()}
    seed = next(i for t, i in by_title.items() if t.startswith("Ketamine"))
    note = next(i for t, i in by_title.items() if t.startswith("Reading health"))

    library.add_highlight_by_quote(
        seed,
        "ketamine is generally considered to have a lower risk of abuse compared to opioids",
        color="green",
        note="Mechanism: **NMDA**, not mu-opioid. Compare with the 2019 review.",
        tags=["mechanism"],
    )
    library.add_highlight_by_quote(
        seed, "particularly to the bladder", color="red", note="Ask about urinary symptoms."
    )
    library.add_highlight_by_quote(
        seed, "fast-acting pain relief, often beginning within minutes", color="yellow"
    )
    library.set_article_note(seed, "For Thursday's journal club: dosing and cautions.")

    window = MainWindow(library, theme="light")
    window.resize(1400, 880)
    window.show()
    settle(app)

    window.open_article(seed, restore_position=False)
    window.side_tabs.setCurrentWidget(window.annotations_panel)
    view = window.reader_view
    cursor = view.document().find("lower risk of abuse")
    view.setTextCursor(QTextCursor(view.document()))
    view.scroll_to_position(max(0, cursor.position() - 900), top=True)
    settle(app)
    window.grab().save(str(out / "highlights.png"))

    window.open_article(note, restore_position=False)
    window.side_tabs.setCurrentWidget(window.references_panel)
    settle(app)
    href = "https://doi.org/10.1371/journal.pmed.0020124"
    cursor = view.document().find("doi.org/10.1371/journal.pmed.0020124")
    rect = view.cursorRect(cursor)
    global_rect = rect.translated(view.viewport().mapToGlobal(QPoint(0, 0)))
    window.citation_hover.show_card(href, global_rect, pinned=True)
    settle(app, 10)
    grab_with_popups(window, [window.citation_hover.card]).save(str(out / "citation-card.png"))
    window.citation_hover.hide_card()

    window.apply_theme("dark", persist=False)
    window.open_article(seed, restore_position=False)
    window.side_tabs.setCurrentWidget(window.annotations_panel)
    settle(app)
    window.grab().save(str(out / "highlights-dark.png"))
    window.close()
    library.close()
    print(f"saved screenshots to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
