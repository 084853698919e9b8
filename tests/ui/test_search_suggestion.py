"""The search box's "Did you mean …?": shown above the results, clickable, and the
corrected results when the typed words find nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from reader.core.library import Library
from reader.ui.search import SearchController, SearchField
from reader.ui.search_results import SearchResultsView


class SearchPane(QWidget):
    """The field, the message and the results as the window lays them out."""

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.field = SearchField(self)
        self.message = QLabel(self)
        self.results = SearchResultsView(self)
        self.search = SearchController(library, self.field, self.message, self.results, self)
        layout = QVBoxLayout(self)
        for widget in (self.field, self.message, self.results):
            layout.addWidget(widget)
        self.resize(360, 480)


@pytest.fixture
def pane(qtbot: Any, filled_library: Library) -> Iterator[SearchPane]:
    widget = SearchPane(filled_library)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.search.shutdown()


def type_and_wait(qtbot: Any, pane: SearchPane, text: str) -> Any:
    with qtbot.waitSignal(pane.search.searched, timeout=5000) as blocker:
        QTest.keyClicks(pane.field, text)
    return blocker.args[0]


def test_a_word_in_no_article_offers_did_you_mean_above_the_results(
    qtbot: Any, pane: SearchPane
) -> None:
    results = type_and_wait(qtbot, pane, "ketamne receptors")
    suggestion = pane.results.suggestion
    assert results.suggestion == "ketamine receptors"
    assert suggestion.isVisible()
    assert "Did you mean" in suggestion.text() and "ketamine receptors" in suggestion.text()
    # above the first result, not over it
    first = pane.results.visualRect(pane.search.model.index(0))
    top_of_first = pane.results.viewport().mapTo(pane.results, first.topLeft()).y()
    assert suggestion.geometry().bottom() < top_of_first

    with qtbot.waitSignal(pane.search.searched, timeout=5000) as blocker:
        QTest.mouseClick(suggestion, Qt.MouseButton.LeftButton)
    assert pane.field.text() == "ketamine receptors"
    assert blocker.args[0].suggestion is None
    assert not suggestion.isVisible()
    assert pane.search.model.hit(0).title == "Ketamine for Pain"


def test_the_suggestion_is_taken_with_the_keyboard_too(qtbot: Any, pane: SearchPane) -> None:
    type_and_wait(qtbot, pane, "ketamne receptors")
    with qtbot.waitSignal(pane.search.searched, timeout=5000):
        QTest.keyClick(pane.results.suggestion, Qt.Key.Key_Return)
    assert pane.field.text() == "ketamine receptors"


def test_nothing_found_shows_the_corrected_results_and_says_so(
    qtbot: Any, pane: SearchPane
) -> None:
    results = type_and_wait(qtbot, pane, "ketamne")
    assert results.corrected_from == "ketamne"
    assert pane.search.model.rowCount() >= 1
    assert pane.search.model.hit(0).title == "Ketamine for Pain"
    assert pane.message.text().startswith("No articles match “ketamne”. Showing results for")
    assert "“ketamine”" in pane.message.text()
    assert not pane.results.suggestion.isVisible()  # nothing left to suggest


def test_no_suggestion_for_words_the_library_has(qtbot: Any, pane: SearchPane) -> None:
    type_and_wait(qtbot, pane, "ketamne receptors")
    assert pane.results.suggestion.isVisible()
    pane.field.clear()
    results = type_and_wait(qtbot, pane, "ketamine")
    assert results.suggestion is None
    assert not pane.results.suggestion.isVisible()
    assert pane.results.viewportMargins().top() == 0  # the results move back up
