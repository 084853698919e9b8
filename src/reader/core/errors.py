"""Errors the core raises on purpose. Each message is written for the user."""

from __future__ import annotations


class MarginError(Exception):
    """Base class: anything the CLI or the window may show as-is."""


class ImportFailure(MarginError):
    """A file (or archive member) could not be imported.

    The message says what is wrong with the content ("invalid JSON at line 3, column
    7: Expecting ','"); the library prefixes the file name when reporting it.
    """


class QueryError(MarginError):
    """A search query the parser cannot read; the message says why, gently."""


class NotFound(MarginError):
    """No article (or annotation) with that id."""


class AnchorError(MarginError):
    """A quote that is not in the article, or is ambiguous without prefix/suffix."""


class StorageError(MarginError):
    """The library database could not be read or written (disk full, locked, damaged)."""


class ExportError(MarginError):
    """An export could not be written where it was asked to go (no such folder, no
    permission, disk full); the message names the file or folder."""


class SchemaTooNew(StorageError):
    """The library was written by a newer Margin: this one must not touch it."""


class IndexUnavailable(MarginError):
    """The search index cannot be opened or written (damaged, locked by another process).

    The index is derived data: the library rebuilds it from the database when it can,
    so callers see this only when a rebuild cannot help (another Margin holds the lock).
    """
