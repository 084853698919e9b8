"""The SQLite system of record: articles, citations, annotations, original files.

One database file per library, in WAL mode with foreign keys on and
``synchronous=FULL`` (an annotation the UI shows as saved survives a power cut).
The schema and its migrations are in :mod:`.schema`; :mod:`.database` opens the file,
brings an older one forward (one transaction a version) and writes each transaction.
Lists and dicts are stored as JSON.

The store is private to :mod:`reader.core.library`: only the library's parts call it,
and nothing above the :class:`~reader.core.library.Library` facade does. Every public
method is safe to call from any thread (one connection, one lock). Queries are built
from a :class:`~reader.core.model.LibraryFilter` here, in one place, with parameters.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from reader.core.errors import StorageError
from reader.core.library.database import open_database, write_transaction
from reader.core.library.rows import (
    ARTICLE_COLUMNS,
    decode_annotation,
    decode_article,
    encode_article,
    reference_from_dict,
    reference_to_dict,
)
from reader.core.library.schema import SCHEMA_VERSION
from reader.core.model import (
    Annotation,
    Article,
    ArticleSummary,
    Citation,
    CitationKind,
    LibraryFilter,
    StoredCitation,
    now_iso,
)

# SCHEMA_VERSION stays importable from here, where the library and its tests take it.
__all__ = ["SCHEMA_VERSION", "SORT_COLUMNS", "Store"]

SORT_COLUMNS = {
    "title": "a.title COLLATE NOCASE",
    "site": "a.site_name COLLATE NOCASE",
    "authors": "a.authors",
    "published": "a.published",
    "added": "a.added",
    "highlights": "COALESCE(h.n, 0)",
    "format": "a.source_format",
}
_LIVE_COUNTS = (
    "(SELECT article_id, COUNT(*) AS n FROM annotations WHERE removed = 0 GROUP BY article_id)"
)


class Store:
    """Thread-safe access to one library database."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._lock = threading.RLock()
        self._conn = open_database(path, read_only=read_only)

    # --- plumbing ------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work: everything in it lands, or nothing does."""
        if self.read_only:
            raise StorageError(
                f"the library at {self.path.parent} is read-only: reading works, but nothing "
                "can be changed (copy the folder somewhere writable to change it)"
            )
        with self._lock, write_transaction(self._conn) as conn:
            yield conn

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise StorageError(f"cannot read the library database: {exc}") from exc

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Rows of one read (for the library's other parts: images…)."""
        return self._query(sql, params)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def data_version(self) -> int:
        """Moves when another connection (another process) commits to the database."""
        return int(self._query("PRAGMA data_version")[0][0])

    # --- originals ------------------------------------------------------------------------

    def add_original(self, conn: sqlite3.Connection, digest: str, name: str, size: int) -> None:
        conn.execute(
            "INSERT OR IGNORE INTO originals(hash, name, size, added) VALUES (?,?,?,?)",
            (digest, name, size, now_iso()),
        )

    # --- articles -------------------------------------------------------------------------

    def find_existing(
        self, guid: str, url_key: str, content_hash: str, source_format: str, site_name: str = ""
    ) -> sqlite3.Row | None:
        """The stored article that an incoming one is a new version of, if any.

        A guid is only unique within its site ("http://localhost/?page_id=2" is the
        "Sample Page" of every fresh WordPress), so it counts only with the same site.
        """
        checks = []
        if guid:
            checks.append(
                (
                    "guid = ? AND source_format = ? AND site_name = ?",
                    (guid, source_format, site_name),
                )
            )
        if url_key:
            checks.append(("url_key = ?", (url_key,)))
        checks.append(("content_hash = ?", (content_hash,)))
        for where, params in checks:
            rows = self._query(
                f"SELECT id, fingerprint, text FROM articles WHERE {where} LIMIT 1", params
            )
            if rows:
                return rows[0]
        return None

    def insert_article(self, conn: sqlite3.Connection, values: dict[str, Any]) -> int:
        row = encode_article(values)
        stamp = now_iso()
        cols = [*ARTICLE_COLUMNS, "added", "updated"]
        cur = conn.execute(
            f"INSERT INTO articles({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [*(row[c] for c in ARTICLE_COLUMNS), stamp, stamp],
        )
        assert cur.lastrowid is not None  # an INSERT always sets it
        return cur.lastrowid

    def update_article(
        self, conn: sqlite3.Connection, article_id: int, values: dict[str, Any]
    ) -> None:
        row = encode_article(values)
        assignments = ", ".join(f"{c} = ?" for c in ARTICLE_COLUMNS)
        conn.execute(
            f"UPDATE articles SET {assignments}, updated = ? WHERE id = ?",
            [*(row[c] for c in ARTICLE_COLUMNS), now_iso(), article_id],
        )

    def set_article_keys(
        self, conn: sqlite3.Connection, article_id: int, keys: Iterable[str]
    ) -> None:
        conn.execute("DELETE FROM article_keys WHERE article_id = ?", (article_id,))
        conn.executemany(
            "INSERT OR IGNORE INTO article_keys(article_id, key) VALUES (?, ?)",
            [(article_id, k) for k in dict.fromkeys(keys)],
        )

    def article(self, article_id: int) -> Article | None:
        rows = self._query("SELECT * FROM articles WHERE id = ?", (article_id,))
        return decode_article(rows[0]) if rows else None

    def has_article(self, article_id: int) -> bool:
        return bool(self._query("SELECT 1 FROM articles WHERE id = ?", (article_id,)))

    def article_text(self, article_id: int) -> str:
        rows = self._query("SELECT text FROM articles WHERE id = ?", (article_id,))
        return rows[0]["text"] if rows else ""

    def article_ids(self) -> list[int]:
        """Every article not in the Trash."""
        return [
            r[0] for r in self._query("SELECT id FROM articles WHERE trashed_at = '' ORDER BY id")
        ]

    def is_trashed(self, article_id: int) -> bool:
        rows = self._query("SELECT trashed_at FROM articles WHERE id = ?", (article_id,))
        return bool(rows and rows[0][0])

    def trashed_ids(self, before: str | None = None) -> list[int]:
        """Articles in the Trash (those trashed before ``before``, an ISO time, if given)."""
        sql = "SELECT id FROM articles WHERE trashed_at != ''"
        params: list[Any] = []
        if before is not None:
            sql += " AND trashed_at < ?"
            params.append(before)
        # Sorted here: with ORDER BY id, SQLite scanned the whole table (every open
        # empties the Trash: 65–250 ms of `margin search` at 10,000 articles) instead
        # of the small partial index of trashed articles (0.4 ms).
        return sorted(r[0] for r in self._query(sql, params))

    def set_trashed(self, conn: sqlite3.Connection, ids: Iterable[int], stamp: str) -> int:
        """Move articles to the Trash (``stamp``: when) or out of it (``stamp`` "")."""
        total = 0
        for article_id in ids:
            total += conn.execute(
                "UPDATE articles SET trashed_at = ? WHERE id = ? AND (trashed_at = '') = ?",
                (stamp, article_id, bool(stamp)),
            ).rowcount
        return total

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
                by_id[r["id"]] = ArticleSummary(
                    id=r["id"],
                    title=r["title"],
                    site_name=r["site_name"],
                    authors=json.loads(r["authors"]),
                    published=r["published"],
                    added=r["added"],
                    source_format=r["source_format"],
                    url=r["url"],
                    is_read=bool(r["is_read"]),
                    highlight_count=r["highlight_count"],
                    trashed_at=r["trashed_at"],
                )
        return [by_id[i] for i in page if i in by_id]

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

    def delete_articles(self, conn: sqlite3.Connection, ids: Iterable[int]) -> int:
        total = 0
        for article_id in ids:
            total += conn.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount
        return total

    def set_tags(self, article_id: int, tags: Sequence[str]) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE articles SET tags = ? WHERE id = ?", (json.dumps(list(tags)), article_id)
            )

    def set_read(self, article_id: int, is_read: bool) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE articles SET is_read = ? WHERE id = ?", (int(is_read), article_id))

    def set_reading_position(self, article_id: int, position: float) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE articles SET reading_position = ? WHERE id = ?", (position, article_id)
            )

    def article_note(self, article_id: int) -> str:
        rows = self._query("SELECT note FROM articles WHERE id = ?", (article_id,))
        return rows[0]["note"] if rows else ""

    def set_article_note(self, article_id: int, note: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE articles SET note = ?, note_modified = ? WHERE id = ?",
                (note, now_iso(), article_id),
            )

    # --- citations ------------------------------------------------------------------------

    def replace_citations(
        self,
        conn: sqlite3.Connection,
        article_id: int,
        citations: Sequence[Citation],
        keys: Sequence[Sequence[str]],
    ) -> None:
        conn.execute("DELETE FROM citations WHERE article_id = ?", (article_id,))
        for citation, citation_keys in zip(citations, keys, strict=True):
            cur = conn.execute(
                "INSERT INTO citations(article_id, ordinal, kind, identifier, href, text,"
                " context, reference, ids) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    article_id,
                    citation.ordinal,
                    str(citation.kind),
                    citation.identifier,
                    citation.href,
                    citation.text,
                    citation.context,
                    json.dumps(reference_to_dict(citation.reference)),
                    json.dumps(citation.ids),
                ),
            )
            conn.executemany(
                "INSERT INTO citation_keys(citation_id, article_id, key) VALUES (?,?,?)",
                [(cur.lastrowid, article_id, k) for k in dict.fromkeys(citation_keys)],
            )

    def citations(self, article_id: int) -> list[StoredCitation]:
        """An article's citations, each with the library article it matches (not itself)."""
        rows = self._query(
            """
            SELECT c.*, (
                SELECT ak.article_id FROM citation_keys ck
                JOIN article_keys ak ON ak.key = ck.key
                WHERE ck.citation_id = c.id AND ak.article_id != c.article_id
                ORDER BY ak.article_id LIMIT 1
            ) AS local_id
            FROM citations c WHERE c.article_id = ? ORDER BY c.ordinal, c.id
            """,
            (article_id,),
        )
        return [
            StoredCitation(
                id=r["id"],
                article_id=r["article_id"],
                citation=Citation(
                    kind=CitationKind(r["kind"]),
                    identifier=r["identifier"],
                    href=r["href"],
                    text=r["text"],
                    context=r["context"],
                    reference=reference_from_dict(json.loads(r["reference"])),
                    ordinal=r["ordinal"],
                    ids=json.loads(r["ids"]),
                ),
                local_article_id=r["local_id"],
            )
            for r in rows
        ]

    def citation_keys_of(self, article_id: int) -> list[str]:
        rows = self._query(
            "SELECT DISTINCT key FROM citation_keys WHERE article_id = ?", (article_id,)
        )
        return [r[0] for r in rows]

    def cited_by(self, article_id: int) -> list[int]:
        """Ids of other library articles that cite this one."""
        rows = self._query(
            """
            SELECT DISTINCT ck.article_id FROM article_keys ak
            JOIN citation_keys ck ON ck.key = ak.key
            WHERE ak.article_id = ? AND ck.article_id != ?
            ORDER BY ck.article_id
            """,
            (article_id, article_id),
        )
        return [r[0] for r in rows]

    def articles_with_keys(self, keys: Sequence[str]) -> list[int]:
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self._query(
            f"SELECT DISTINCT article_id FROM article_keys WHERE key IN ({marks})", list(keys)
        )
        return [r[0] for r in rows]

    # --- annotations ----------------------------------------------------------------------

    def annotations(self, article_id: int, *, include_removed: bool = False) -> list[Annotation]:
        where = "" if include_removed else " AND removed = 0"
        rows = self._query(
            f"SELECT * FROM annotations WHERE article_id = ?{where} ORDER BY start, created",
            (article_id,),
        )
        return [decode_annotation(r) for r in rows]

    def annotation(self, uuid: str) -> Annotation | None:
        rows = self._query("SELECT * FROM annotations WHERE uuid = ?", (uuid,))
        return decode_annotation(rows[0]) if rows else None

    def orphan_uuids(self, article_id: int) -> set[str]:
        rows = self._query(
            "SELECT uuid FROM annotations WHERE article_id = ? AND orphan = 1 AND removed = 0",
            (article_id,),
        )
        return {r[0] for r in rows}

    def save_annotation(
        self, conn: sqlite3.Connection, annotation: Annotation, *, orphan: bool | None = None
    ) -> None:
        """Insert or replace by uuid. ``orphan`` None keeps the stored flag (new: False)."""
        conn.execute(
            """
            INSERT INTO annotations(uuid, article_id, exact, prefix, suffix, start, "end",
                color, note, tags, created, modified, removed, orphan)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,COALESCE(?, 0))
            ON CONFLICT(uuid) DO UPDATE SET
                article_id = excluded.article_id, exact = excluded.exact,
                prefix = excluded.prefix, suffix = excluded.suffix, start = excluded.start,
                "end" = excluded."end", color = excluded.color, note = excluded.note,
                tags = excluded.tags, modified = excluded.modified,
                removed = excluded.removed, orphan = COALESCE(?, annotations.orphan)
            """,
            (
                annotation.uuid,
                annotation.article_id,
                annotation.quote.exact,
                annotation.quote.prefix,
                annotation.quote.suffix,
                annotation.position.start,
                annotation.position.end,
                annotation.color,
                annotation.note,
                json.dumps(annotation.tags),
                annotation.created,
                annotation.modified,
                int(annotation.removed),
                None if orphan is None else int(orphan),
                None if orphan is None else int(orphan),
            ),
        )

    # --- settings -------------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        rows = self._query("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else default

    # --- the index queue (see _SCHEMA_V4) ------------------------------------------------

    def index_queue(self) -> tuple[int, list[int]]:
        """(the last queued position, the distinct article ids queued up to it)."""
        rows = self._query("SELECT seq, article_id FROM index_queue ORDER BY seq")
        if not rows:
            return 0, []
        return int(rows[-1][0]), sorted({int(r[1]) for r in rows})

    def index_queue_end(self) -> int:
        return int(self._query("SELECT COALESCE(MAX(seq), 0) FROM index_queue")[0][0])

    def clear_index_queue(self, through: int) -> None:
        """Forget queued changes up to ``through``: the index has them now."""
        if through > 0:
            with self.transaction() as conn:
                conn.execute("DELETE FROM index_queue WHERE seq <= ?", (through,))

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )


# --- query helpers ---------------------------------------------------------


def _where(
    filter: LibraryFilter | None, ids: Sequence[int] | None = None, *, trashed: bool = False
) -> tuple[str, list[Any]]:
    """The WHERE clause (with its parameters) for articles aliased ``a``.

    Articles in the Trash are left out, or (``trashed``) are the only ones let in.
    """
    clauses: list[str] = ["a.trashed_at != ''" if trashed else "a.trashed_at = ''"]
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
