"""The `Library` facade: the one way in for the command line and the window.

A library is a folder::

    library.sqlite3      the system of record (see reader.core.store)
    originals/ab/<sha>   every imported file's bytes, once, by content hash
    index/               the Whoosh index: derived, rebuilt when missing or unreadable

Nothing here imports Qt. Long operations take ``progress`` and ``cancel`` callables so
the window can run them on a worker thread and the CLI can draw a progress line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
import uuid as uuidlib
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.core import anchoring
from reader.core import citations as citations_mod
from reader.core.errors import ImportFailure, MarginError, NotFound, StorageError
from reader.core.importers import parse_file
from reader.core.index import ArticleIndex, IndexUnavailable
from reader.core.model import (
    Annotation,
    Article,
    ArticleSummary,
    ImportedArticle,
    ImportOptions,
    ImportReport,
    ImportResult,
    ImportStatus,
    IndexDocument,
    SearchResults,
    StoredCitation,
    now_iso,
)
from reader.core.paths import library_dir
from reader.core.store import Store

DB_NAME = "library.sqlite3"
# In folders and archives only files that look like article exports are tried, so a
# folder of images and PDFs does not fill the report with failures. A file named
# explicitly is always tried: its content decides.
ARTICLE_SUFFIXES = {
    ".json", ".xml", ".nxml", ".wxr", ".html", ".htm", ".xhtml", ".md", ".markdown", ".txt",
}  # fmt: skip
MAX_FILE_BYTES = 256 * 1024 * 1024  # refuse larger files (and zip members) outright
INDEX_BATCH = 200  # articles per index commit during imports
BULK_THRESHOLD = 300  # files in one import from which the index is rebuilt in bulk

ProgressFn = Callable[["Progress"], None]
CancelFn = Callable[[], bool]


@dataclass(slots=True)
class Progress:
    done: int
    total: int
    current: str = ""
    result: ImportResult | None = None


@dataclass(slots=True)
class LibraryFilter:
    """What the library list shows; empty fields mean "any"."""

    tag: str = ""
    category: str = ""
    site: str = ""
    source_format: str = ""
    read: bool | None = None  # True: read only, False: unread only

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.tag:
            clauses.append("EXISTS (SELECT 1 FROM json_each(a.tags) WHERE value = ?)")
            params.append(self.tag)
        if self.category:
            clauses.append("EXISTS (SELECT 1 FROM json_each(a.categories) WHERE value = ?)")
            params.append(self.category)
        if self.site:
            clauses.append("a.site_name = ?")
            params.append(self.site)
        if self.source_format:
            clauses.append("a.source_format = ?")
            params.append(self.source_format)
        if self.read is not None:
            clauses.append("a.is_read = ?")
            params.append(int(self.read))
        return " AND ".join(clauses), params


@dataclass(slots=True)
class AnchoredAnnotations:
    """An article's highlights as they fall on its current text."""

    anchored: list[tuple[Annotation, int, int]] = field(default_factory=list)
    orphans: list[Annotation] = field(default_factory=list)


