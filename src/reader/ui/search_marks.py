"""Marking a search's words in the article being read, once it is shown."""

from __future__ import annotations

import re
from collections.abc import Callable

from reader.ui.reader import ReaderView

SEARCH_LAYER = "search"
MAX_SEARCH_MARKS = 500
_TITLE_FIELD = re.compile(r'\btitle:(?:"([^"]*)"|(\S+))', re.IGNORECASE)


def title_terms(query: str) -> frozenset[str]:
    """Words searched only in titles (``title:word``, ``title:"a phrase"``), lower case,
    unless the query also asks for them anywhere."""
    in_title = {
        word.lower()
        for quoted, bare in _TITLE_FIELD.findall(query)
        for word in re.findall(r"\w+", quoted or bare)
    }
    elsewhere = {w.lower() for w in re.findall(r"\w+", _TITLE_FIELD.sub(" ", query))}
    return frozenset(in_title - elsewhere)


def when_shown(view: ReaderView, article_id: int, action: Callable[[], object]) -> None:
    """Run ``action`` once the view shows ``article_id`` (now, if it already does)."""
    if view.ready and view.article is not None and view.article.id == article_id:
        action()
        return

    def run(shown: int) -> None:
        view.article_shown.disconnect(run)
        if shown == article_id:
            action()

    view.article_shown.connect(run)


def mark_terms(
    view: ReaderView, terms: list[str], *, title_only: frozenset[str] = frozenset()
) -> int:
    """Mark every whole-word occurrence of ``terms`` in the body (terms searched
    with ``title:`` only in the title); scroll to the first body mark.

    Returns the number of marks.
    """
    positions: list[tuple[int, int]] = []
    title_start, title_end = view.title_range
    for term in terms:
        if term.lower() in title_only:
            found = view.find_all(term, whole_words=True, start=title_start, end=title_end)
        else:
            found = view.find_all(term, whole_words=True, start=view.body_start)
        positions.extend(found[: MAX_SEARCH_MARKS - len(positions)])
    positions.sort()
    view.set_mark_layer(SEARCH_LAYER, [(s, e, "mark-search") for s, e in positions])
    body = [s for s, _e in positions if s >= view.body_start]
    if body:
        view.scroll_to_position(body[0])
    return len(positions)
