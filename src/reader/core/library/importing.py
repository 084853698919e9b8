"""Files in, articles out: sources → importers → originals + database + index.

What it adds to the importers (which only parse bytes):

* **one transaction per file**: a file's articles all land or none do, and a failing file
  is reported with its reason while the batch goes on;
* **same article again**: an incoming article is a new version of a stored one when the
  guid (per format), the normalised URL or the title + text match; a fingerprint of
  everything stored tells "unchanged" from "updated";
* **citations** found in the HTML when the importer did not list them (JATS does);
* **re-anchoring**: a re-import that changes the text moves the highlights with it;
* **indexing** as it goes: in batches of :data:`INDEX_BATCH` for a small import, by the
  index's own worker processes for a big one.

Which files an import reads (folders, archives, packages, the size caps) is decided in
:mod:`reader.core.library.sources`.

The pipeline (a big import, :data:`PARALLEL_FROM` files or more; a small one does the
same steps in this process, one file after another). In brackets, the module of
``reader.core.library`` where each step lives::

    paths ─▶ expand() ─▶ read bytes ─▶ parse_source()  ×N worker processes
             [sources]   [sources]      parse, sanitize, citations, images,
                                        keep the original (fsync)  [importing]
                                              │ Parsed, back in file order  [pipeline]
                                              ▼
                 import_one(): one SQLite transaction per file  [importing]
                                              │ new articles
                                              ▼
                 ImportFeed ─▶ Whoosh writer ─▶ ×N index processes, a segment each
                 [index_feed]                 │ (reader.core.index.process_writer)
                                              ▼ at the end: commit, no merge
                 catch up the queue (updates, edits meanwhile); merge when idle
                 [indexing: Indexing.feeding]

The parallel half, its process start-up and its measurements are in
:mod:`reader.core.library.pipeline`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from sqlite3 import Connection
from typing import Any

from reader.core import citations as citations_mod
from reader.core.errors import ImportFailure, StorageError
from reader.core.images.collect import collecting
from reader.core.images.resources import Resources
from reader.core.importers import parse_file
from reader.core.library.annotations import Annotations
from reader.core.library.backup import make_backup
from reader.core.library.blobs import Blobs
from reader.core.library.images import Images
from reader.core.library.indexing import Indexing
from reader.core.library.sources import expand
from reader.core.library.store import Store
from reader.core.model import (
    CancelFn,
    ImportedArticle,
    ImportOptions,
    ImportReport,
    ImportResult,
    ImportStatus,
    ParseResult,
    Progress,
    ProgressFn,
)

INDEX_BATCH = 200  # articles per index commit during imports
BULK_THRESHOLD = 300  # files (and at least the library's size): back up, index marked dirty
PARALLEL_FROM = 48  # files in one import from which worker processes parse them

log = logging.getLogger(__name__)
_SAVED = (ImportStatus.ADDED, ImportStatus.UPDATED)


class Importer:
    """The import pipeline of one library."""

    def __init__(
        self,
        store: Store,
        originals: Blobs,
        indexing: Indexing,
        annotations: Annotations,
        images: Images,
    ) -> None:
        self._store = store
        self._originals = originals
        self._indexing = indexing
        self._annotations = annotations
        self._images = images

    def import_paths(
        self,
        paths: Sequence[str | os.PathLike[str]],
        options: ImportOptions | None = None,
        *,
        progress: ProgressFn | None = None,
        cancel: CancelFn | None = None,
    ) -> ImportReport:
        """Import files, folders and archives; ``cancel`` is checked between files."""
        options = options or ImportOptions()
        report = ImportReport()
        sources = list(expand(paths, report))
        # Open (or rebuild) the index before adding anything, so a first import is not
        # indexed twice. A bulk import (a big one into a small library) is backed up
        # first, and the index marked dirty until the import's feed has committed: a
        # crash in between rebuilds it at the next start.
        self._indexing.index()
        bulk = len(sources) >= BULK_THRESHOLD and len(sources) >= self._store.count()
        if bulk:
            if self._store.count():
                with contextlib.suppress(StorageError):  # the import itself will say why
                    make_backup(self._store.path, "before-import")
            self._indexing.mark_dirty()
        if len(sources) >= PARALLEL_FROM:
            # Many files: parsed in worker processes, indexed as they are saved
            # (reader.core.library.pipeline, with its measurements).
            from reader.core.library.pipeline import import_many

            import_many(
                self.import_one, self._indexing, self._originals, sources, options, report,
                bulk, progress=progress, cancel=cancel,
            )  # fmt: skip
            return report
        pending: list[int] = []
        total = len(sources)
        for done, (label, read, resources) in enumerate(sources):
            if cancel and cancel():
                report.cancelled = True
                break
            if progress:
                progress(Progress(done=done, total=total, current=label))
            try:
                data = read()
            except (OSError, MemoryError) as exc:
                message = f"cannot read: {getattr(exc, 'strerror', None) or exc}"
                report.results.append(ImportResult(label, ImportStatus.FAILED, message))
                continue
            except ImportFailure as exc:
                report.results.append(ImportResult(label, ImportStatus.FAILED, str(exc)))
                continue
            try:
                results = self.import_one(data, label, options, resources)
            except StorageError as exc:
                results = [ImportResult(label, ImportStatus.FAILED, str(exc))]
            report.results.extend(results)
            pending.extend(_saved_ids(results))
            if len(pending) >= INDEX_BATCH:
                self._indexing.add_now(pending)
                pending.clear()
            if progress and results:
                progress(Progress(done=done + 1, total=total, current=label, result=results[-1]))
        self._indexing.add_now(pending)
        if progress:
            progress(Progress(done=total, total=total, current=""))
        return report

    def import_bytes(
        self, data: bytes, name: str, options: ImportOptions | None = None
    ) -> list[ImportResult]:
        """Import one file's bytes and index what was saved."""
        results = self.import_one(data, name, options or ImportOptions())
        self._indexing.add_now(_saved_ids(results))
        return results

    def import_one(
        self,
        data: bytes,
        label: str,
        options: ImportOptions,
        resources: Resources | None = None,
        prepared: Parsed | None = None,
    ) -> list[ImportResult]:
        """Parse one file and save its articles, with their images, in one transaction
        (not indexed yet). ``resources`` are the files beside it, where images are found;
        ``prepared`` is the file already parsed (by a worker process)."""
        prepared = prepared or parse_source(data, label, options, resources)
        if prepared.result is None:
            return prepared.failures
        parsed = prepared.result
        results = [ImportResult(label, ImportStatus.SKIPPED, s.reason) for s in parsed.skipped]
        results += [ImportResult(label, ImportStatus.FAILED, reason) for reason in parsed.failed]
        if not parsed.articles:
            if not results:
                results.append(
                    ImportResult(label, ImportStatus.SKIPPED, "no articles in this file")
                )
            return results
        written: list[str] = []
        unused: list[str] = []
        try:
            digest = prepared.digest or self._originals.put(data)
            with self._store.transaction() as conn:
                # The image files are written while this transaction holds the write
                # lock, so no other process's clean-up can take them for unused before
                # the rows that name them land (with the articles, or not at all).
                self._images.put_files((im for a in parsed.articles for im in a.images), written)
                self._store.add_original(conn, digest, label, len(data))
                for imported in parsed.articles:
                    results.append(self._save_article(conn, imported, digest, label, unused))
        except (ImportFailure, StorageError, ValueError) as exc:
            self._images.remove_files(written)  # the library stays as it was
            return [ImportResult(label, ImportStatus.FAILED, f"could not save: {exc}")]
        self._images.discard_unused(unused)
        # Images missing, refused or over a cap, and what a damaged archive lost: one
        # line each, after the articles they belong to. Their own status: the file was
        # imported, so they are not counted with the files that were skipped.
        # With one article in the file, the lines name it (its id, for `margin show`).
        saved = {r.article_id: r.title for r in results if r.article_id is not None}
        article_id, title = next(iter(saved.items())) if len(saved) == 1 else (None, "")
        results += [
            ImportResult(label, ImportStatus.PICTURE, note, article_id, title)
            for note in prepared.notes
        ]
        if parsed.warnings:
            # What the importer repaired (an unknown entity kept as text…) is said with
            # each article saved from the file, so the report shows it.
            note = "; ".join(dict.fromkeys(parsed.warnings))
            for result in results:
                if result.status in _SAVED and not result.message:
                    result.message = note
        return results

    def _save_article(
        self,
        conn: Connection,
        imported: ImportedArticle,
        digest: str,
        label: str,
        unused_images: list[str],
    ) -> ImportResult:
        if imported.citations is None:
            found = citations_mod.extract_citations(imported.html, imported.text)
        else:
            found = imported.citations
        url_key = citations_mod.normalise_url(imported.url) if imported.url else ""
        content_hash = _sha(imported.title + "\n" + imported.text)
        values: dict[str, Any] = {
            "title": imported.title or label,
            "html": imported.html,
            "text": imported.text,
            "source_format": str(imported.source_format),
            "authors": imported.authors,
            "site_name": imported.site_name,
            "url": imported.url,
            "url_key": url_key,
            "guid": imported.guid,
            "external_id": imported.external_id,
            "published": _iso(imported.published),
            "modified": _iso(imported.modified),
            "excerpt": imported.excerpt,
            "language": imported.language,
            "categories": imported.categories,
            "tags": imported.tags,
            "identifiers": imported.identifiers,
            "journal": imported.journal,
            "featured_image": imported.featured_image,
            "metadata": imported.metadata,
            "content_hash": content_hash,
        }
        values["fingerprint"] = _sha(json.dumps(values, sort_keys=True, default=str))
        values["original_hash"] = digest
        values["source_name"] = label
        existing = self._store.find_existing(
            imported.guid, url_key, content_hash, str(imported.source_format), imported.site_name
        )
        if existing is not None and existing["fingerprint"] == values["fingerprint"]:
            return ImportResult(label, ImportStatus.UNCHANGED, "", existing["id"], values["title"])
        if existing is None:
            article_id = self._store.insert_article(conn, values)
            status = ImportStatus.ADDED
        else:
            article_id = existing["id"]
            self._store.update_article(conn, article_id, values)
            status = ImportStatus.UPDATED
            if existing["text"] != imported.text:
                self._annotations.reanchor(conn, article_id, imported.text)
        keys = citations_mod.article_keys(imported.identifiers, imported.url, imported.guid)
        self._store.set_article_keys(conn, article_id, keys)
        self._store.replace_citations(
            conn, article_id, found, [citations_mod.citation_keys(c) for c in found]
        )
        unused_images += self._images.replace_rows(
            conn, article_id, imported.images, imported.remote_images
        )
        return ImportResult(label, status, "", article_id, values["title"])


