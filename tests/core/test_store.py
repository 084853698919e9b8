"""The SQLite store: schema versioning and atomic transactions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.core.errors import SchemaTooNew
from reader.core.library.store import SCHEMA_VERSION, Store


def test_new_database_gets_current_schema(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    store.close()
    conn = sqlite3.connect(tmp_path / "db.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "citations", "annotations", "originals", "article_keys"} <= tables
    conn.close()


def test_newer_schema_is_refused_not_damaged(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(SchemaTooNew, match="newer version of Margin"):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 5
    conn.close()


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    with pytest.raises(RuntimeError), store.transaction() as conn:
        store.add_original(conn, "abc", "x.json", 3)
        raise RuntimeError("crash mid-import")
    store.close()
    conn = sqlite3.connect(tmp_path / "db.sqlite3")
    assert conn.execute("SELECT COUNT(*) FROM originals").fetchone()[0] == 0
    conn.close()


def test_settings_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    store.set_setting("colors", {"yellow": "key finding"})
    assert store.setting("colors") == {"yellow": "key finding"}
    assert store.setting("missing", 7) == 7
    store.close()


def test_database_errors_are_margin_errors_with_a_message(tmp_path: Path) -> None:
    from reader.core.errors import MarginError, StorageError

    store = Store(tmp_path / "db.sqlite3")
    store.close()  # e.g. the file went away under us
    with pytest.raises(StorageError, match="library database") as exc:
        store.set_setting("x", 1)
    assert isinstance(exc.value, MarginError)
    with pytest.raises(StorageError):
        store.setting("x")


def test_version_1_database_is_migrated_without_losing_data(tmp_path: Path) -> None:
    from reader.core.library.schema import SCHEMA_V1, split_sql

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for statement in split_sql(SCHEMA_V1):
        conn.execute(statement)
    conn.execute(
        "INSERT INTO articles(title, html, text, source_format, added, updated, content_hash,"
        " fingerprint) VALUES ('Kept', '<p>x</p>', 'x', 'markdown', '2025', '2025', 'h', 'f')"
    )
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()
    store = Store(path)
    assert [s.title for s in store.summaries(sort="title")] == ["Kept"]
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"articles_title", "articles_published", "annotations_live"} <= indexes
    conn.close()
