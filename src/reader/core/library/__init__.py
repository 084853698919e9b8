"""The `Library` facade: the one way in for the command line and the window.

A library is a folder::

    library.sqlite3      the system of record (see reader.core.library.store)
    originals/ab/<sha>   every imported file's bytes, once, by content hash
    index/               the Whoosh index: derived, rebuilt when missing or unreadable

:class:`Library` reads as a table of contents of what Margin can do; each method hands
the work to one part beneath it, as Anki's ``Collection`` composes its managers:

=====================  ===============================================================
``importing``          files → importers → originals + database + index
``indexing``           the search index, its background lane, the one lock story
``annotations``        highlights and notes: create, edit, merge, anchor on the text
``blobs``              files kept by content hash (the originals)
``store``              SQLite: schema, migrations, queries (private to this package)
=====================  ===============================================================

The facade stands on :class:`~.folder.LibraryFolder` (:mod:`.folder`: opening the
folder, making and wiring the parts) and takes its highlight and note methods from
:mod:`.annotation_methods`; every other method is here, one section per subject.

Nothing here imports Qt. Long operations take ``progress`` and ``cancel`` callables
(:data:`~reader.core.model.ProgressFn`, :data:`~reader.core.model.CancelFn`) so the
window can run them on a worker thread and the CLI can draw a progress line. Every
error a caller sees is a :class:`~reader.core.errors.MarginError`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.core.errors import NotFound
from reader.core.library import backup
from reader.core.library.annotation_methods import AnnotationMethods
from reader.core.library.folder import DB_NAME
from reader.core.library.images import StoredImageRow
from reader.core.library.trash import TRASH_DAYS
from reader.core.model import (
    AnchoredAnnotations,
    Article,
    ArticleSummary,
    CancelFn,
    ImportOptions,
    ImportReport,
    ImportResult,
    LibraryFilter,
    Progress,
    ProgressFn,
    SearchResults,
    StoredCitation,
)
from reader.core.paths import library_dir

if TYPE_CHECKING:
    from reader.core.images.fetch import FetchReport

__all__ = [
    "TRASH_DAYS",
    "AnchoredAnnotations",
    "CancelFn",
    "Library",
    "LibraryFilter",
    "Progress",
    "ProgressFn",
]


class Library(AnnotationMethods):
    """One library folder. Open with :meth:`open`; close with :meth:`close` (or ``with``)."""

    @classmethod
    def open(
        cls, path: str | os.PathLike[str] | None = None, *, daily_backup: bool = True
    ) -> Library:
        """The library at ``path``, else ``$MARGIN_LIBRARY``, else the user data folder.

        ``daily_backup=False``: the caller only reads, and leaves the day's backup to
        the next opening that may change something.
        """
        library = cls(library_dir(path), daily_backup=daily_backup)
        if not library.read_only:
            library.empty_trash(older_than_days=TRASH_DAYS)
        return library

    def close(self) -> None:
        """Finish queued index work and close the files."""
        self._indexing.close()
        self._store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- importing ------------------------------------------------------------------------

    def import_paths(
        self,
        paths: Sequence[str | os.PathLike[str]],
        options: ImportOptions | None = None,
        *,
        progress: ProgressFn | None = None,
        cancel: CancelFn | None = None,
    ) -> ImportReport:
        """Import files, folders (recursively) and .zip archives.

        Each file is one transaction: its articles all land or none do. A failing file
        is reported with the reason and the batch goes on. ``cancel`` is checked
        between files; what was imported before stays imported.
        """
        report = self._importer.import_paths(paths, options, progress=progress, cancel=cancel)
        # Importing an article that is in the Trash again means the user wants it back.
        self._trash.restore_reimported(r.article_id for r in report.results)
        return report

    def import_bytes(
        self, data: bytes, name: str, options: ImportOptions | None = None
    ) -> list[ImportResult]:
        """Import one file's bytes (used by drag-and-drop of data and by tests)."""
        return self._importer.import_bytes(data, name, options)

    # --- the list -------------------------------------------------------------------------

    def count(self, filter: LibraryFilter | None = None) -> int:
        """How many articles the filter lets through."""
        return self._store.count(filter)

    def summaries(
        self,
        filter: LibraryFilter | None = None,
        *,
        sort: str = "added",
        descending: bool = True,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[ArticleSummary]:
        """One page of the library list."""
        return self._store.summaries(
            filter, sort=sort, descending=descending, offset=offset, limit=limit
        )

    def filter_values(self) -> dict[str, list[str]]:
        """Values the library filters offer: tags, categories, sites, formats."""
        return self._store.filter_values()

    def article_ids(self) -> list[int]:
        """Every article id, oldest first."""
        return self._store.article_ids()

    # --- one article ----------------------------------------------------------------------

    def article(self, article_id: int) -> Article:
        """The article with its text and metadata; :class:`NotFound` when there is none."""
        article = self._store.article(article_id)
        if article is None:
            raise NotFound(f"no article with id {article_id}")
        return article

    def set_read(self, article_id: int, is_read: bool = True) -> None:
        """Mark the article read (or unread)."""
        self._store.set_read(article_id, is_read)

    def set_reading_position(self, article_id: int, position: float) -> None:
        """Remember how far down the article the reader is (0..1)."""
        self._store.set_reading_position(article_id, max(0.0, min(1.0, position)))

    def set_article_tags(self, article_id: int, tags: Sequence[str]) -> None:
        """Replace the article's tags (one per spelling that differs only in case)."""
        self.article(article_id)
        seen: dict[str, str] = {}
        for tag in tags:
            if tag.strip():
                seen.setdefault(tag.strip().casefold(), tag.strip())
        self._store.set_tags(article_id, list(seen.values()))
        self._indexing.add_later([article_id])

    # --- the Trash ------------------------------------------------------------------------

    def trash(self, ids: Iterable[int]) -> int:
        """Move articles, with their highlights and notes, to the Trash; returns how many.

        They leave the list, the filters and search until :meth:`restore_from_trash`;
        :meth:`empty_trash` (or 30 days) deletes them for good.
        """
        return self._trash.move(ids)

    def restore_from_trash(self, ids: Iterable[int]) -> int:
        """Bring articles back from the Trash; returns how many came back."""
        return self._trash.restore(ids)

    def is_listed(self, article_id: int) -> bool:
        """The article exists and is not in the Trash."""
        return self._trash.is_listed(article_id)

    def trashed(self) -> list[ArticleSummary]:
        """The articles in the Trash, most recently trashed first."""
        return self._trash.listed()

    def empty_trash(self, *, older_than_days: float | None = None) -> int:
        """Delete articles in the Trash for good (only those trashed long enough ago)."""
        return self._trash.empty(older_than_days=older_than_days)

    def change_token(self) -> int:
        """Changes when another process writes to the library (cheap: poll it)."""
        return self._store.data_version()

    def remove(self, ids: Iterable[int]) -> int:
        """Delete articles with their highlights and notes for good; returns how many went.

        The window and the CLI move articles to the Trash (:meth:`trash`) instead.
        """
        return self._trash.delete(ids)

    # --- images ---------------------------------------------------------------------------

    def image(self, name: str) -> tuple[bytes, str] | None:
        """A stored image's bytes and media type, by the name the article's HTML uses
        (``margin-image:NAME``); None for any name that is not a stored image's hash."""
        return self._images.image(name)

    def images(self, article_id: int) -> list[StoredImageRow]:
        """The images the article shows, and its web images (fetched or not)."""
        self.article(article_id)
        return self._images.rows(article_id)

    def fetch_images(
        self,
        article_id: int,
        *,
        progress: ProgressFn | None = None,
        cancel: CancelFn | None = None,
    ) -> FetchReport:
        """Download the article's web images, once, because the user asked (see
        :mod:`reader.core.images.fetch`); nothing else in Margin uses the network."""
        from reader.core.library.fetching import fetch_article_images

        article = self.article(article_id)
        report = fetch_article_images(
            self._store, self._images, self._annotations, article, progress=progress,
            cancel=cancel,
        )  # fmt: skip
        if report.fetched:
            self._indexing.add_later([article_id])  # the placeholders' words are gone
        return report

    # --- search ---------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 20) -> SearchResults:
        """Ranked hits with snippets; a hit found in a highlight or note says which.

        A word that is in no article gets a suggestion (``results.suggestion``); when
        nothing matched, the hits are the suggestion's (``results.corrected_from``).
        """
        store = self._store
        return self._indexing.search(
            query, limit, store.article_text, store.annotations, store.article_note
        )

    # --- backups and health -----------------------------------------------------------------

    def backup(self) -> Path:
        """A verified backup of the database now (see :mod:`.backup`); its path."""
        return backup.make_backup(self._store.path, "manual")

    def backup_due(self) -> bool:
        """The day's backup is not made yet (and this library can be written)."""
        return not self.read_only and backup.backup_due(self._store.path)

    def back_up_if_due(self) -> Path | None:
        """Make the day's backup of the open library if it is due (its path, or None).

        For a caller that opened the library with ``daily_backup=False`` so as not to
        wait for it (the window: ~6 s at 50,000 articles); safe beside other work, since
        SQLite's backup reads a snapshot.
        """
        return None if self.read_only else backup.daily_backup(self._store.path)

    def backups(self) -> list[backup.Backup]:
        """The library's backups, newest first."""
        return backup.list_backups(self._store.path)

    @staticmethod
    def restore_backup(
        path: str | os.PathLike[str] | None = None, chosen: Path | None = None
    ) -> tuple[Path, Path | None]:
        """Replace a closed library's database by a backup (default: the newest sound one).

        Returns (the backup used, where the replaced database was set aside).
        """
        return backup.restore(library_dir(path) / DB_NAME, chosen)

    def check(self, *, repair: bool = False) -> backup.CheckReport:
        """The database's integrity, the originals and images on disk, the index in step
        with the database; with ``repair``, fix what can be fixed (stray files, the index)."""
        self._indexing.flush()
        report = backup.check_files(self._store.path, self._originals.folder)
        self._originals.check(report, repair=repair)
        self._images.check(report, repair=repair)
        self._indexing.check(report, repair=repair)
        return report

    def reindex(self, progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> int:
        """Rebuild the search index from the database; returns the number of articles."""
        return self._indexing.rebuild(progress, cancel)

    def flush_index(self) -> None:
        """Wait until queued edits are in the search index."""
        self._indexing.flush()

    @property
    def index_dir(self) -> Path:
        """The folder of the search index (derived data)."""
        return self._indexing.folder

    # --- citations ------------------------------------------------------------------------

    def citations(self, article_id: int) -> list[StoredCitation]:
        """What the article cites, each with the library article it matches, if any."""
        self.article(article_id)
        return self._store.citations(article_id)

    def cited_by(self, article_id: int) -> list[ArticleSummary]:
        """Other library articles that cite this one, by title."""
        ids = self._store.cited_by(article_id)
        if not ids:
            return []
        return self._store.summaries(ids=ids, sort="title", descending=False)

    def articles_with_keys(self, keys: Sequence[str]) -> list[int]:
        """Articles known by any of these identifier keys (``pmid:…``, ``doi:…``, ``url:…``)."""
        return self._store.articles_with_keys(keys)

    # --- highlights and notes: in annotation_methods.py (AnnotationMethods) ---------------

    # --- export ---------------------------------------------------------------------------

    def export_markdown(self, article_id: int) -> str:
        """The article's highlights and notes as a Markdown document."""
        from reader.core.export import files

        return files.markdown_for(self, article_id)

    def export_articles(
        self,
        ids: Sequence[int],
        fmt: str = "markdown",
        out: str | os.PathLike[str] = ".",
        *,
        progress: ProgressFn | None = None,
        cancel: CancelFn | None = None,
        images: bool = False,
    ) -> list[Path]:
        """Write one file per article (Markdown or W3C JSON-LD); returns the paths.
        With ``images``, Markdown notes show highlighted figures from ``attachments/``."""
        from reader.core.export import files

        return files.export_articles(
            self, ids, fmt, out, progress=progress, cancel=cancel, images=images
        )

    def export_text(self, article_id: int, fmt: str = "markdown") -> str:
        """One article's export as text (Markdown or W3C JSON-LD), e.g. for standard output."""
        from reader.core.export import files

        return files.export_text(self, article_id, fmt)

    def annotated_article_ids(self, fmt: str = "markdown") -> list[int]:
        """What "export all" writes in ``fmt``, oldest first: articles with a highlight or
        a note; for W3C also those whose highlights were all deleted (their tombstones)."""
        from reader.core.export import files

        return files.annotated_article_ids(self, fmt)

    def import_annotations(self, path: str | os.PathLike[str]) -> tuple[int, list[str]]:
        """Merge a W3C JSON-LD file's highlights in; returns (taken, why others were not)."""
        from reader.core.export import files

        return files.import_w3c_file(self, Path(path))

    # --- settings kept with the library (highlight colour meanings…) ----------------------

    def setting(self, key: str, default: Any = None) -> Any:
        """A value stored with the library (not with the window)."""
        return self._store.setting(key, default)

    def set_setting(self, key: str, value: Any) -> None:
        """Store a value with the library."""
        self._store.set_setting(key, value)