@dataclass(slots=True)
class Parsed:
    """One file as an importer read it, ready to save (made here or in a worker)."""

    label: str
    result: ParseResult | None  # None: the file failed, and ``failures`` say why
    failures: list[ImportResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # images missing, refused, over a cap
    digest: str = ""  # the original, already kept under this hash (by a worker)


def parse_source(
    data: bytes,
    label: str,
    options: ImportOptions,
    resources: Resources | None = None,
    originals: Blobs | None = None,
) -> Parsed:
    """Parse one file, find its citations and collect its images: everything about a
    file that needs no database, so a worker process can do it. With ``originals``, the
    file's bytes are kept there too (a worker's fsync does not hold up the saving)."""
    try:
        with collecting(resources) as collector:
            parsed = parse_file(data, label, options)
            for imported in parsed.articles:
                collector.attach(imported)
                if imported.citations is None:
                    imported.citations = citations_mod.extract_citations(
                        imported.html, imported.text
                    )
    except ImportFailure as exc:
        return Parsed(label, None, [ImportResult(label, ImportStatus.FAILED, str(exc))])
    except RecursionError:
        why = "the file is nested too deeply to read"
        return Parsed(label, None, [ImportResult(label, ImportStatus.FAILED, why)])
    except (MemoryError, ValueError, UnicodeError) as exc:
        why = f"unreadable content: {exc}"
        return Parsed(label, None, [ImportResult(label, ImportStatus.FAILED, why)])
    except Exception as exc:
        # A bug or a limit hit in one importer costs that file, never the batch.
        log.exception("importing %s failed", label)
        why = f"Margin could not read this file ({type(exc).__name__}: {exc})"
        return Parsed(label, None, [ImportResult(label, ImportStatus.FAILED, why)])
    digest = ""
    if originals is not None and parsed.articles:
        try:
            digest = originals.put(data)
        except StorageError as exc:
            why = f"could not save: {exc}"
            return Parsed(label, None, [ImportResult(label, ImportStatus.FAILED, why)])
    return Parsed(label, parsed, [], collector.notes, digest)


def _saved_ids(results: Sequence[ImportResult]) -> list[int]:
    return [r.article_id for r in results if r.article_id is not None and r.status in _SAVED]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _iso(value: dt.datetime | None) -> str:
    """ISO 8601 with a time zone, so dates from every importer sort together. A source
    that gives no zone (a WXR post_date) is taken as UTC: off by the site's offset at
    worst, never unsortable."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()
