"""The library pane: a filter bar, the article table, and a friendly empty state."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QStyleOptionComboBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import Library, LibraryFilter
from reader.ui.library_model import (
    ADDED,
    AUTHORS,
    COLUMNS,
    HIGHLIGHTS,
    ID_ROLE,
    PUBLISHED,
    SITE,
    TITLE,
    LibraryModel,
    short_date,
)

FORMAT_LABELS = {
    "wordpress-json": "WordPress",
    "wxr": "WordPress export",
    "html": "Web page",
    "markdown": "Markdown",
    "jats": "Journal article (JATS)",
    "mhtml": "Saved page (MHTML)",
}
# (key in filter_values(), LibraryFilter field, label of "any", accessible name)
_FILTERS = [
    ("site", "site", "All sites", "Filter by site"),
    ("tag", "tag", "All tags", "Filter by tag"),
    ("category", "category", "All categories", "Filter by category"),
    ("format", "source_format", "All formats", "Filter by format"),
]


def fold_case(values: list[str]) -> list[str]:
    """One entry per spelling that differs only in case ("cancer", "Cancer" → one).

    The first spelling seen stands for the others; the filter matches any case.
    """
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        key = value.casefold()
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def date_column_width(widget: QWidget) -> int:
    """Wide enough for the longest short date in bold (unread rows) plus the sort arrow."""
    font = widget.font()
    font.setBold(True)
    metrics = QFontMetrics(font)
    widest = max(
        metrics.horizontalAdvance(short_date(f"2024-{month:02d}-28")) for month in range(1, 13)
    )
    return widest + 2 * metrics.averageCharWidth() + 18


class FilterCombo(QComboBox):
    """A filter's drop-down whose first choice ("All categories", no filter on) always
    shows whole: at the narrowest library pane Qt cut it to "All categori". Longer
    choices (site names) are elided with "…" rather than cut."""

    def __init__(self, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setToolTip(name)
        # Long choices must not widen the pane: size to a few characters, plus the
        # first choice (minimumSizeHint below).
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(3)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        option = QStyleOptionComboBox()
        super().initStyleOption(option)
        text = QSize(self.fontMetrics().horizontalAdvance(self.itemText(0)), hint.height())
        whole = self.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, text, self)
        return QSize(max(hint.width(), whole.width()), hint.height())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(max(hint.width(), self.minimumSizeHint().width()), hint.height())

    def initStyleOption(self, option: QStyleOptionComboBox) -> None:
        super().initStyleOption(option)
        label = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        option.currentText = self.fontMetrics().elidedText(
            option.currentText, Qt.TextElideMode.ElideRight, max(0, label.width() - 2)
        )


class ArticleTable(QTableView):
    """The article list; Enter opens the current article."""

    activated_article = Signal(int)

    def keyPressEvent(self, event: object) -> None:
        from PySide6.QtGui import QKeyEvent

        assert isinstance(event, QKeyEvent)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = self.currentIndex()
            if index.isValid():
                self.activated_article.emit(int(index.data(ID_ROLE)))
                return
        super().keyPressEvent(event)


class LibraryPanel(QWidget):
    """Filter bar + article table + empty state.

    Signals:
        article_selected(int): the current article changed (open it for reading).
        article_activated(int): Enter / double-click (open it and move focus to it).
        add_sample_requested(): the empty state's "Add the sample articles".
        import_files_requested(): the empty state's "Import files…".
        trash_requested(): the "Trash (N)" button under the list.
    """

    article_selected = Signal(int)
    article_activated = Signal(int)
    add_sample_requested = Signal()
    import_files_requested = Signal()
    trash_requested = Signal()

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self.model = LibraryModel(library, self)

        self.filter_bar = QFrame(self)
        self.filter_bar.setObjectName("filterBar")
        # Two rows of three: one row of five cut "All categories" to "All categ". The
        # read state sits under the categories, so the widest two share a column.
        bar = QGridLayout(self.filter_bar)
        bar.setContentsMargins(6, 4, 6, 4)
        bar.setHorizontalSpacing(4)
        bar.setVerticalSpacing(4)
        self._combos: dict[str, QComboBox] = {}
        for key, _field, any_label, name in _FILTERS:
            combo = FilterCombo(name, self.filter_bar)
            combo.addItem(any_label, "")
            combo.currentIndexChanged.connect(self._apply_filter)
            self._combos[key] = combo
            bar.addWidget(combo, len(self._combos) // 4, (len(self._combos) - 1) % 3)
        self.state_combo = FilterCombo("Filter by read state", self.filter_bar)
        for label, value in (("Read or unread", None), ("Unread", False), ("Read", True)):
            self.state_combo.addItem(label, value)
        self.state_combo.currentIndexChanged.connect(self._apply_filter)
        bar.addWidget(self.state_combo, 1, 2)

        self.table = ArticleTable(self)
        self.table.setObjectName("libraryTable")
        self.table.setAccessibleName("Articles")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.setAcceptDrops(False)
        self.table.setFrameShape(QFrame.Shape.NoFrame)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        # The title gets the room; the dates are never cut ("14 Feb 2…").
        for col, width in (
            (SITE, 84),
            (AUTHORS, 110),
            (HIGHLIGHTS, 40),
        ):
            header.resizeSection(col, width)
        self.fit_date_columns()
        for col in (AUTHORS, ADDED, HIGHLIGHTS):
            header.hideSection(col)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        # Sorting happens in the database: the model's sort() re-queries. Show the
        # model's sort first, since enabling sorting sorts by the indicator.
        sort_column, order = self.model.sort_state()
        header.setSortIndicator(sort_column, order)
        self.table.setSortingEnabled(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.table.activated_article.connect(self.article_activated)

        self.empty = self._make_empty_state()
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.stack, 1)
        # Removed articles are one click away, where a user looks for them.
        self.trash_button = QToolButton(self)
        self.trash_button.setObjectName("trashButton")
        self.trash_button.setAutoRaise(True)
        # Qt's drawn icon, not an emoji: 🗑 is in no font of a plain Debian system
        # (fonts-dejavu-core), where it showed as an empty box.
        self.trash_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.trash_button.setIcon(
            QIcon.fromTheme(
                "user-trash", self.style().standardIcon(QStyle.StandardPixmap.SP_TrashIcon)
            )
        )
        self.trash_button.setToolTip("Removed articles, restorable for 30 days")
        self.trash_button.clicked.connect(self.trash_requested)
        layout.addWidget(self.trash_button, 0, Qt.AlignmentFlag.AlignRight)
        self.set_trash_count(0)
        self.model.modelReset.connect(self._update_state)
        self.reload_filter_values()
        self._update_state()

    def _make_empty_state(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("emptyLibrary")
        box = QVBoxLayout(page)
        box.setContentsMargins(24, 24, 24, 24)
        box.addStretch(1)
        title = QLabel("Your library is empty", page)
        title.setObjectName("emptyTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            "Margin keeps health articles for reading offline: WordPress exports, saved web "
            "pages, Markdown and PubMed Central (JATS) articles.\n\nStart with a few sample "
            "articles, or import your own files. You can also drop files on this window.",
            page,
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setProperty("muted", True)
        self.sample_button = QPushButton("Add the sample articles", page)
        self.sample_button.setAccessibleName("Add the sample articles")
        self.sample_button.setDefault(True)
        self.sample_button.clicked.connect(self.add_sample_requested)
        self.import_button = QPushButton("Import files…", page)
        self.import_button.setAccessibleName("Import files")
        self.import_button.clicked.connect(self.import_files_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.sample_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        box.addWidget(title)
        box.addSpacing(8)
        box.addWidget(text)
        box.addSpacing(16)
        box.addLayout(buttons)
        box.addStretch(2)
        return page

    # --- behaviour -----------------------------------------------------------------------

    def set_trash_count(self, count: int) -> None:
        """Show "Trash (N)" under the list; hidden while the Trash is empty."""
        self.trash_button.setText(f"Trash ({count})")
        self.trash_button.setAccessibleName(f"Trash, {count} article{'s' if count != 1 else ''}")
        self.trash_button.setVisible(count > 0)

    def fit_date_columns(self) -> None:
        """Dates whole, whatever a restored header state said."""
        header = self.table.horizontalHeader()
        width = date_column_width(self.table)
        for col in (PUBLISHED, ADDED):
            if header.sectionSize(col) < width:
                header.resizeSection(col, width)

    @property
    def is_empty(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def focus_list(self) -> None:
        target = self.empty if self.is_empty else self.table
        if self.is_empty:
            self.sample_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.table.currentIndex().isValid() and self.model.rowCount() > 0:
                self.table.setCurrentIndex(self.model.index(0, TITLE))

    def refresh(self) -> None:
        """Re-query after an import; keep the current article selected if it is loaded."""
        current = self.current_article_id()
        self.reload_filter_values()
        self.model.refresh()
        if current is not None:
            self.select_article(current, emit=False)

    def reload_filter_values(self) -> None:
        values = self._library.filter_values()
        for key, _field, _label, _name in _FILTERS:
            combo = self._combos[key]
            chosen = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            choices = values.get(key, [])
            if key in ("tag", "category"):
                choices = fold_case(choices)
            for value in choices:
                label = FORMAT_LABELS.get(value, value) if key == "format" else value
                combo.addItem(label, value)
            found = self._find_choice(combo, chosen) if chosen else 0
            combo.setCurrentIndex(max(0, found))
            combo.blockSignals(False)
            # A filter with nothing to choose from is noise.
            combo.setVisible(combo.count() > 2 or bool(chosen))

    @staticmethod
    def _find_choice(combo: QComboBox, chosen: str) -> int:
        for i in range(combo.count()):
            if str(combo.itemData(i) or "").casefold() == chosen.casefold():
                return i
        return -1

    def current_filter(self) -> LibraryFilter:
        filt = LibraryFilter()
        for key, field_name, _label, _name in _FILTERS:
            setattr(filt, field_name, self._combos[key].currentData() or "")
        filt.read = self.state_combo.currentData()
        return filt

    def combo(self, key: str) -> QComboBox:
        """The filter combo for ``site``, ``tag``, ``category``, ``format``, or ``read``."""
        return self.state_combo if key == "read" else self._combos[key]

    def _apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())

    def _update_state(self) -> None:
        empty_library = self.model.total == 0 and self._library.count() == 0
        self.stack.setCurrentWidget(self.empty if empty_library else self.table)
        self.filter_bar.setVisible(not empty_library)

    def current_article_id(self) -> int | None:
        index = self.table.currentIndex()
        return int(index.data(ID_ROLE)) if index.isValid() else None

    def select_article(self, article_id: int, *, emit: bool = True) -> bool:
        row = self.model.row_of(article_id)
        if row is None:
            return False
        selection = self.table.selectionModel()
        if not emit:
            selection.blockSignals(True)
        try:
            selection.setCurrentIndex(
                self.model.index(row, TITLE),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            selection.blockSignals(False)
        self.table.scrollTo(self.model.index(row, TITLE))
        return True

    def select_relative(self, step: int) -> None:
        """Move to the next (1) or previous (-1) article in the list."""
        current = self.table.currentIndex()
        row = current.row() + step if current.isValid() else 0
        if row >= self.model.rowCount() and self.model.canFetchMore():
            self.model.fetchMore()
        if 0 <= row < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(row, TITLE))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.article_selected.emit(int(current.data(ID_ROLE)))

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.article_activated.emit(int(index.data(ID_ROLE)))

    def column_names(self) -> list[str]:
        return [c[0] for c in COLUMNS]

    def _header_menu(self, pos: QPoint) -> None:
        """Right-click on the header: choose the columns shown (the title always is)."""
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for col, (name, _key) in enumerate(COLUMNS):
            if col == TITLE:
                continue
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(col))
            action.toggled.connect(lambda on, c=col: header.setSectionHidden(c, not on))
        menu.popup(header.mapToGlobal(pos))
