"""An article's citations in the database, and the keys that link each citation to the
library article it names (its DOI, PMID…), both ways: what an article cites that the
library holds, and which library articles cite it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from reader.core.library.connection import StoreConnection
from reader.core.library.rows import reference_from_dict, reference_to_dict
from reader.core.model import Citation, CitationKind, StoredCitation


class CitationRows(StoreConnection):
    """Citation rows and keys (a part of :class:`~reader.core.library.store.Store`)."""

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
