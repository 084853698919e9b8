"""The library database's schema, one version at a time, and how to bring a file forward.

The version is kept in ``PRAGMA user_version``. ``MIGRATIONS[n]`` is the SQL that takes
a version n-1 file to version n; :class:`~reader.core.library.store.Store` runs the
missing ones, each in one transaction, when it opens a file. A file from a newer
Margin is refused, never touched. A new version is a new script here, never an edit to
an old one: libraries out there were made by the old ones.
"""

from __future__ import annotations

SCHEMA_VERSION = 6

SCHEMA_V1 = """
CREATE TABLE originals (
    hash TEXT PRIMARY KEY,          -- sha256 of the bytes, stored in originals/<aa>/<hash>
    name TEXT NOT NULL,             -- the file name it was first imported from
    size INTEGER NOT NULL,
    added TEXT NOT NULL
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    html TEXT NOT NULL,
    text TEXT NOT NULL,
    source_format TEXT NOT NULL,
    authors TEXT NOT NULL DEFAULT '[]',
    site_name TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    url_key TEXT NOT NULL DEFAULT '',   -- normalised URL, for "same article again"
    guid TEXT NOT NULL DEFAULT '',
    external_id TEXT NOT NULL DEFAULT '',
    published TEXT NOT NULL DEFAULT '',
    modified TEXT NOT NULL DEFAULT '',
    added TEXT NOT NULL,
    updated TEXT NOT NULL,
    excerpt TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    categories TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    identifiers TEXT NOT NULL DEFAULT '{}',
    journal TEXT NOT NULL DEFAULT '',
    featured_image TEXT NOT NULL DEFAULT 'null',
    metadata TEXT NOT NULL DEFAULT '{}',
    content_hash TEXT NOT NULL,         -- hash of title + text: "same content"
    fingerprint TEXT NOT NULL,          -- hash of everything stored: "unchanged"
    original_hash TEXT REFERENCES originals(hash),
    source_name TEXT NOT NULL DEFAULT '',
    is_read INTEGER NOT NULL DEFAULT 0,
    reading_position REAL NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',      -- the article note (Markdown)
    note_modified TEXT NOT NULL DEFAULT ''
);
CREATE INDEX articles_guid ON articles(guid) WHERE guid != '';
CREATE INDEX articles_url_key ON articles(url_key) WHERE url_key != '';
CREATE INDEX articles_content_hash ON articles(content_hash);
CREATE INDEX articles_added ON articles(added);

-- Identifiers of an article itself (pmid:…, pmc:…, doi:…, url:…), to link citations.
CREATE TABLE article_keys (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    PRIMARY KEY (key, article_id)
);
CREATE INDEX article_keys_article ON article_keys(article_id);

CREATE TABLE citations (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    kind TEXT NOT NULL,
    identifier TEXT NOT NULL,
    href TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    context TEXT NOT NULL DEFAULT '',
    reference TEXT NOT NULL DEFAULT 'null',
    ids TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX citations_article ON citations(article_id, ordinal);

CREATE TABLE citation_keys (
    citation_id INTEGER NOT NULL REFERENCES citations(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    key TEXT NOT NULL
);
CREATE INDEX citation_keys_key ON citation_keys(key);
CREATE INDEX citation_keys_citation ON citation_keys(citation_id);

CREATE TABLE annotations (
    uuid TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    exact TEXT NOT NULL,
    prefix TEXT NOT NULL DEFAULT '',
    suffix TEXT NOT NULL DEFAULT '',
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    color TEXT NOT NULL DEFAULT 'yellow',
    note TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    removed INTEGER NOT NULL DEFAULT 0,
    orphan INTEGER NOT NULL DEFAULT 0   -- could not be re-anchored after a re-import
);
CREATE INDEX annotations_article ON annotations(article_id, start);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# Version 2: indexes for the library list's sort orders. Paging a 50,000-article list
# sorted by title cost ~200 ms per page deep in the list without them.
SCHEMA_V2 = """
CREATE INDEX articles_title ON articles(title COLLATE NOCASE, id);
CREATE INDEX articles_published ON articles(published, id);
CREATE INDEX articles_site ON articles(site_name COLLATE NOCASE, id);
CREATE INDEX annotations_live ON annotations(article_id) WHERE removed = 0;
"""

# Version 3: the Trash. A removed article keeps its row (and its highlights) with the
# time it was trashed; lists, filters and search leave it out until it is restored.
SCHEMA_V3 = """
ALTER TABLE articles ADD COLUMN trashed_at TEXT NOT NULL DEFAULT '';
CREATE INDEX articles_trashed ON articles(trashed_at) WHERE trashed_at != '';
"""

# Version 4: the index queue. Every change the search index must hear of (an article
# added, edited, trashed or deleted; a highlight or note saved) queues the article's id
# in the same transaction, by trigger, so no code path (and no other process, and no
# crash between the database and the index) can leave an edit silently unsearchable.
# The indexer empties the queue up to what it has written; a new process catches up.
INDEXED_ARTICLE_COLUMNS = (
    "title, text, authors, site_name, url, published, source_format, tags, categories, "
    "note, trashed_at"
)
SCHEMA_V4 = f"""
CREATE TABLE index_queue (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL
);
CREATE TRIGGER index_queue_article_added AFTER INSERT ON articles
BEGIN INSERT INTO index_queue(article_id) VALUES (NEW.id); END;
CREATE TRIGGER index_queue_article_changed AFTER UPDATE OF {INDEXED_ARTICLE_COLUMNS}
ON articles BEGIN INSERT INTO index_queue(article_id) VALUES (NEW.id); END;
CREATE TRIGGER index_queue_article_deleted AFTER DELETE ON articles
BEGIN INSERT INTO index_queue(article_id) VALUES (OLD.id); END;
CREATE TRIGGER index_queue_annotation_added AFTER INSERT ON annotations
BEGIN INSERT INTO index_queue(article_id) VALUES (NEW.article_id); END;
CREATE TRIGGER index_queue_annotation_changed AFTER UPDATE ON annotations
BEGIN INSERT INTO index_queue(article_id) VALUES (NEW.article_id); END;
CREATE TRIGGER index_queue_annotation_deleted AFTER DELETE ON annotations
BEGIN INSERT INTO index_queue(article_id) VALUES (OLD.article_id); END;
"""

# Version 5: the images each article shows (issue 11). The bytes live in images/ by
# content hash (core/library/images.py); a row says which article uses which, where
# (the figure or img id), and what the file called it. A web image the user has not
# asked for yet has status 'remote' and no hash; once fetched, 'stored' (or 'failed',
# with the reason, so it is never asked for again).
SCHEMA_V5 = """
CREATE TABLE article_images (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    name TEXT NOT NULL DEFAULT '',      -- <sha256>.<ext>, as in margin-image:NAME
    hash TEXT NOT NULL DEFAULT '',      -- sha256 of the stored bytes; '' when not stored
    mime TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'stored',  -- stored | remote | failed
    source TEXT NOT NULL DEFAULT '',    -- the href, src or URL in the article's file
    figure TEXT NOT NULL DEFAULT '',    -- id of the figure (or img, or placeholder)
    alt TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',    -- why a fetch failed
    PRIMARY KEY (article_id, ordinal)
);
CREATE INDEX article_images_hash ON article_images(hash) WHERE hash != '';
"""

# Version 6: the library list answered from indexes. An article's row holds its HTML
# and text before the columns the list reads, so a query that read them from the table
# followed every row's overflow pages: at 50,000 articles the window took 2.8 s to open
# (1.9 s listing the tags, categories, sites and formats the filters offer; 67 ms a
# count; a page of rows sorted in a temporary B-tree). Each index starts with
# trashed_at, which every list query tests, and holds every column its queries read:
# a sorted page is read from its index in order, and the filters' values and the
# counts never touch the rows.
SCHEMA_V6 = """
CREATE INDEX articles_live_added ON articles(trashed_at, added, id);
CREATE INDEX articles_live_title ON articles(trashed_at, title COLLATE NOCASE, id);
CREATE INDEX articles_live_published ON articles(trashed_at, published, id);
CREATE INDEX articles_live_site
    ON articles(trashed_at, site_name COLLATE NOCASE, id, source_format);
CREATE INDEX articles_live_format ON articles(trashed_at, source_format, id);
CREATE INDEX articles_live_authors ON articles(trashed_at, authors, id);
CREATE INDEX articles_live_terms ON articles(trashed_at, tags, categories);
"""

# version N -> SQL that brings a version N-1 database to N.
MIGRATIONS: dict[int, str] = {
    1: SCHEMA_V1, 2: SCHEMA_V2, 3: SCHEMA_V3, 4: SCHEMA_V4, 5: SCHEMA_V5, 6: SCHEMA_V6,
}  # fmt: skip


def split_sql(script: str) -> list[str]:
    """Statements of a migration script (our scripts have no ';' inside literals; a
    trigger's body, ``BEGIN … ; END``, stays one statement)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    statements: list[str] = []
    pending: list[str] = []
    for part in "\n".join(lines).split(";"):
        pending.append(part)
        statement = ";".join(pending).strip()
        if not statement:
            pending.clear()
            continue
        upper = statement.upper()
        if upper.startswith("CREATE TRIGGER") and not upper.endswith("END"):
            continue
        statements.append(statement)
        pending.clear()
    return statements