class Library:
    """Open with :meth:`open`; close with :meth:`close` (or use it as a context manager)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        (root / "originals").mkdir(exist_ok=True)
        self.store = Store(root / DB_NAME)
        self._index: ArticleIndex | None = None
        self._index_lock = threading.RLock()
        # Edits (highlights, notes) are committed to SQLite at once and indexed on this
        # one background lane: a Whoosh commit takes ~0.1 s and, every few commits, a
        # segment merge ~0.5 s, which must not freeze the window. Searches and close()
        # wait for what is queued, so search always sees the user's latest note.
        self._pending_ids: set[int] = set()
        self._pending_lock = threading.Condition()
        self._lane: threading.Thread | None = None
        self._indexing = False

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> Library:
        return cls(library_dir(path))

    def close(self) -> None:
        self.flush_index()
        with self._index_lock:
            if self._index is not None:
                self._index.close()
                self._index = None
        self.store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the index ------------------------------------------------------------------------

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    def index(self) -> ArticleIndex:
        """The search index, rebuilt from the store first if it is missing or unreadable."""
        with self._index_lock:
            if self._index is None:
                index, fresh = ArticleIndex.open_or_create(self.index_dir)
                self._index = index
                # "dirty": a crash between a store commit and its index commit.
                if fresh or self.store.setting("index_dirty", False):
                    self._rebuild_index()
            return self._index

    def _rebuild_index(
        self, progress: Callable[[int], None] | None = None, cancel: CancelFn | None = None
    ) -> bool:
        assert self._index is not None
        done = self._index.rebuild(
            (self._index_document(i) for i in self.store.article_ids()),
            progress=progress,
            cancel=cancel,
        )
        if done:
            self.store.set_setting("index_dirty", False)
        return done

    def reindex(self, progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> int:
        """Rebuild the search index from the store; returns the number of articles."""
        total = self.store.count()

        def report(done: int) -> None:
            if progress:
                progress(Progress(done=done, total=total, current="indexing"))

        with self._index_lock:
            self.index()
            self._rebuild_index(report, cancel)
        return total

    def _index_document(self, article_id: int) -> IndexDocument:
        article = self.article(article_id)
        notes = [self.store.article_note(article_id)]
        highlights = []
        for annotation in self.store.annotations(article_id):
            highlights.append(annotation.quote.exact)
            if annotation.note:
                notes.append(annotation.note)
            notes.extend(annotation.tags)
        return IndexDocument(
            article_id=article.id,
            title=article.title,
            body=article.text,
            authors=article.authors,
            site_name=article.site_name,
            tags=article.tags,
            categories=article.categories,
            published=_parse_iso(article.published),
            source_format=article.source_format,
            url=article.url,
            notes="\n\n".join(n for n in notes if n),
            highlights="\n\n".join(highlights),
            cites=self.store.citation_keys_of(article_id),
        )

    def _reindex_articles(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self._index_lock:
            index = self.index()
            self.store.set_setting("index_dirty", True)
            index.add(self._index_document(i) for i in ids)
            self.store.set_setting("index_dirty", False)

    def _reindex_later(self, ids: Iterable[int]) -> None:
        """Queue articles for the background index lane (coalescing repeats)."""
        with self._pending_lock:
            self._pending_ids.update(ids)
            if self._lane is None or not self._lane.is_alive():
                self._lane = threading.Thread(
                    target=self._run_lane, name="margin-index-lane", daemon=True
                )
                self._lane.start()
            self._pending_lock.notify_all()

    def _run_lane(self) -> None:
        while True:
            with self._pending_lock:
                if not self._pending_ids:
                    self._lane = None
                    self._pending_lock.notify_all()
                    return
                ids = sorted(self._pending_ids)
                self._pending_ids.clear()
                self._indexing = True
            try:
                # Articles removed meanwhile are simply not there any more.
                self._reindex_articles(i for i in ids if self.store.article(i) is not None)
            except MarginError:
                # Derived data: mark it for a rebuild rather than lose the edit's search.
                self.store.set_setting("index_dirty", True)
            finally:
                with self._pending_lock:
                    self._indexing = False
                    self._pending_lock.notify_all()

    def flush_index(self) -> None:
        """Wait until queued edits are in the search index."""
        with self._pending_lock:
            while self._pending_ids or self._indexing:
                self._pending_lock.wait(timeout=1.0)

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
        options = options or ImportOptions()
        report = ImportReport()
        sources = list(_expand(paths, report))
        # Open (or rebuild) the index before adding anything, so a first import is not
        # indexed twice; and decide how to index: a big import into a small library is
        # indexed in one bulk pass at the end (a fresh single-segment index), anything
        # else in batches as it goes, so search sees new articles early.
        self.index()
        bulk = len(sources) >= BULK_THRESHOLD and len(sources) >= self.store.count()
        if bulk:
            self.store.set_setting("index_dirty", True)
        pending: list[int] = []
        for done, (label, read) in enumerate(sources):
            if cancel and cancel():
                report.cancelled = True
                break
            if progress:
                progress(Progress(done=done, total=len(sources), current=label))
            try:
                data = read()
            except OSError as exc:
                message = f"cannot read: {exc.strerror or exc}"
                report.results.append(ImportResult(label, ImportStatus.FAILED, message))
                continue
            except ImportFailure as exc:
                report.results.append(ImportResult(label, ImportStatus.FAILED, str(exc)))
                continue
            results = self._import_one(data, label, options)
            report.results.extend(results)
            pending.extend(
                r.article_id
                for r in results
                if r.article_id is not None
                and r.status in (ImportStatus.ADDED, ImportStatus.UPDATED)
            )
            if not bulk and len(pending) >= INDEX_BATCH:
                self._reindex_articles(pending)
                pending.clear()
            if progress and results:
                progress(
                    Progress(done=done + 1, total=len(sources), current=label, result=results[-1])
                )
        if bulk:
            if progress:
                progress(Progress(done=len(sources), total=len(sources), current="indexing…"))
            total = self.store.count()

            def indexing(n: int) -> None:
                if progress:
                    progress(Progress(done=n, total=total, current="indexing…"))

            with self._index_lock:
                self._rebuild_index(indexing)
        else:
            self._reindex_articles(pending)
        if progress:
            progress(Progress(done=len(sources), total=len(sources), current=""))
        return report

    def import_bytes(
        self, data: bytes, name: str, options: ImportOptions | None = None
    ) -> list[ImportResult]:
        """Import one file's bytes (used by drag-and-drop of data and by tests)."""
        results = self._import_one(data, name, options or ImportOptions())
        self._reindex_articles(
            r.article_id
            for r in results
            if r.article_id is not None and r.status in (ImportStatus.ADDED, ImportStatus.UPDATED)
        )
        return results

    def _import_one(self, data: bytes, label: str, options: ImportOptions) -> list[ImportResult]:
        try:
            parsed = parse_file(data, label, options)
        except ImportFailure as exc:
            return [ImportResult(label, ImportStatus.FAILED, str(exc))]
        except RecursionError:
            return [
                ImportResult(label, ImportStatus.FAILED, "the file is nested too deeply to read")
            ]
        except (MemoryError, ValueError, UnicodeError) as exc:
            return [ImportResult(label, ImportStatus.FAILED, f"unreadable content: {exc}")]
        results = [ImportResult(label, ImportStatus.SKIPPED, s.reason) for s in parsed.skipped]
        if not parsed.articles:
            if not results:
                results.append(
                    ImportResult(label, ImportStatus.SKIPPED, "no articles in this file")
                )
            return results
        digest = self._store_original(data)
        try:
            with self.store.transaction() as conn:
                self.store.add_original(conn, digest, label, len(data))
                for imported in parsed.articles:
                    results.append(self._save_article(conn, imported, digest, label))
        except (ImportFailure, StorageError, ValueError) as exc:
            return [ImportResult(label, ImportStatus.FAILED, f"could not save: {exc}")]
        return results

    def _store_original(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        folder = self.root / "originals" / digest[:2]
        target = folder / digest
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".part")
            tmp.write_bytes(data)
            os.replace(tmp, target)
        return digest

    def _save_article(
        self, conn: Any, imported: ImportedArticle, digest: str, label: str
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
        existing = self.store.find_existing(
            imported.guid, url_key, content_hash, str(imported.source_format)
        )
        if existing is not None and existing["fingerprint"] == values["fingerprint"]:
            return ImportResult(label, ImportStatus.UNCHANGED, "", existing["id"], values["title"])
        if existing is None:
            article_id = self.store.insert_article(conn, values)
            status = ImportStatus.ADDED
        else:
            article_id = existing["id"]
            self.store.update_article(conn, article_id, values)
            status = ImportStatus.UPDATED
            if existing["text"] != imported.text:
                self._reanchor(conn, article_id, imported.text)
        keys = citations_mod.article_keys(imported.identifiers, imported.url, imported.guid)
        self.store.set_article_keys(conn, article_id, keys)
        self.store.replace_citations(
            conn, article_id, found, [citations_mod.citation_keys(c) for c in found]
        )
        return ImportResult(label, status, "", article_id, values["title"])

    def _reanchor(self, conn: Any, article_id: int, new_text: str) -> None:
        """Move highlights onto edited text; those that cannot be found become orphans."""
        current = self.store.annotations(article_id)
        anchored, orphans = anchoring.reanchor_all(new_text, current)
        for annotation, _anchor in anchored:
            self.store.save_annotation(conn, annotation, orphan=False)
        for annotation in orphans:
            self.store.save_annotation(conn, annotation, orphan=True)

    # --- reading --------------------------------------------------------------------------

    def count(self, filter: LibraryFilter | None = None) -> int:
        where, params = (filter or LibraryFilter()).where()
        return self.store.count(where.replace("a.", "articles."), params)

    def summaries(
        self,
        filter: LibraryFilter | None = None,
        *,
        sort: str = "added",
        descending: bool = True,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[ArticleSummary]:
        where, params = (filter or LibraryFilter()).where()
        return self.store.summaries(
            where=where, params=params, sort=sort, descending=descending, offset=offset, limit=limit
        )

    def filter_values(self) -> dict[str, list[str]]:
        """Values the library filters offer: tags, categories, sites, formats."""
        return {
            "tag": self.store.distinct_values("tags"),
            "category": self.store.distinct_values("categories"),
            "site": self.store.distinct_values("site_name"),
            "format": self.store.distinct_values("source_format"),
        }

    def article_ids(self) -> list[int]:
        """Every article id, oldest first."""
        return self.store.article_ids()

    def article(self, article_id: int) -> Article:
        article = self.store.article(article_id)
        if article is None:
            raise NotFound(f"no article with id {article_id}")
        return article

    def search(self, query: str, *, limit: int = 20) -> SearchResults:
        """Ranked hits with snippets; a hit found in a highlight or note says which."""
        self.flush_index()
        try:
            return self._search(query, limit)
        except IndexUnavailable:
            # The index files went bad while we were running: rebuild, then retry once.
            with self._index_lock:
                if self._index is not None:
                    self._index.close()
                self._index = None
                ArticleIndex.destroy(self.index_dir)
            return self._search(query, limit)

    def _search(self, query: str, limit: int) -> SearchResults:
        return self.index().search(
            query,
            limit=limit,
            text_for=self.store.article_text,
            annotations_for=self._annotation_texts,
        )

    def _annotation_texts(self, article_id: int) -> list[tuple[str, str]]:
        return [
            (a.uuid, " … ".join(x for x in (a.quote.exact, a.note, " ".join(a.tags)) if x))
            for a in self.store.annotations(article_id)
        ]

    def remove(self, ids: Iterable[int]) -> int:
        ids = list(ids)
        self.flush_index()  # a queued re-index must not bring a removed article back
        for article_id in ids:
            self.article(article_id)  # NotFound before anything is deleted
        with self.store.transaction() as conn:
            removed = self.store.delete_articles(conn, ids)
        with self._index_lock:
            self.index().delete(ids)
        return removed

    def set_read(self, article_id: int, is_read: bool = True) -> None:
        self.store.set_read(article_id, is_read)

    def set_reading_position(self, article_id: int, position: float) -> None:
        self.store.set_reading_position(article_id, max(0.0, min(1.0, position)))

    # --- citations ------------------------------------------------------------------------

    def citations(self, article_id: int) -> list[StoredCitation]:
        self.article(article_id)
        return self.store.citations(article_id)

    def cited_by(self, article_id: int) -> list[ArticleSummary]:
        ids = set(self.store.cited_by(article_id))
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return self.store.summaries(
            where=f"a.id IN ({marks})", params=sorted(ids), sort="title", descending=False
        )

    # --- annotations ----------------------------------------------------------------------

    def annotations(self, article_id: int) -> list[Annotation]:
        return self.store.annotations(article_id)

    def anchored_annotations(self, article_id: int) -> AnchoredAnnotations:
        """Highlights re-anchored on the article's current text, and the orphans."""
        article = self.article(article_id)
        orphan_ids = self.store.orphan_uuids(article_id)
        current = self.store.annotations(article_id)
        result = AnchoredAnnotations()
        result.orphans = [a for a in current if a.uuid in orphan_ids]
        candidates = [a for a in current if a.uuid not in orphan_ids]
        # One pass over the text for all of them: the text is normalised once.
        anchored, lost = anchoring.reanchor_all(article.text, candidates)
        result.anchored = [(a, found.start, found.end) for a, found in anchored]
        result.orphans.extend(lost)
        result.anchored.sort(key=lambda item: item[1])
        return result

    def add_highlight(
        self,
        article_id: int,
        start: int,
        end: int,
        *,
        color: str = "yellow",
        note: str = "",
        tags: Sequence[str] = (),
    ) -> Annotation:
        """Highlight ``text[start:end]`` of the article; committed before it returns."""
        article = self.article(article_id)
        if not (0 <= start < end <= len(article.text)):
            raise MarginError(f"selection {start}-{end} is outside the article's text")
        quote, position = anchoring.make_selectors(article.text, start, end)
        return self._new_annotation(article_id, quote, position, color, note, tags)

    def add_highlight_by_quote(
        self,
        article_id: int,
        exact: str,
        *,
        prefix: str = "",
        suffix: str = "",
        color: str = "yellow",
        note: str = "",
        tags: Sequence[str] = (),
    ) -> Annotation:
        article = self.article(article_id)
        quote, position = anchoring.selectors_for_quote(
            article.text, exact, prefix, suffix, article_id=article_id
        )
        return self._new_annotation(article_id, quote, position, color, note, tags)

    def _new_annotation(
        self, article_id: int, quote: Any, position: Any, color: str, note: str, tags: Sequence[str]
    ) -> Annotation:
        stamp = now_iso()
        annotation = Annotation(
            uuid=str(uuidlib.uuid4()),
            article_id=article_id,
            quote=quote,
            position=position,
            color=color,
            note=note,
            tags=list(tags),
            created=stamp,
            modified=stamp,
        )
        self.save_annotation(annotation)
        return annotation

    def save_annotation(self, annotation: Annotation) -> None:
        """Insert or replace an annotation (edits, undo/redo, imports), then reindex."""
        with self.store.transaction() as conn:
            self.store.save_annotation(conn, annotation)
        self._reindex_later([annotation.article_id])

    def update_annotation(
        self,
        uuid: str,
        *,
        color: str | None = None,
        note: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> Annotation:
        annotation = self.store.annotation(uuid)
        if annotation is None or annotation.removed:
            raise NotFound(f"no highlight {uuid}")
        if color is not None:
            annotation.color = color
        if note is not None:
            annotation.note = note
        if tags is not None:
            annotation.tags = list(tags)
        annotation.modified = now_iso()
        self.save_annotation(annotation)
        return annotation

    def remove_annotation(self, uuid: str) -> Annotation:
        """Delete a highlight (kept as a tombstone so merges don't bring it back)."""
        annotation = self.store.annotation(uuid)
        if annotation is None:
            raise NotFound(f"no highlight {uuid}")
        annotation.removed = True
        annotation.modified = now_iso()
        self.save_annotation(annotation)
        return annotation

    def annotation(self, uuid: str) -> Annotation:
        annotation = self.store.annotation(uuid)
        if annotation is None:
            raise NotFound(f"no highlight {uuid}")
        return annotation

    def article_note(self, article_id: int) -> str:
        self.article(article_id)
        return self.store.article_note(article_id)

    def set_article_note(self, article_id: int, note: str) -> None:
        self.article(article_id)
        self.store.set_article_note(article_id, note)
        self._reindex_later([article_id])

    # --- settings kept with the library (highlight colour meanings…) ----------------------

    def setting(self, key: str, default: Any = None) -> Any:
        return self.store.setting(key, default)

    def set_setting(self, key: str, value: Any) -> None:
        self.store.set_setting(key, value)


# --- helpers -----------------------------------------------------------------------------


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


def _parse_iso(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


Reader = Callable[[], bytes]


def _expand(
    paths: Sequence[str | os.PathLike[str]], report: ImportReport
) -> Iterator[tuple[str, Reader]]:
    """Every importable file under ``paths`` as (label, read-bytes) pairs, in a stable order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.suffix.lower() == ".zip":
                    yield from _zip_members(child, report)
                elif child.suffix.lower() in ARTICLE_SUFFIXES:
                    yield str(child), _file_reader(child)
        elif path.is_file() and zipfile.is_zipfile(path):
            yield from _zip_members(path, report)
        elif path.exists():
            yield str(path), _file_reader(path)
        else:
            report.results.append(
                ImportResult(str(path), ImportStatus.FAILED, "no such file or folder")
            )


def _file_reader(path: Path) -> Reader:
    def read() -> bytes:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImportFailure(f"the file is larger than {MAX_FILE_BYTES // 2**20} MB")
        return path.read_bytes()

    return read


def _zip_members(path: Path, report: ImportReport) -> Iterator[tuple[str, Reader]]:
    try:
        archive = zipfile.ZipFile(path)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        report.results.append(
            ImportResult(str(path), ImportStatus.FAILED, f"not a readable zip archive: {exc}")
        )
        return
    for info in sorted(members, key=lambda i: i.filename):
        name = info.filename
        parts = Path(name).parts
        if info.is_dir() or any(p.startswith(".") or p == "__MACOSX" for p in parts):
            continue
        if Path(name).suffix.lower() not in ARTICLE_SUFFIXES:
            continue

        def read(info: zipfile.ZipInfo = info) -> bytes:
            if info.file_size > MAX_FILE_BYTES:
                raise ImportFailure(
                    f"the archive member is larger than {MAX_FILE_BYTES // 2**20} MB"
                )
            try:
                with archive.open(info) as handle:
                    # Read one byte past the limit so a lying header cannot inflate us.
                    data = handle.read(MAX_FILE_BYTES + 1)
            except (zipfile.BadZipFile, RuntimeError, OSError) as exc:
                raise ImportFailure(f"cannot extract from the archive: {exc}") from None
            if len(data) > MAX_FILE_BYTES:
                raise ImportFailure("the archive member is too large once uncompressed")
            return data

        yield f"{path}:{name}", read
