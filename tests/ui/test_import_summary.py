"""The window's import report: what the importer repaired is shown, as the CLI shows it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QWidget

from reader.core.library import Library
from reader.core.model import ImportReport, ImportResult, ImportStatus
from reader.ui.importing import ImportController, ImportSummaryDialog, summary_line
from reader.ui.tasks import TaskRunner

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

# A JATS article with an entity no DTD defines: imported, with the entity kept as text.
JATS = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article"
 dtd-version="1.1"><front><article-meta><title-group>
<article-title>Sleep and pain</article-title></title-group></article-meta></front>
<body><p>Alpha &notanentity; beta omega.</p></body></article>
"""


def _files(folder: Path) -> list[Path]:
    folder.mkdir()
    (folder / "clean.md").write_text("---\ntitle: A clean note\n---\n\nFine.\n", "utf-8")
    (folder / "sleep.xml").write_text(JATS, "utf-8")
    return [folder / "clean.md", folder / "sleep.xml"]


def test_an_import_with_repairs_opens_the_report_and_shows_them_under_the_title(
    qtbot, library: Library, tmp_path: Path
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    importer = ImportController(library, parent, TaskRunner(synchronous=True))
    with qtbot.waitSignal(importer.finished) as finished:
        assert importer.start(_files(tmp_path / "in"))
    report: ImportReport = finished.args[0]
    assert not report.failed  # nothing failed, yet there is something to read
    dialog = importer.summary_dialog
    assert isinstance(dialog, ImportSummaryDialog) and dialog.isVisible()

    # The counts come first and stay whole; the repair is counted in them.
    headline = dialog.findChild(type(dialog.repairs), "importHeadline")
    assert headline.text() == "2 added (1 repaired)"
    assert not dialog.repairs.isHidden() and "Repaired" in dialog.repairs.text()
    # The repaired article is listed first, its note under its title.
    first = dialog.tree.topLevelItem(0)
    assert first.text(0) == "Added, repaired"
    title, note = first.text(1).split("\n")
    assert title == "Sleep and pain"
    assert note.startswith("Repaired: unknown entities kept as text") and "&notanentity;" in note
    assert dialog.tree.topLevelItem(1).text(1) == "A clean note"
    # Both lines are on screen: the repaired row is taller than the clean one.
    dialog.resize(720, 420)
    qtbot.waitExposed(dialog)
    tree = dialog.tree
    repaired_row = tree.visualItemRect(first)
    clean_row = tree.visualItemRect(tree.topLevelItem(1))
    assert repaired_row.height() >= 2 * clean_row.height() - 4
    # Selected, the whole note shows below the list too, with the file.
    tree.setCurrentItem(first)
    assert note in dialog.detail.text() and "sleep.xml" in dialog.detail.text()

    picture = dialog.grab()
    assert not picture.isNull()
    shot = Path(os.environ.get("MARGIN_SHOTS", tmp_path)) / "import-summary-repaired.png"
    assert picture.save(str(shot))


def test_a_long_repair_note_is_shown_whole_in_a_narrow_report(qtbot) -> None:
    note = (
        "unknown entities kept as text: &nbsp2;, &mdashx;, &foo; and 4 more; "
        "3 control character(s) that XML does not allow were removed"
    )
    title = "Magnesium supplementation for sleep quality in older adults: a randomised trial"
    report = ImportReport(
        results=[
            ImportResult("posts/export-2024.xml", ImportStatus.ADDED, note, 3, title),
            ImportResult("b.md", ImportStatus.ADDED, "", 4, "A clean note"),
        ]
    )
    dialog = ImportSummaryDialog(report)
    qtbot.addWidget(dialog)
    dialog.resize(560, 420)
    dialog.show()
    qtbot.waitExposed(dialog)
    tree = dialog.tree
    item = tree.topLevelItem(0)
    text = item.text(1)
    width = tree.header().sectionSize(1)
    assert width < tree.fontMetrics().horizontalAdvance(text)  # it has to wrap
    # The row is as tall as the text wrapped at its column's width: no line is cut off.
    needed = tree.fontMetrics().boundingRect(
        QRect(0, 0, width - 8, 10_000), Qt.TextFlag.TextWordWrap, text
    )
    assert tree.visualItemRect(item).height() >= needed.height()


def test_a_clean_import_opens_no_report() -> None:
    report = ImportReport(
        results=[ImportResult("a.md", ImportStatus.ADDED, article_id=1, title="A")]
    )
    assert summary_line(report) == "1 added"
    dialog = ImportSummaryDialog(report)
    assert dialog.repairs.isHidden()
    assert dialog.tree.topLevelItem(0).text(0) == "Added"
    dialog.deleteLater()


def test_every_updated_article_repaired_is_said_once() -> None:
    report = ImportReport(
        results=[
            ImportResult("a.xml", ImportStatus.UPDATED, "1 control character(s) removed", 1, "A"),
            ImportResult("b.xml", ImportStatus.FAILED, "not XML"),
        ]
    )
    assert summary_line(report) == "1 updated (repaired), 1 failed"


@pytest.mark.corpus
def test_a_missing_picture_is_counted_apart_from_the_skipped_file(
    qtbot, library: Library, corpora: Path, fixtures: Path, tmp_path: Path
) -> None:
    # The R4EPI outbreak page: imported, 4 pictures stored, msfepimeasles.jpg missing.
    # A file of WordPress comments: skipped. One file skipped, one picture problem.
    page = corpora / "images/markdown-bundles/r4epi-website/content/outbreaks/_index.en.md"
    comments = fixtures / "wp-rest-json" / "post-60-comments.json"
    parent = QWidget()
    qtbot.addWidget(parent)
    importer = ImportController(library, parent, TaskRunner(synchronous=True))
    with qtbot.waitSignal(importer.finished) as finished:
        assert importer.start([page, comments])
    report: ImportReport = finished.args[0]
    assert summary_line(report) == "1 added, 1 skipped; 1 picture problem"  # the status bar
    dialog = importer.summary_dialog
    assert isinstance(dialog, ImportSummaryDialog) and dialog.isVisible()
    headline = dialog.findChild(type(dialog.repairs), "importHeadline")
    assert headline.text() == "1 added, 1 skipped; 1 picture problem"
    assert not dialog.pictures.isHidden() and "was imported" in dialog.pictures.text()
    # Every line is listed with its reason: the skipped file, then the picture (naming
    # the article it is missing from), then the article.
    rows = [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())]
    assert [row.text(0) for row in rows] == ["Skipped", "Picture", "Added"]
    assert rows[0].text(1) == "WordPress comment, not an article (3 in this file)"
    reason, article = rows[1].text(1).split("\n")
    assert reason == (
        "images/msfepimeasles.jpg?width=30pc: image not found (its description is shown instead)"
    )
    assert article == "In: About Outbreak Templates"
    assert rows[1].text(2) == "_index.en.md" and rows[1].toolTip(2) == str(page)
    dialog.tree.setCurrentItem(rows[1])
    assert reason in dialog.detail.text() and str(page) in dialog.detail.text()

    dialog.resize(720, 420)
    qtbot.waitExposed(dialog)
    picture = dialog.grab()
    assert not picture.isNull()
    shot = Path(os.environ.get("MARGIN_SHOTS", tmp_path)) / "import-summary-pictures.png"
    assert picture.save(str(shot))
