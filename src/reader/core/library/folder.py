"""A library folder opened: its database checked, backed up and brought forward, and
the parts that do the work made and wired together.

:class:`LibraryFolder` is what :class:`~reader.core.library.Library` stands on: it
holds the parts (the store, the originals, the index, the annotations, the images,
the Trash, and the importer, made on first use); the facade's methods hand them work.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.errors import StorageError
from reader.core.library import backup
from reader.core.library.annotations import Annotations
from reader.core.library.blobs import Blobs
from reader.core.library.images import Images
from reader.core.library.indexing import Indexing
from reader.core.library.store import SCHEMA_VERSION, Store
from reader.core.library.trash import Trash

if TYPE_CHECKING:
    from reader.core.library.importing import Importer

DB_NAME = "library.sqlite3"


def _make_folder(root: Path) -> None:
    """The library folder, made if new; a path Margin cannot use says why (the window
    showed a traceback for ``--library FILE``, the terminal "File exists")."""
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if root.exists() and not root.is_dir():
            raise StorageError(
                f"cannot use {root} as the library: it is a file, not a folder "
                "(give --library a folder, or a name for a new one)"
            ) from None
        raise StorageError(
            f"cannot make the library folder {root}: {exc.strerror or exc}"
        ) from None


class LibraryFolder:
    """The parts of one library folder, made and wired as it opens."""

    def __init__(self, root: Path, *, daily_backup: bool = True) -> None:
        self.root = root
        _make_folder(root)
        db_path = root / DB_NAME
        _refuse_a_folder_of_other_files(root, db_path)
        self.read_only = _read_only(root, db_path)
        # A damaged database is set aside, with advice; a sound one is backed up daily
        # (unless the caller only reads: see backup.check_on_open).
        backup.check_on_open(db_path, read_only=self.read_only, daily=daily_backup)
        if not self.read_only and backup.needs_migration(db_path, SCHEMA_VERSION):
            backup.make_backup(db_path, "before-migration")
        self._store = Store(db_path, read_only=self.read_only)
        self._originals = Blobs(root / "originals")
        self._indexing = Indexing(root / "index", self._store, read_only=self.read_only)
        self._annotations = Annotations(self._store, self._indexing.add_later)
        self._images = Images(self._store, root / "images")
        self._trash = Trash(self._store, self._indexing, self._annotations, self._images)

    @functools.cached_property
    def _importer(self) -> Importer:
        # Made on first use: the importers, lxml and the citation finder cost a command
        # that only searches or lists ~0.1 s of start-up (issue 13).
        from reader.core.library.importing import Importer

        if not self.read_only:
            # What a killed import left half-written, swept before the next import
            # writes. Not at every opening: it lists every original (50 ms at 50,000
            # articles), which a search or a list has no use for.
            self._originals.sweep_leftovers()
        return Importer(
            self._store, self._originals, self._indexing, self._annotations, self._images
        )


# What Margin itself keeps in a library folder (the database, its WAL files, backups and
# what a damaged one was set aside as, the originals, pictures and the index).
OWN_ENTRIES = (DB_NAME, "originals", "images", "index", "backups")


def _refuse_a_folder_of_other_files(root: Path, db_path: Path) -> None:
    """A new library is made in an empty or new folder, never among the user's files:
    `margin --library ~/Downloads list` would otherwise have quietly turned Downloads
    into a library. Hidden files (.DS_Store) and Margin's own leftovers do not count."""
    if db_path.exists():
        return
    try:
        entries = os.scandir(root)
    except OSError:
        return  # unreadable: opening the database will say why
    with entries:
        for entry in entries:
            if not entry.name.startswith((".", *OWN_ENTRIES)):
                raise StorageError(
                    f"{root} holds other files ({entry.name}, …) and no Margin library: "
                    "choose a new or empty folder for a library (--library DIR), or the "
                    "folder of an existing one"
                )


def _read_only(root: Path, db_path: Path) -> bool:
    """A library on a read-only disk, or one the user may not write: read it as it is."""
    if not os.access(root, os.W_OK):
        return True
    return db_path.exists() and not os.access(db_path, os.W_OK)
