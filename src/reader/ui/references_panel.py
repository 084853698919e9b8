"""The references panel: every source an article cites, by kind, and who cites the article.

Rows are grouped by kind (PubMed, PMC, DOI…); a source cited several times is one row
with a child per place. A second column marks sources already saved in the library —
the link between articles that Margin exists for. A last group lists the saved articles
that cite *this* one. The panel only emits intents; the main window scrolls the reader
view or opens the article.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from reader.core.model import ArticleSummary, Citation, CitationKind, StoredCitation
from reader.ui.citation_details import (
    citation_identifiers,
    kind_label,
    reference_description,
    short_url,
)

if TYPE_CHECKING:
    from reader.core.library import Library

CITATION_ROLE = Qt.ItemDataRole.UserRole + 1  # the StoredCitation a row stands for
ARTICLE_ROLE = Qt.ItemDataRole.UserRole + 2  # the library article id a row opens
CITED_BY_GROUP = "Cited by your saved articles"
_LINE = 120  # characters of a context shown in a row
# The "In your library" column gets at most this share of the width, so a long saved
# title never squeezes the Source column to "Sou"; both elide in the middle instead.
LIBRARY_COLUMN_SHARE = 0.4
MIN_LIBRARY_COLUMN = 72


def source_label(c: Citation) -> str:
    """One line naming a cited source.

    A reference entry's title when there is one ("[3] Title (PMID 123)"); otherwise the
    identifier first, since link texts such as "study" or "here" say little on their own
    ("PMID 123 · “study”").
    """
    ref = c.reference
    ids = citation_identifiers(c)
    if c.kind is CitationKind.WEB:
        ident = short_url(c.identifier or c.href)
    else:
        ident = f"{ids[0][0]} {ids[0][1]}" if ids else ""
    prefix = ""
    if c.kind is CitationKind.REFERENCE and ref is not None and ref.label:
        prefix = f"[{ref.label.strip('[]')}] "
    if name := reference_description(ref):
        return f"{prefix}{name} ({ident})" if ident else f"{prefix}{name}"
    link_text = " ".join(c.text.split())
    if not ident:
        return prefix + (link_text or c.href)
    if not link_text or _is_url(link_text) or link_text in (c.identifier, ident):
        return prefix + ident
    if c.kind is CitationKind.WEB:  # the URL is long: the words first
        return f"{prefix}“{link_text}” · {ident}"
    return f"{prefix}{ident} · “{link_text}”"


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://", "www.")) and " " not in text


def _short(text: str, limit: int = _LINE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ReferencesPanel(QWidget):
    """All the citations of the open article, grouped by kind, and its citing articles.

    Signals:
        citation_activated(object): a StoredCitation was chosen (click or Enter); the
            owner scrolls the reader view to where it is cited.
        open_article(int): a library article was chosen (a saved copy of a cited source,
            or an article citing this one).
    """

    citation_activated = Signal(object)
    open_article = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("References")
        self._model = QStandardItemModel(self)
        self._sentence: QPersistentModelIndex | None = None
        self._model.setHorizontalHeaderLabels(["Source", "In your library"])
        self._proxy = QSortFilterProxyModel(self)
        self._proxy.setSourceModel(self._model)
        self._proxy.setRecursiveFilteringEnabled(True)
        self._proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._proxy.setFilterKeyColumn(-1)

        self._filter = QLineEdit()
        self._filter.setPlaceholderText("Filter sources")
        self._filter.setAccessibleName("Filter sources")
        self._filter.setClearButtonEnabled(True)
        self._filter.textChanged.connect(self._apply_filter)

        self._tree = QTreeView()
        self._tree.setAccessibleName("Cited sources")
        self._tree.setModel(self._proxy)
        self._tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._tree.setUniformRowHeights(True)
        self._tree.setWordWrap(False)
        # Titles and references are long at both ends ("[12] Smith … (PMID 123)"): keep
        # the start and the identifier, cut the middle; the tooltip has the whole text.
        self._tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self._tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self._tree.clicked.connect(self._activate)
        self._tree.installEventFilter(self)
        self._tree.viewport().installEventFilter(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._filter)
        layout.addWidget(self._tree)

    @property
    def model(self) -> QStandardItemModel:
        return self._model

    @property
    def view(self) -> QTreeView:
        return self._tree

    # --- content ----------------------------------------------------------------------------

    def load(self, library: Library, article_id: int) -> None:
        """Fill the panel for one library article."""
        titles: dict[int, str] = {}

        def title(i: int) -> str:
            if i not in titles:
                titles[i] = library.article(i).title
            return titles[i]

        self.set_article(library.citations(article_id), library.cited_by(article_id), title)

    def clear(self) -> None:
        self._model.removeRows(0, self._model.rowCount())

    def set_article(
        self,
        citations: Sequence[StoredCitation],
        cited_by: Sequence[ArticleSummary] = (),
        title_for_article: Callable[[int], str] | None = None,
    ) -> None:
        """Show ``citations`` (one article's, in order) and the articles citing it."""
        self.clear()
        sources: dict[tuple[CitationKind, str], list[StoredCitation]] = {}
        for stored in citations:
            c = stored.citation
            sources.setdefault((c.kind, c.identifier or c.href), []).append(stored)

        for kind in CitationKind:
            places = [v for (k, _), v in sources.items() if k is kind]
            if not places:
                continue
            group = self._group(f"{kind_label(kind)} ({len(places)})")
            for cited in places:
                group.appendRow(self._source_row(cited, title_for_article))
            self._model.appendRow([group, self._blank()])

        group = self._group(f"{CITED_BY_GROUP} ({len(cited_by)})")
        for summary in cited_by:
            item = QStandardItem(summary.title or f"article {summary.id}")
            item.setData(summary.id, ARTICLE_ROLE)
            item.setToolTip(f"Open “{summary.title}”, which cites this article")
            extra = QStandardItem(summary.site_name)
            extra.setToolTip(summary.site_name)
            extra.setData(summary.id, ARTICLE_ROLE)
            group.appendRow([item, extra])
        empty = None
        if not cited_by:
            empty = QStandardItem("No saved article cites this one yet")
            empty.setEnabled(False)
            group.appendRow([empty, self._blank()])
        self._model.appendRow([group, self._blank()])
        self._sentence = QPersistentModelIndex(empty.index()) if empty is not None else None
        self._span_sentence()
        self._tree.expandAll()
        self._fit_columns()

    def _span_sentence(self) -> None:
        """The "nobody cites it" line is a sentence, not a source: it spans both columns
        (in the Source column alone it was cut to "No saved ar…his one yet")."""
        if self._sentence is not None and self._sentence.isValid():
            at = self._sentence
            shown = self._proxy.mapFromSource(self._model.index(at.row(), 0, at.parent()))
            if shown.isValid():
                self._tree.setFirstColumnSpanned(shown.row(), shown.parent(), True)

    def _fit_columns(self) -> None:
        """Give "In your library" what it needs, up to its share; Source gets the rest."""
        width = self._tree.viewport().width()
        if width <= 0:
            return
        wanted = max(self._tree.sizeHintForColumn(1), self._tree.header().sectionSizeHint(1))
        share = max(MIN_LIBRARY_COLUMN, int(width * LIBRARY_COLUMN_SHARE))
        self._tree.header().resizeSection(1, min(wanted, share))

    def _group(self, text: str) -> QStandardItem:
        item = QStandardItem(text)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        return item

    def _blank(self) -> QStandardItem:
        return QStandardItem("")

    def _source_row(
        self, places: list[StoredCitation], title_for_article: Callable[[int], str] | None
    ) -> list[QStandardItem]:
        first = places[0]
        label = source_label(first.citation)
        if len(places) > 1:
            label += f"  ({len(places)}×)"
        item = QStandardItem(label)
        item.setData(first, CITATION_ROLE)
        context = _short(first.citation.context, 400)
        item.setToolTip(f"{label}\n\n{context}" if context and context != label else label)
        local_id = next((p.local_article_id for p in places if p.local_article_id), None)
        marker = QStandardItem("")
        if local_id is not None:
            title = title_for_article(local_id) if title_for_article else f"article {local_id}"
            marker.setText(f"✓ {title}")
            marker.setToolTip(f"In your library: {title}")
            marker.setData(local_id, ARTICLE_ROLE)
            item.setData(local_id, ARTICLE_ROLE)
        if len(places) > 1:
            for n, stored in enumerate(places, start=1):
                child = QStandardItem(f"{n}. {_short(stored.citation.context) or label}")
                child.setData(stored, CITATION_ROLE)
                child.setToolTip(_short(stored.citation.context, 400))
                item.appendRow([child, self._blank()])
        return [item, marker]

    # --- filtering and activation -------------------------------------------------------------

    def _apply_filter(self, text: str) -> None:
        self._proxy.setFilterFixedString(text.strip())
        self._span_sentence()
        self._tree.expandAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._tree.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
            return False
        if (
            watched is self._tree
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self._tree.currentIndex().isValid()
        ):
            self._activate(self._tree.currentIndex())
            return True
        return False

    def _activate(self, index: QModelIndex) -> None:
        """Column 0 goes to the citation; the library column (and Cited by) opens articles."""
        source = self._proxy.mapToSource(index)
        item = self._model.itemFromIndex(source)
        if item is None:
            return
        stored = item.data(CITATION_ROLE)
        article_id = item.data(ARTICLE_ROLE)
        if stored is not None and source.column() == 0:
            self.citation_activated.emit(stored)
        elif article_id is not None:
            self.open_article.emit(int(article_id))
