"""Figures in the window (issue 11): a PMC package's figures show in the reading view,
scaled to the column, with label and caption; a click opens the figure large (zoom,
Esc closes); Download Images runs as a task and is enabled only when there is
something to download."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from tests.ui.web_helpers import LOAD_TIMEOUT_MS, js

# MARGIN_UPDATE_SCREENSHOTS=1 writes it (the README shows it).
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "pmc-figures.png"
FIGURES = """Array.from(document.querySelectorAll('figure')).map(f => {
    const img = f.querySelector('img');
    return {
        loaded: img ? img.complete && img.naturalWidth : 0,
        shown: img ? img.getBoundingClientRect().width : 0,
        column: f.getBoundingClientRect().width,
        alt: img ? img.alt : '',
        caption: (f.querySelector('figcaption') || {}).textContent || ''};
})"""


@pytest.fixture
def pmc_window(make_window: Any, library, fixtures: Path, tmp_path: Path) -> Any:
    folder = tmp_path / "BMC_Res_Notes_2012_Nov_1_5_615"
    shutil.copytree(fixtures / "pmc-package", folder)
    report = library.import_paths([folder])
    assert not report.failed, report.results
    return make_window(library, size=(1280, 860))


def open_first(qtbot: Any, window: Any) -> int:
    article_id = window.library.article_ids()[0]
    with qtbot.waitSignal(window.reader_view.article_shown, timeout=LOAD_TIMEOUT_MS):
        window.open_article(article_id)
    return article_id


def loaded_figures(qtbot: Any, view: Any) -> list[dict[str, Any]]:
    def all_loaded() -> bool:
        figures = js(qtbot, view, FIGURES) or []
        return bool(figures) and all(f["loaded"] for f in figures)

    qtbot.waitUntil(all_loaded, timeout=LOAD_TIMEOUT_MS)
    return js(qtbot, view, FIGURES)


def test_pmc_figures_show_in_the_column_with_label_and_caption(qtbot, pmc_window, tmp_path):
    open_first(qtbot, pmc_window)
    view = pmc_window.reader_view
    figures = loaded_figures(qtbot, view)
    assert [f["alt"] for f in figures] == ["Figure 1", "Figure 2"]
    for figure in figures:
        assert 0 < figure["shown"] <= figure["column"]  # scaled to the column, never wider
        assert figure["caption"].startswith(figure["alt"])  # "Figure 1 …caption…"
    # The stored picture itself (a JPEG the library serves), not the placeholder SVG.
    natural = js(qtbot, view, "document.querySelector('figure img').naturalWidth")
    assert natural > 300
    assert view.blocked_requests == []
    # For the README: the first figure, with the text around it.
    js(qtbot, view, "window.scrollTo(0, document.querySelector('figure').offsetTop - 160)")
    qtbot.waitUntil(lambda: js(qtbot, view, "window.scrollY") > 0, timeout=LOAD_TIMEOUT_MS)
    with qtbot.waitSignal(view.article_painted, timeout=LOAD_TIMEOUT_MS):
        view.request_paint_report()
    qtbot.waitUntil(lambda: view.frame_shows_page(), timeout=LOAD_TIMEOUT_MS)
    shot = pmc_window.grab()
    assert shot.save(str(tmp_path / "pmc-figures.png"))
    if os.environ.get("MARGIN_UPDATE_SCREENSHOTS"):  # the README's picture
        assert shot.save(str(SCREENSHOT))


def test_a_click_opens_the_figure_large_and_esc_closes_it(qtbot, pmc_window):
    open_first(qtbot, pmc_window)
    view = pmc_window.reader_view
    loaded_figures(qtbot, view)
    with qtbot.waitSignal(view.figure_requested, timeout=LOAD_TIMEOUT_MS) as shown:
        js(qtbot, view, "document.querySelectorAll('figure img')[1].click()")
    name, alt, caption = shown.args
    assert alt == "Figure 2" and caption.startswith("Figure 2")
    viewer = pmc_window.images.viewer
    assert viewer is not None and viewer.isVisible()
    assert viewer.picture.accessibleName() == "Figure 2"
    assert not viewer.pixmap.isNull()
    data, _ = pmc_window.library.image(name)
    assert (viewer.pixmap.width(), viewer.pixmap.height()) == Image.open(io.BytesIO(data)).size
    fitted = viewer.scale
    qtbot.keyClick(viewer, Qt.Key.Key_Plus)
    assert viewer.scale == pytest.approx(fitted * 1.25)
    qtbot.keyClick(viewer, Qt.Key.Key_1)
    assert viewer.scale == 1.0
    with qtbot.waitSignal(viewer.finished):
        qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    assert pmc_window.images.viewer is None


def test_download_images_is_offered_only_for_web_images(qtbot, pmc_window, tmp_path):
    open_first(qtbot, pmc_window)
    action = pmc_window.images.download_action
    assert not action.isEnabled()  # every figure came with the package
    note = tmp_path / "web.md"
    note.write_text(
        "# Web figure\n\n"
        + "Words about sleep. " * 20
        + "\n\n![Chart](https://example.org/c.png)\n",
        encoding="utf-8",
    )
    (result,) = pmc_window.library.import_paths([note]).results
    with qtbot.waitSignal(pmc_window.reader_view.article_shown, timeout=LOAD_TIMEOUT_MS):
        pmc_window.open_article(result.article_id)
    assert action.isEnabled()
    go = next(a.menu() for a in pmc_window.menuBar().actions() if a.text() == "&Go")
    assert action in go.actions()


def test_export_all_can_show_highlighted_figures(qtbot, pmc_window, tmp_path, monkeypatch):
    from reader.ui.exporting import ExportDialog

    article_id = pmc_window.library.article_ids()[0]
    pmc_window.library.add_highlight_by_quote(article_id, "Distribution of SNVs")
    out = tmp_path / "vault"

    def fill_in(dialog: ExportDialog) -> int:
        dialog.folder_edit.setText(str(out))
        dialog.format_box.setCurrentIndex(dialog.format_box.findData("w3c"))
        assert not dialog.images.isEnabled()  # pictures only go with Markdown notes
        dialog.format_box.setCurrentIndex(dialog.format_box.findData("markdown"))
        dialog.images.setChecked(True)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ExportDialog, "exec", fill_in)
    with qtbot.waitSignal(pmc_window.exporter.finished, timeout=LOAD_TIMEOUT_MS) as done:
        pmc_window.action_export_all.trigger()
    (note,) = done.args[0]
    (picture,) = (out / "attachments").iterdir()
    assert f"(attachments/{picture.name})" in note.read_text(encoding="utf-8")


def test_download_images_fetches_shows_and_is_then_off(qtbot, make_window, library, tmp_path):
    from tests.core.test_fetch_images import Server

    server = Server()
    try:
        note = tmp_path / "web.md"
        note.write_text(
            "# Shift work\n\n" + "Sleep and memory. " * 20 + f"\n\n![Chart]({server.url}/normal)\n",
            encoding="utf-8",
        )
        library.import_paths([note])
        window = make_window(library)
        open_first(qtbot, window)
        assert server.requests == []  # opening an article fetches nothing
        action = window.images.download_action
        assert action.isEnabled()
        with qtbot.waitSignal(window.reader_view.article_shown, timeout=LOAD_TIMEOUT_MS):
            action.trigger()
        assert len(server.requests) == 1
        view = window.reader_view
        code = "(document.querySelector('img') || {naturalWidth: 0}).naturalWidth"
        qtbot.waitUntil(lambda: js(qtbot, view, code) == 12, timeout=LOAD_TIMEOUT_MS)
        assert not action.isEnabled()  # nothing left to ask for
        assert "Downloaded 1 image" in window.statusBar().currentMessage()
    finally:
        server.close()
