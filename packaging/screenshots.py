"""Make the README's screenshots from the bundled sample library, offscreen.

    python packaging/screenshots.py docs/screenshots

`margin --screenshot` covers the plain screens (library, search, an article in each
theme); this script adds the ones that need a user's actions first: highlights with
their panel (light and dark), a citation card open over the article, and a JATS
article with a wide table, figures and MathML formulas (eLife's feature sample from
../shared/corpora when it is there, else the PLOS trial in the sample). Every shot
waits until the reading view has painted its page. Pop-up cards are separate windows,
so they are painted onto the window's image where they appear on screen.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QEventLoop, QPoint, QRect, QSettings, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication

from reader.core import sample
from reader.core.library import Library
from reader.ui.app import wait_until_painted
from reader.ui.main_window import MainWindow
from reader.ui.reader import prepare_web_engine
from reader.ui.reader.scheme import release_profile

REPO = Path(__file__).resolve().parent.parent
ELIFE = REPO.parent / "shared" / "corpora" / "jats" / "elife-tools" / "elife-00666.xml"


def wait(condition: Callable[[], bool], timeout_s: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        pause = QEventLoop()
        QTimer.singleShot(10, pause.quit)
        pause.exec()
    return True


def page(window: MainWindow, code: str) -> Any:
    """Run page code in the reading view and wait for its (JSON) result."""
    results: list[Any] = []
    window.reader_view.run_js(f"JSON.stringify(({code}) ?? null)", results.append)
    wait(lambda: bool(results))
    return json.loads(results[0]) if results and isinstance(results[0], str) else None


def open_painted(app: QApplication, window: MainWindow, article_id: int) -> None:
    view = window.reader_view
    window.open_article(article_id, restore_position=False)
    wait(lambda: view.ready and view.article is not None and view.article.id == article_id)
    wait_until_painted(app, window)


def scrolled(app: QApplication, window: MainWindow, code: str) -> None:
    """Scroll the page with ``code``, then wait for the view to hear of it and repaint."""
    view = window.reader_view
    page(window, code)
    wait(lambda: view.scroll_y == page(window, "Math.round(window.scrollY)"))
    frame = view.grab().toImage()
    wait(lambda: view.grab().toImage() != frame, 2.0)
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
    prepare_web_engine()  # before the QApplication: Margin's URL scheme
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("MarginScreenshots")
    library = Library(tmp / "library")
    sample.import_sample(library)
    by_title = {s.title: s.id for s in library.summaries()}
    seed = next(i for t, i in by_title.items() if t.startswith("Ketamine"))
    note = next(i for t, i in by_title.items() if t.startswith("Reading health"))
    trial = next(i for t, i in by_title.items() if t.startswith("Acupuncture"))
    jats = trial
    if ELIFE.is_file():
        added = [r for r in library.import_paths([ELIFE]).results if r.article_id]
        jats = added[0].article_id if added else trial

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
    app.processEvents()
    view = window.reader_view

    # A JATS article: a wide table in its own scroll box, then its figures.
    open_painted(app, window, jats)
    window.side_tabs.setCurrentWidget(window.toc)
    scrolled(
        app,
        window,
        "(() => { const boxes = Array.from(document.querySelectorAll('.table-box'));"
        " const wide = boxes.find(b => b.scrollWidth > b.clientWidth + 10) || boxes[0];"
        " if (wide) { wide.scrollIntoView(); window.scrollBy(0, -160); } return 1; })()",
    )
    window.grab().save(str(out / "article-jats-table.png"))
    scrolled(
        app,
        window,
        "(() => { const f = document.querySelector('figure');"
        " if (f) { f.scrollIntoView(); window.scrollBy(0, -120); } return 1; })()",
    )
    window.grab().save(str(out / "article-jats-figures.png"))
    scrolled(
        app,
        window,
        "(() => { const m = document.querySelector('math[display=block]')"
        " || document.querySelector('math');"
        " if (m) { m.scrollIntoView(); window.scrollBy(0, -260); } return 1; })()",
    )
    window.grab().save(str(out / "article-jats-formula.png"))

    # The seed with its highlights and the annotations panel, light then dark.
    open_painted(app, window, seed)
    window.side_tabs.setCurrentWidget(window.annotations_panel)
    scrolled(
        app,
        window,
        "(() => { window.find('often beginning within minutes', true);"
        " const r = getSelection().getRangeAt(0).getBoundingClientRect();"
        " getSelection().removeAllRanges(); window.scrollBy(0, r.top - 120); return 1; })()",
    )
    window.grab().save(str(out / "highlights.png"))
    window.apply_theme("dark", persist=False)
    wait(lambda: page(window, "getComputedStyle(document.body).backgroundColor")
         == "rgb(28, 30, 34)")  # fmt: skip
    scrolled(app, window, "(window.scrollBy(0, 1), 1)")
    window.grab().save(str(out / "highlights-dark.png"))
    window.apply_theme("light", persist=False)

    # A citation card, at the link the page reports.
    open_painted(app, window, note)
    window.side_tabs.setCurrentWidget(window.references_panel)
    href = "https://doi.org/10.1371/journal.pmed.0020124"
    rect = page(
        window,
        f"(() => {{ const a = document.querySelector('a[href=\"{href}\"]');"
        " a.scrollIntoView({block: 'center'}); const r = a.getClientRects()[0];"
        " return [r.left, r.top, r.width, r.height]; })()",
    )
    wait(lambda: view.scroll_y == page(window, "Math.round(window.scrollY)"))
    x, y, w, h = (round(v) for v in rect)
    window.citation_hover.show_card(href, QRect(view.mapToGlobal(QPoint(x, y)), QPoint(
        view.mapToGlobal(QPoint(x + w, y + h)))), pinned=True)  # fmt: skip
    wait(lambda: window.citation_hover.card.isVisible())
    # The offscreen screen is 800 px wide and the card keeps inside it; on a desktop
    # screen the card sits right under the link, so place it there for the picture.
    window.citation_hover.card.move(view.mapToGlobal(QPoint(x, y + h + 6)))
    app.processEvents()
    grab_with_popups(window, [window.citation_hover.card]).save(str(out / "citation-card.png"))
    window.citation_hover.hide_card()

    window.close()
    window.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    release_profile()  # pages first, then their profile: an orderly engine shutdown
    library.close()
    print(f"saved screenshots to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
