"""The annotations panel's own behaviour: filters, editing a colour's meaning, readable
selected cards, and highlights whose words changed in a re-import.

The panel is driven through a small stand-in for the highlight controller over a real
library: what is checked here is the panel, not the reading view.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from reader.core import highlight_colors
from reader.core.library import Library
from reader.core.model import AnchoredAnnotations
from reader.ui.annotations_list import ChangedRole, HtmlRole
from reader.ui.annotations_panel import AnnotationsPanel

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "ketamine-for-pain.json"


class Controller(QObject):
    """What the panel needs of the highlight controller, over a real library."""

    annotations_reloaded = Signal()
    article_changed = Signal(int)
    meanings_changed = Signal()
    revealed = Signal(str)
    message = Signal(str)

    def __init__(self, library: Library, article_id: int) -> None:
        super().__init__()
        self.library = library
        self.article_id = article_id
        self.anchored = AnchoredAnnotations()
        self.messages: list[str] = []
        self.message.connect(self.messages.append)

    def meanings(self) -> dict[str, str]:
        return highlight_colors.meanings(self.library)

    def set_meaning(self, color: str, meaning: str) -> None:
        highlight_colors.set_meaning(self.library, color, meaning)
        self.meanings_changed.emit()

    def refresh(self) -> None:
        self.anchored = self.library.annotations_for(self.article_id)
        self.annotations_reloaded.emit()


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "lib")
    yield lib
    lib.close()


@pytest.fixture
def seeded(library: Library) -> tuple[Library, int]:
    article_id = library.import_paths([SEED]).results[0].article_id
    assert article_id is not None
    return library, article_id


def make_panel(qtbot, library: Library, article_id: int) -> tuple[AnnotationsPanel, Controller]:
    controller = Controller(library, article_id)
    controller.refresh()
    panel = AnnotationsPanel(controller)  # type: ignore[arg-type]
    panel.resize(340, 700)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel, controller


def shown_quotes(panel: AnnotationsPanel) -> list[str]:
    model = panel.model
    return [
        model.index(r).data(Qt.ItemDataRole.DisplayRole)
        for r in range(model.rowCount())
        if model.index(r).flags() & Qt.ItemFlag.ItemIsSelectable
    ]


def test_filter_by_colour_and_by_tag_in_any_case(qtbot, seeded) -> None:
    library, article_id = seeded
    library.add_highlight_by_quote(article_id, "lower risk of abuse", color="red", tags=["Dose"])
    library.add_highlight_by_quote(
        article_id, "particularly to the bladder", color="red", tags=["harm"]
    )
    library.add_highlight_by_quote(
        article_id, "especially useful for sudden pain flare-ups", color="yellow", tags=["dose"]
    )
    panel, _ = make_panel(qtbot, library, article_id)
    assert len(shown_quotes(panel)) == 3
    assert panel.color_filter.isVisible() and panel.tag_filter.isVisible()
    # "Dose" and "dose" are one tag in the filter.
    tags = [panel.tag_filter.itemText(i) for i in range(panel.tag_filter.count())]
    assert [t.casefold() for t in tags] == ["all tags", "#dose", "#harm"]

    panel.set_filter(color="red")
    assert sorted(shown_quotes(panel)) == ["lower risk of abuse", "particularly to the bladder"]
    assert panel.count_label.text() == "2 of 3 highlights"
    panel.set_filter(color="red", tag="dose")
    assert shown_quotes(panel) == ["lower risk of abuse"]
    panel.set_filter(tag="DOSE")
    assert sorted(shown_quotes(panel)) == [
        "especially useful for sudden pain flare-ups",
        "lower risk of abuse",
    ]
    panel.set_filter(color="green")
    assert shown_quotes(panel) == []
    assert panel.empty_label.isVisible() and "filter" in panel.empty_label.text()
    panel.set_filter()
    assert len(shown_quotes(panel)) == 3


def test_editing_a_colour_meaning_has_a_visible_way_in(qtbot, seeded) -> None:
    library, article_id = seeded
    panel, _ = make_panel(qtbot, library, article_id)
    button = panel.edit_meanings_button
    assert button.isVisible() and "meaning" in button.text().lower()
    menu = button.menu()
    menu.aboutToShow.emit()
    action = next(a for a in menu.actions() if a.objectName() == "edit-meaning-red")
    action.trigger()
    item = panel.legend.item_for("red")
    assert panel.legend.isPersistentEditorOpen(item) or panel.legend.state() == (
        panel.legend.State.EditingState
    )
    # What the edit does once typed (the legend's editor commits into the item).
    item.setText("disagree")
    assert highlight_colors.meanings(library)["red"] == "disagree"
    colours = [panel.color_filter.itemText(i) for i in range(panel.color_filter.count())]
    assert any("disagree" in c for c in colours)  # the filter names the new meaning


def test_the_edit_meanings_arrow_does_not_cover_its_text(qtbot, seeded) -> None:
    library, article_id = seeded
    panel, _ = make_panel(qtbot, library, article_id)
    button = panel.edit_meanings_button
    with_menu = button.grab().toImage()
    menu = button.menu()
    button.setMenu(None)  # the same button without the arrow Qt draws for a menu
    without_menu = button.grab().toImage()
    button.setMenu(menu)
    # Qt drew its arrow in the button's corner, over the end of "meanings"; the arrow
    # is now the text's own last character, so nothing is painted over the words.
    assert with_menu == without_menu
    assert button.text().endswith("▾")


def test_links_and_tags_in_a_selected_card_take_the_selected_text_colour(qtbot, seeded) -> None:
    library, article_id = seeded
    library.add_highlight_by_quote(
        article_id, "lower risk of abuse", note="see [the trial](https://example.org)", tags=["t"]
    )
    panel, _ = make_panel(qtbot, library, article_id)
    index = panel.model.index(0)
    assert "example.org" in index.data(HtmlRole)
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#1e5bd8"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Link, QColor("#0b3d91"))
    option = QStyleOptionViewItem()
    option.palette = palette
    option.rect = QRect(QPoint(0, 0), QSize(300, 200))
    option.state = QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_Enabled
    option.font = panel.font()
    delegate = panel.list.itemDelegate()
    document = delegate._document(option, index, 280)  # the card as it is painted
    css = document.defaultStyleSheet()
    assert "a { color: #ffffff; }" in css and "#0b3d91" not in css
    option.state = QStyle.StateFlag.State_Enabled
    assert "#0b3d91" in delegate._document(option, index, 280).defaultStyleSheet()
    # And it paints without complaint.
    image = QImage(300, 200, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    option.state = QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_Enabled
    delegate.paint(painter, option, index)
    painter.end()


def _reimport(library: Library, tmp_path: Path, old: str, new: str) -> None:
    post = json.loads(SEED.read_text(encoding="utf-8"))
    post["content"]["rendered"] = post["content"]["rendered"].replace(old, new)
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(post), encoding="utf-8")
    library.import_paths([edited])


@pytest.mark.parametrize("choice", ["accept", "keep"])
def test_a_highlight_whose_words_changed_is_marked_and_resolved(
    qtbot, seeded, tmp_path: Path, choice: str
) -> None:
    library, article_id = seeded
    library.add_highlight_by_quote(article_id, "lower risk of abuse")
    _reimport(library, tmp_path, "lower risk of abuse", "lower risk of misuse")
    panel, controller = make_panel(qtbot, library, article_id)
    index = panel.model.index(0)
    assert index.data(ChangedRole) == "lower risk of misuse"
    assert "Text changed" in index.data(HtmlRole) and "misuse" in index.data(HtmlRole)
    assert not panel.changed_bar.isVisible()
    panel.list.setCurrentIndex(index)
    assert panel.changed_bar.isVisible()

    if choice == "accept":
        panel.accept_new_button.click()
        assert shown_quotes(panel) == ["lower risk of misuse"]
        assert panel.model.index(0).data(ChangedRole) is None
    else:
        panel.keep_old_button.click()
        found = library.annotations_for(article_id)
        assert [a.quote.exact for a in found.orphans] == ["lower risk of abuse"]
        assert shown_quotes(panel) == ["lower risk of abuse"]  # listed under "not found"
    assert not panel.changed_bar.isVisible()
    assert controller.messages
