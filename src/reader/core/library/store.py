"""The SQLite system of record: articles, citations, annotations, original files.

One database file per library, in WAL mode with foreign keys on and
``synchronous=FULL`` (an annotation the UI shows as saved survives a power cut).
The schema and its migrations are in :mod:`.schema`; :mod:`.database` opens the file,
brings an older one forward (one transaction a version) and writes each transaction;
:mod:`.connection` holds the connection and its lock. The library list's queries are
in :mod:`.list_queries`, the citations' in :mod:`.citation_rows`.
Lists and dicts are stored as JSON.

The store is private to :mod:`reader.core.library`: only the library's parts call it,
and nothing above the :class:`~reader.core.library.Library` facade does. Every public
method is safe to call from any thread (one connection, one lock). Queries are built
from a :class:`~reader.core.model.LibraryFilter` in one place (:mod:`.list_queries`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from reader.core.library.citation_rows import CitationRows
from reader.core.library.list_queries import ListQueries
from reader.core.library.rows import (
    ARTICLE_COLUMNS,
    decode_annotation,
    decode_article,
    encode_article,
)
from reader.core.library.schema import SCHEMA_VERSION
from reader.core.model import Annotation, Article, now_iso

# SCHEMA_VERSION stays importable from here, where the library and its tests take it.
__all__ = ["SCHEMA_VERSION", "Store"]


class Store(ListQueries, CitationRows):
    """Thread-safe access to one library database."""

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

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

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
