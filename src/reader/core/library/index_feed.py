"""What the search index is fed: an article as the index holds it, and the feed that
writes a big import's new articles as they are saved.

:func:`document_for` is the one place that says what an article's index document is
(its text, its notes and highlights, the keys of what it cites): the rebuild, the
catch-up of queued changes and a big import's feed all read articles through it.

:class:`ImportFeed` is the writing half of :meth:`Indexing.feeding
<reader.core.library.indexing.Indexing.feeding>`: that method takes the locks, opens
the index's multi-process writer and decides when the feed commits; the feed hands it
documents and, at the commit, forgets the queue rows the index now holds. No lock is
taken here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from reader.core.library.store import Store
from reader.core.model import IndexDocument


class ImportFeed:
    """New articles of a big import, written to the index as they are saved.

    ``written`` remembers, per article, the index queue's end when its document was
    read from the store: its queue rows up to there are in the index once the writer
    commits; any later row (an edit meanwhile) is caught up afterwards.
    """

    def __init__(self, writer: Any, store: Store, fields_of: Callable[..., dict]) -> None:
        self._writer = writer
        self._store = store
        self._fields_of = fields_of
        self.written: dict[int, int] = {}

    def add(self, ids: Iterable[int]) -> None:
        """Index these just-added articles (never indexed before)."""
        mark = self._store.index_queue_end()
        for article_id in ids:
            document = document_for(self._store, article_id)
            if document is not None:
                self._writer.add_document(**self._fields_of(document))
                self.written[article_id] = mark

    def commit(self) -> None:
        """Finish the writer's segments (no merge) and forget the queue rows written."""
        self._writer.commit(merge=False)
        written = self.written
        rows = self._store.query("SELECT seq, article_id FROM index_queue")
        done = [(r[0],) for r in rows if r[0] <= written.get(r[1], 0)]
        if done:
            with self._store.transaction() as conn:
                conn.executemany("DELETE FROM index_queue WHERE seq = ?", done)

    def cancel(self) -> None:
        from reader.core.index.article_index import _cancel_writer

        _cancel_writer(self._writer)


def documents_for(store: Store, ids: Iterable[int]) -> Iterator[IndexDocument]:
    """The documents of these articles, in order; those removed meanwhile are left out."""
    for article_id in ids:
        document = document_for(store, article_id)
        if document is not None:
            yield document


def document_for(store: Store, article_id: int) -> IndexDocument | None:
    """Everything the index holds for one article: its text, notes and highlights."""
    article = store.article(article_id)
    if article is None or store.is_trashed(article_id):  # search leaves the Trash out
        return None
    notes = [store.article_note(article_id)]
    highlights = []
    highlight_tags: list[str] = []
    for annotation in store.annotations(article_id):
        highlights.append(annotation.quote.exact)
        if annotation.note:
            notes.append(annotation.note)
        notes.extend(annotation.tags)
        highlight_tags.extend(annotation.tags)
    return IndexDocument(
        article_id=article.id,
        title=article.title,
        body=article.text,
        authors=article.authors,
        site_name=article.site_name,
        tags=article.tags,
        categories=article.categories,
        published=_parse_iso(article.published),
        source_format=article.source_format,
        url=article.url,
        notes="\n\n".join(n for n in notes if n),
        highlights="\n\n".join(highlights),
        highlight_tags=highlight_tags,
        cites=store.citation_keys_of(article_id),
    )


def _parse_iso(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None
