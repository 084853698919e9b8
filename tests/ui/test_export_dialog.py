"""The window's export dialogs: which articles, the remembered folder, and "Update"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from reader.core.library import Library
from reader.ui.exporting import ExportController, ExportDialog

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "ketamine-for-pain.json"
NOTES = Path(__file__).resolve().parents[1] / "fixtures" / "markdown"


@pytest.fixture
def three_articles(library: Library) -> Library:
    """The seed, highlighted, and two Markdown articles with nothing of the user's."""
    paths = [SEED, NOTES / "hydration-semicolons.md", NOTES / "vitamin-d-yaml.md"]
    report = library.import_paths(paths)
    assert not report.failed
    library.add_highlight_by_quote(report.results[0].article_id, "lower risk of abuse")
    return library


def _accept_with(monkeypatch: pytest.MonkeyPatch, **fields: Any) -> list[str]:
    """Stub the dialog's exec: fill it in as a user would, press Export. Returns what
    the dialogs said about the library."""
    shown: list[str] = []

    def fill_in(dialog: ExportDialog) -> int:
        shown.append(dialog.summary.text())
        if "folder" in fields:
            dialog.folder_edit.setText(str(fields["folder"]))
        if "every_article" in fields:
            dialog.every_article.setChecked(fields["every_article"])
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ExportDialog, "exec", fill_in)
    return shown


def test_export_all_writes_articles_with_highlights_unless_asked_for_every_one(
    qtbot, make_window, three_articles: Library, tmp_path: Path, monkeypatch
) -> None:
    window = make_window(three_articles)
    out = tmp_path / "notes"
    shown = _accept_with(monkeypatch, folder=out)
    with qtbot.waitSignal(window.exporter.finished, timeout=10_000) as done:
        window.action_export_all.trigger()
    (written,) = done.args[0]
    assert "ketamine-for-pain" in written.name and list(out.iterdir()) == [written]
    assert shown[0].startswith("1 of 3 articles has highlights or a note.")
    # The status bar says how many and where, in full.
    assert window.statusBar().currentMessage() == f"Exported 1 file to {out.resolve()}"

    _accept_with(monkeypatch, every_article=True)
    with qtbot.waitSignal(window.exporter.finished, timeout=10_000) as done:
        window.action_export_all.trigger()
    assert len(done.args[0]) == 3 and len(list(out.iterdir())) == 3


def test_the_export_dialog_remembers_the_folder_and_the_choice(
    qtbot, three_articles: Library, tmp_path: Path
) -> None:
    first = ExportDialog(None, three_articles)
    qtbot.addWidget(first)
    assert first.every_article.text() == "Also the 2 articles without highlights or notes"
    first.folder_edit.setText(str(tmp_path / "exports"))
    first.every_article.setChecked(True)
    first.accept()
    again = ExportDialog(None, three_articles)
    qtbot.addWidget(again)
    assert again.folder_edit.text() == str(tmp_path / "exports")
    assert again.every_article.isChecked()
    assert again.choice().fmt == "markdown"


def test_re_exporting_an_article_asks_to_update_with_update_as_the_default(
    qtbot, make_window, three_articles: Library, tmp_path: Path, monkeypatch
) -> None:
    window = make_window(three_articles)
    controller: ExportController = window.exporter
    article = three_articles.article(1)
    target = tmp_path / "club" / "ketamine.md"
    target.parent.mkdir()
    asked: list[dict[str, Any]] = []

    def save_as(*args: Any, **kwargs: Any) -> tuple[str, str]:
        asked.append({"start": args[2], "options": kwargs.get("options")})
        return str(target), "Markdown (*.md)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    with qtbot.waitSignal(controller.finished, timeout=10_000):  # written off the UI thread
        assert controller.export_article(article) == target
    # The status bar names the file written, with its folder.
    message = window.statusBar().currentMessage()
    assert message == f"Exported the highlights to {target.resolve()}"
    # The next save starts in the folder used last, named after the article.
    controller.export_article(article)
    assert asked[1]["start"] == str(target.parent / "ketamine-for-pain-a-guide-1.md")
    # Qt's own "Replace?" (No by default) is off: re-exporting merges, so Margin asks.
    assert asked[0]["options"] == QFileDialog.Option.DontConfirmOverwrite

    questions: list[tuple[str, str]] = []

    def answer(box: QMessageBox, button: str) -> int:
        questions.append((box.text(), box.defaultButton().text()))
        chosen = next(b for b in box.buttons() if b.text() == button)
        chosen.click()
        return 0

    target.write_text(target.read_text(encoding="utf-8") + "\nMy own words.\n", "utf-8")
    monkeypatch.setattr(QMessageBox, "exec", lambda box: answer(box, "Cancel"))
    assert controller.export_article(article) is None
    monkeypatch.setattr(QMessageBox, "exec", lambda box: answer(box, "Update"))
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        assert controller.export_article(article) == target
    assert questions[-1] == ("“ketamine.md” is already there. Update it?", "Update")
    text = target.read_text(encoding="utf-8")
    assert text.endswith("My own words.\n") and "> lower risk of abuse" in text


def test_export_all_as_w3c_counts_and_writes_articles_whose_highlights_were_deleted(
    qtbot, make_window, three_articles: Library, tmp_path: Path, monkeypatch
) -> None:
    # The second article had a highlight, deleted since: nothing of it is left to read,
    # but other copies of the library must hear of the deletion.
    gone = three_articles.add_highlight_by_quote(2, "eight glasses")
    three_articles.remove_annotation(gone.uuid)
    window = make_window(three_articles)
    shown: list[tuple[str, str]] = []

    def fill_in(dialog: ExportDialog) -> int:
        shown.append((dialog.summary.text(), dialog.every_article.text()))
        dialog.format_box.setCurrentIndex(dialog.format_box.findData("w3c"))
        shown.append((dialog.summary.text(), dialog.every_article.text()))
        dialog.folder_edit.setText(str(tmp_path / "w3c"))
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ExportDialog, "exec", fill_in)
    with qtbot.waitSignal(window.exporter.finished, timeout=10_000) as done:
        window.action_export_all.trigger()
    markdown, w3c = shown
    assert markdown[0].startswith("1 of 3 articles has highlights or a note.")
    assert markdown[1] == "Also the 2 articles without highlights or notes"
    assert w3c[0].startswith("2 of 3 articles have highlights, a note or deleted highlights.")
    assert w3c[1] == "Also the 1 article without highlights, notes or deleted highlights"
    assert len(done.args[0]) == 2
    tombstones = next(p for p in done.args[0] if gone.uuid in p.read_text(encoding="utf-8"))
    assert gone.quote.exact not in tombstones.read_text(encoding="utf-8")
    assert (
        window.statusBar().currentMessage() == f"Exported 2 files to {(tmp_path / 'w3c').resolve()}"
    )


def test_export_all_with_nothing_to_export_says_so_in_the_status_bar(
    qtbot, make_window, library: Library, tmp_path: Path, monkeypatch
) -> None:
    library.import_paths([NOTES / "vitamin-d-yaml.md"])
    window = make_window(library)
    _accept_with(monkeypatch, folder=tmp_path / "notes")
    with qtbot.waitSignal(window.exporter.finished, timeout=10_000) as done:
        window.action_export_all.trigger()
    assert done.args[0] == []
    message = window.statusBar().currentMessage()
    assert message == "Nothing to export: no article has highlights or a note."
