"""Opening an article in the window, and keeping what surrounds it in step.

The reading view shows one article; around it the window shows that article's title,
contents, sources, highlights and read state, and the citation popovers need its
citations by link. :class:`ArticleOpener` is the one place that changes the open
article (from the lists, a search hit, a link, Back/Forward, the Trash) and updates
those together; the window owns it and wires the panels' intents to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from reader.core.errors import NotFound
from reader.core.model import SearchHit, StoredCitation
from reader.ui.search_marks import mark_terms, title_terms, when_shown
from reader.ui.search_results import matched_terms

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

# The "Cited by" line links other library articles with this scheme and their id.
ARTICLE_SCHEME = "margin-article:"


class ArticleOpener:
    """Shows articles in ``window.reader_view`` and updates the panels around it."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        # The open article's citations, by the href of their link in the page.
        self._citations_by_href: dict[str, list[StoredCitation]] = {}

    # --- opening -------------------------------------------------------------------------

    def open(
        self,
        article_id: int,
        *,
        focus: bool = False,
        restore_position: bool = True,
        fraction: float | None = None,
        record: bool = True,
    ) -> bool:
        """Show an article (asynchronously: the view emits ``article_shown``).

        ``fraction`` opens it at that reading position (back/forward); ``record`` keeps
        the place being left for Back. False, with a status message, when the article
        is gone or in the Trash.
        """
        w = self._window
        library, view = w.library, w.reader_view
        try:
            article = library.article(article_id)
        except NotFound:
            w.statusBar().showMessage("That article is no longer in the library.", 5000)
            return False
        if not library.is_listed(article_id):
            w.statusBar().showMessage("That article is in the Trash (Go ▸ Trash).", 5000)
            return False
        w.events.save_pending.emit()  # the note being typed, before another article
        self._citations_by_href = {}
        for item in library.citations(article.id):
            self._citations_by_href.setdefault(item.citation.href, []).append(item)
        cited_by = [(s.id, s.title) for s in library.cited_by(article.id)]
        current = view.article
        if record and current is not None and current.id != article.id:
            view.remember_place()
        view.show_article(
            article, restore_position=restore_position, cited_by=cited_by, fraction=fraction
        )
        w.toc.set_headings([])  # the new headings come with ``article_shown``
        w.references_panel.load(library, article.id)
        if not article.is_read:
            library.set_read(article.id, True)
            article.is_read = True
            w.library_panel.model.set_read(article.id, True)
        w.setWindowTitle(f"{article.title} — Margin")
        self.update_read_action()
        if focus:
            view.setFocus(Qt.FocusReason.OtherFocusReason)
        w.article_opened.emit(article.id)
        return True

    def open_hit(self, hit: SearchHit) -> None:
        """Open a search hit at its first match, with the matched words marked."""
        w = self._window
        view = w.reader_view
        if not self.showing(hit.article_id) and not self.open(
            hit.article_id, restore_position=False
        ):
            return
        w.library_panel.select_article(hit.article_id, emit=False)
        title_only = title_terms(w.search_field.text())
        # A title: query's words may not be in the (body) snippet: mark them in the title.
        terms = list(dict.fromkeys([*matched_terms(hit.snippet_html), *sorted(title_only)]))
        when_shown(view, hit.article_id, lambda: mark_terms(view, terms, title_only=title_only))
        if hit.annotation_uuid:
            w.highlights.reveal(hit.annotation_uuid)
        view.setFocus(Qt.FocusReason.OtherFocusReason)

    def follow_link(self, href: str) -> None:
        """Links to other library articles (the "Cited by" line) open them here."""
        if href.startswith(ARTICLE_SCHEME):
            try:
                self.open(int(href[len(ARTICLE_SCHEME) :]), focus=True)
            except ValueError:
                pass

    def showing(self, article_id: int) -> bool:
        """Whether ``article_id`` is the open article."""
        article = self._window.reader_view.article
        return article is not None and article.id == article_id

    # --- when the library changes ----------------------------------------------------------

    def on_articles_changed(self, ids: list[int]) -> None:
        """The open article changed (``[]``: anything may have, e.g. another process):
        close it if it went to the Trash, else reload its highlights and sources."""
        w = self._window
        article = w.reader_view.article
        if article is None or (ids and article.id not in ids):
            return
        if not w.library.is_listed(article.id):  # trashed or deleted meanwhile
            self.close()
            return
        w.highlights.refresh()
        w.references_panel.load(w.library, article.id)

    def close(self) -> None:
        """Show no article (its places leave Back/Forward) and empty the panels."""
        w = self._window
        article = w.reader_view.article
        if article is not None:
            w.reader_view.places.forget(article.id)
        w.reader_view.clear_article()
        w.highlights.refresh()
        w.references_panel.clear()
        w.toc.set_headings([])
        w.setWindowTitle("Margin")
        self.update_read_action()

    # --- read state ------------------------------------------------------------------------

    def toggle_read(self) -> None:
        w = self._window
        article = w.reader_view.article
        if article is None:
            return
        article.is_read = not article.is_read
        w.library.set_read(article.id, article.is_read)
        w.library_panel.model.set_read(article.id, article.is_read)
        self.update_read_action()
        w.statusBar().showMessage(
            "Marked as read." if article.is_read else "Marked as unread.", 3000
        )

    def update_read_action(self) -> None:
        """Go ▸ Mark as Read/Unread says what it would do to the open article."""
        article = self._window.reader_view.article
        action = self._window.action_toggle_read
        action.setEnabled(article is not None)
        action.setText("Mark as &Read" if article and not article.is_read else "Mark as &Unread")

    # --- places in the open article --------------------------------------------------------

    def citations_for_href(self, href: str) -> list[StoredCitation]:
        """The open article's citations whose link is ``href`` (for the popovers)."""
        return self._citations_by_href.get(href, [])

    def article_title(self, article_id: int) -> str:
        """The title of a library article, "" if it is gone."""
        try:
            return self._window.library.article(article_id).title
        except NotFound:
            return ""

    def jump_to_citation(self, stored: StoredCitation) -> None:
        """Scroll to where the article cites ``stored`` (Back returns)."""
        position = self._window.citation_hover.position_of(stored.citation)
        if position is not None:
            self._window.reader_view.remember_place()
            self._window.reader_view.scroll_to_position(position)

    def jump_to_ordinal(self, ordinal: int) -> None:
        """Scroll to the article's citation numbered ``ordinal``."""
        for items in self._citations_by_href.values():
            for stored in items:
                if stored.citation.ordinal == ordinal:
                    self.jump_to_citation(stored)
                    return

    def jump_to_heading(self, position: int) -> None:
        """Scroll a heading (from the contents) to the top (Back returns)."""
        self._window.reader_view.remember_place()
        self._window.reader_view.scroll_to_position(position, top=True)
