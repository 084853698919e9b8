"""The library list: filtered, sorted pages of article rows with their highlight counts,
how many articles a filter lets through, and the values the filters offer.

Queries are built from a :class:`~reader.core.model.LibraryFilter` here, in one place,
with parameters; articles in the Trash are left out unless the Trash is what is listed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from reader.core.library.connection import StoreConnection
from reader.core.library.rows import decode_summary
from reader.core.model import ArticleSummary, LibraryFilter

SORT_COLUMNS = {
    "title": "a.title COLLATE NOCASE",
    "site": "a.site_name COLLATE NOCASE",
    "authors": "a.authors",
    "published": "a.published",
    "added": "a.added",
    "highlights": "COALESCE(h.n, 0)",
    "format": "a.source_format",
    "trashed": "a.trashed_at",  # the Trash, most recently trashed first
}
_LIVE_COUNTS = (
    "(SELECT article_id, COUNT(*) AS n FROM annotations WHERE removed = 0 GROUP BY article_id)"
)


class ListQueries(StoreConnection):
    """The library list's queries (a part of :class:`~reader.core.library.store.Store`)."""

    def count(self, filter: LibraryFilter | None = None) -> int:
        where, params = _where(filter)
        return int(self._query(f"SELECT COUNT(*) FROM articles a {where}", params)[0][0])

    def summaries(
        self,
        filter: LibraryFilter | None = None,
        *,
        ids: Sequence[int] | None = None,
        sort: str = "added",
        descending: bool = True,
        offset: int = 0,
        limit: int | None = None,
        trashed: bool = False,
    ) -> list[ArticleSummary]:
        """One page of library rows, highlight counts included.

        Two steps: the page's ids (sorted, filtered, offset: cheap with the sort
        indexes), then the rows for just those ids. SQLite computes every column of
        the rows an OFFSET skips, so one query paid for the whole list above the page.
        ``ids``, when given, limits the rows to those articles.
        """
        where, params = _where(filter, ids, trashed=trashed)
        order = SORT_COLUMNS.get(sort, SORT_COLUMNS["added"])
        direction = "DESC" if descending else "ASC"
        join = f"LEFT JOIN {_LIVE_COUNTS} h ON h.article_id = a.id" if sort == "highlights" else ""
        id_rows = self._query(
            f"""
            SELECT a.id FROM articles a {join} {where}
            ORDER BY {order} {direction}, a.id {direction}
            LIMIT ? OFFSET ?
            """,
            [*params, -1 if limit is None else limit, offset],
        )
        page = [r[0] for r in id_rows]
        if not page:
            return []
        by_id: dict[int, ArticleSummary] = {}
        for start in range(0, len(page), 500):  # SQLite's variable limit
            chunk = page[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._query(
                f"""
                SELECT a.id, a.title, a.site_name, a.authors, a.published, a.added,
                       a.source_format, a.url, a.is_read, COALESCE(h.n, 0) AS highlight_count,
                       a.trashed_at
                FROM articles a LEFT JOIN (
                    SELECT article_id, COUNT(*) AS n FROM annotations
                    WHERE removed = 0 AND article_id IN ({marks}) GROUP BY article_id
                ) h ON h.article_id = a.id
                WHERE a.id IN ({marks})
                """,
                [*chunk, *chunk],
            )
            for r in rows:
                by_id[r["id"]] = decode_summary(r)
        return [by_id[i] for i in page if i in by_id]

    def filter_values(self) -> dict[str, list[str]]:
        """Values the library filters offer: tags, categories, sites, formats."""
        return {
            "tag": self.distinct_values("tags"),
            "category": self.distinct_values("categories"),
            "site": self.distinct_values("site_name"),
            "format": self.distinct_values("source_format"),
        }

    def distinct_values(self, column: str) -> list[str]:
        """Values for the library filters: sites and formats (columns) or tags/categories (JSON)."""
        if column in ("tags", "categories"):
            rows = self._query(
                f"SELECT DISTINCT j.value FROM articles, json_each(articles.{column}) j "
                "WHERE articles.trashed_at = '' ORDER BY j.value COLLATE NOCASE"
            )
        elif column in ("site_name", "source_format"):
            rows = self._query(
                f"SELECT DISTINCT {column} FROM articles WHERE {column} != '' "
                f"AND trashed_at = '' ORDER BY {column} COLLATE NOCASE"
            )
        else:
            raise ValueError(column)
        return [r[0] for r in rows]


def _where(
    filter: LibraryFilter | None, ids: Sequence[int] | None = None, *, trashed: bool = False
) -> tuple[str, list[Any]]:
    """The WHERE clause (with its parameters) for articles aliased ``a``.

    Articles in the Trash are left out, or (``trashed``) are the only ones let in.
    """
    # "> ''" rather than "!= ''": a range SQLite can read from the list's indexes.
    clauses: list[str] = ["a.trashed_at > ''" if trashed else "a.trashed_at = ''"]
    params: list[Any] = []
    if filter is not None:
        # Tags and categories match in any case: "Cancer" and "cancer" are one tag.
        if filter.tag:
            clauses.append(
                "EXISTS (SELECT 1 FROM json_each(a.tags) WHERE value = ? COLLATE NOCASE)"
            )
            params.append(filter.tag)
        if filter.category:
            clauses.append(
                "EXISTS (SELECT 1 FROM json_each(a.categories) WHERE value = ? COLLATE NOCASE)"
            )
            params.append(filter.category)
        if filter.site:
            clauses.append("a.site_name = ?")
            params.append(filter.site)
        if filter.source_format:
            clauses.append("a.source_format = ?")
            params.append(filter.source_format)
        if filter.read is not None:
            clauses.append("a.is_read = ?")
            params.append(int(filter.read))
    if ids is not None:
        # json_each takes any number of ids in one parameter (no variable limit).
        clauses.append("a.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps([int(i) for i in ids]))
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params
