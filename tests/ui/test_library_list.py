"""The library list: a real lazily loaded model, sorting and filters done by the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from reader.core.library import Library, LibraryFilter
from reader.ui.library_model import ID_ROLE, PAGE_SIZE, PUBLISHED, TITLE, LibraryModel
from reader.ui.library_panel import LibraryPanel

# The offscreen platform warns when a shown top-level changes its size limits or is raised.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "This plugin does not support raise"
)


@pytest.fixture
def big_library(library: Library, tmp_path: Path) -> Library:
    """A few thousand small articles across five sites, imported through the facade."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(PAGE_SIZE * 2 + 17):
        site = f"Site {i % 5}"
        tag = "even" if i % 2 == 0 else "odd"
        (folder / f"a{i:05d}.md").write_text(
            f"---\ntitle: Article {i:05d}\nsite: {site}\ndate: 2020-01-{1 + i % 28:02d}\n"
            f"tags: [{tag}]\n---\n\nBody of article {i} about sleep and exercise.\n",
            encoding="utf-8",
        )
    report = library.import_paths([folder])
    assert not report.failed
    return library


def test_model_passes_the_model_tester(qtmodeltester: Any, filled_library: Library) -> None:
    model = LibraryModel(filled_library)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 3


def test_model_tester_on_a_lazily_loaded_library(qtmodeltester: Any, big_library: Library) -> None:
    model = LibraryModel(big_library)
    qtmodeltester.check(model, force_py=True)


def test_rows_load_a_page_at_a_time(big_library: Library) -> None:
    model = LibraryModel(big_library)
    assert model.total == PAGE_SIZE * 2 + 17
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2 * PAGE_SIZE
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == model.total
    ids = [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())]
    assert len(set(ids)) == len(ids)  # pages neither overlap nor skip


def test_sorting_requeries_in_order(big_library: Library) -> None:
    model = LibraryModel(big_library)
    model.sort(TITLE, Qt.SortOrder.AscendingOrder)
    titles = [model.index(r, TITLE).data() for r in range(model.rowCount())]
    assert titles[:3] == ["Article 00000", "Article 00001", "Article 00002"]
    model.sort(TITLE, Qt.SortOrder.DescendingOrder)
    assert model.index(0, TITLE).data() == f"Article {PAGE_SIZE * 2 + 16:05d}"
    model.sort(PUBLISHED, Qt.SortOrder.AscendingOrder)
    assert model.index(0, PUBLISHED).data() == "1 Jan 2020"


def test_unread_rows_are_bold_until_read(filled_library: Library) -> None:
    model = LibraryModel(filled_library)
    index = model.index(0, TITLE)
    assert index.data(Qt.ItemDataRole.FontRole).bold()
    article_id = index.data(ID_ROLE)
    model.set_read(article_id, True)
    assert index.data(Qt.ItemDataRole.FontRole) is None


def test_filters_come_from_the_library(qtbot: Any, big_library: Library) -> None:
    panel = LibraryPanel(big_library)
    qtbot.addWidget(panel)
    site = panel.combo("site")
    assert [site.itemText(i) for i in range(site.count())] == ["All sites"] + [
        f"Site {i}" for i in range(5)
    ]
    site.setCurrentIndex(site.findData("Site 3"))
    assert panel.model.total == big_library.count(LibraryFilter(site="Site 3"))
    assert {panel.model.index(r, 1).data() for r in range(panel.model.rowCount())} == {"Site 3"}
    tag = panel.combo("tag")
    tag.setCurrentIndex(tag.findData("even"))
    assert panel.model.total == big_library.count(LibraryFilter(site="Site 3", tag="even"))
    state = panel.combo("read")
    state.setCurrentIndex(state.findText("Read"))
    assert panel.model.total == 0
    assert not panel.is_empty  # an empty filter result is not the empty-library page


def test_empty_library_offers_the_sample(qtbot: Any, library: Library) -> None:
    panel = LibraryPanel(library)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.is_empty
    assert panel.sample_button.isVisible() and panel.import_button.isVisible()
    with qtbot.waitSignal(panel.add_sample_requested):
        qtbot.mouseClick(panel.sample_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.import_files_requested):
        qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)


def test_newest_published_first_with_the_header_saying_so(qtbot: Any, big_library: Library) -> None:
    panel = LibraryPanel(big_library)
    qtbot.addWidget(panel)
    header = panel.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        PUBLISHED,
        Qt.SortOrder.DescendingOrder,
    )
    assert panel.model.index(0, PUBLISHED).data() == "28 Jan 2020"
    header.setSortIndicator(TITLE, Qt.SortOrder.AscendingOrder)  # a click on "Title"
    assert panel.model.index(0, TITLE).data() == "Article 00000"


def test_published_dates_are_whole_and_the_title_gets_the_room(
    qtbot, make_window, filled_library: Library
) -> None:
    from reader.ui.library_model import SITE

    window = make_window(filled_library, size=(1280, 820))  # the default window
    table = window.library_panel.table
    header = table.horizontalHeader()
    bold = table.font()
    bold.setBold(True)  # unread rows are bold
    from PySide6.QtGui import QFontMetrics

    metrics = QFontMetrics(bold)
    for row in range(table.model().rowCount()):
        text = table.model().index(row, PUBLISHED).data()
        # Room for the text in bold plus the cell's margins: nothing is cut ("14 Feb 2…").
        assert header.sectionSize(PUBLISHED) >= metrics.horizontalAdvance(text) + 8, text
    assert header.sectionSize(TITLE) > header.sectionSize(SITE)
    assert header.sectionSize(TITLE) > header.sectionSize(PUBLISHED)


def test_a_saved_narrow_date_column_is_widened_again(
    qtbot, make_window, filled_library: Library
) -> None:
    window = make_window(filled_library)
    header = window.library_panel.table.horizontalHeader()
    header.resizeSection(PUBLISHED, 40)  # e.g. restored from an older version's settings
    window.save_settings()
    window.close()
    again = make_window(filled_library, size=None)
    header = again.library_panel.table.horizontalHeader()
    text = again.library_panel.table.model().index(0, PUBLISHED).data()
    assert header.sectionSize(PUBLISHED) > again.fontMetrics().horizontalAdvance(text)


def test_tag_filter_folds_case_duplicates(qtbot, library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "tags"
    folder.mkdir()
    for name, tag in (("a", "cancer"), ("b", "Cancer"), ("c", "CANCER"), ("d", "sleep")):
        (folder / f"{name}.md").write_text(
            f"---\ntitle: Article {name}\ntags: [{tag}]\n---\n\nText {name}.\n", encoding="utf-8"
        )
    library.import_paths([folder])
    panel = LibraryPanel(library)
    qtbot.addWidget(panel)
    combo = panel.combo("tag")
    labels = [combo.itemText(i) for i in range(1, combo.count())]
    assert [t.casefold() for t in labels] == ["cancer", "sleep"]
    combo.setCurrentIndex(1)
    assert panel.model.total == 3  # every spelling of the tag
