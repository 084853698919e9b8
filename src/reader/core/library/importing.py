"""Files in, articles out: paths → importers → originals + database + index.

What it adds to the importers (which only parse bytes):

* **where files come from**: files, folders (recursively, hidden ones skipped) and .zip
  archives, read safely (no member above :data:`MAX_FILE_BYTES`, even when its header
  lies, and no path in an archive is ever written to disk);
* **one transaction per file**: a file's articles all land or none do, and a failing file
  is reported with its reason while the batch goes on;
* **same article again**: an incoming article is a new version of a stored one when the
  guid (per format), the normalised URL or the title + text match; a fingerprint of
  everything stored tells "unchanged" from "updated";
* **citations** found in the HTML when the importer did not list them (JATS does);
* **re-anchoring**: a re-import that changes the text moves the highlights with it;
* **indexing** as it goes: in batches of :data:`INDEX_BATCH` for a small import, by the
  index's own worker processes for a big one.

The pipeline (a big import, :data:`PARALLEL_FROM` files or more; a small one does the
same steps in this process, one file after another)::

    paths ─▶ expand() ─▶ read bytes ─▶ parse_source()  ×N worker processes
             (in order)                 parse, sanitize, citations, images,
                                        keep the original (fsync)
                                              │ Parsed, back in file order
                                              ▼
                 import_one(): one SQLite transaction per file (this process)
                                              │ new articles
                                              ▼
                 ImportFeed ─▶ Whoosh writer ─▶ ×N index processes, a segment each
                                              │ at the end: commit, no merge
                                              ▼
                 catch up the queue (updates, edits meanwhile); merge when idle

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
import posixpath
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from sqlite3 import Connection
from typing import Any

from reader.core import citations as citations_mod
from reader.core.errors import ImportFailure, StorageError
from reader.core.images.collect import collecting
from reader.core.images.resources import FolderResources, MemberResources, Resources
from reader.core.importers import parse_file, pmc_package
from reader.core.library.annotations import Annotations
from reader.core.library.backup import make_backup
from reader.core.library.blobs import Blobs
from reader.core.library.images import Images
from reader.core.library.indexing import Indexing
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

# In folders and archives only files that look like article exports are tried, so a
# folder of images and PDFs does not fill the report with failures. A file named
# explicitly is always tried: its content decides.
ARTICLE_SUFFIXES = {
    ".json", ".xml", ".nxml", ".wxr", ".html", ".htm", ".xhtml", ".md", ".markdown", ".txt",
    ".mhtml", ".mht",
}  # fmt: skip
MAX_FILE_BYTES = 256 * 1024 * 1024  # refuse larger files outright
# An article export inside an archive is a few MB; a member past this is refused with a
# reason rather than read into memory (and a 100,000-entry archive is one failure line).
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
INDEX_BATCH = 200  # articles per index commit during imports
BULK_THRESHOLD = 300  # files (and at least the library's size): back up, index marked dirty
PARALLEL_FROM = 48  # files in one import from which worker processes parse them

Reader = Callable[[], bytes]
# (label, read the bytes, the files beside it: images of a package, a bundle, a page)
Source = tuple[str, Reader, Resources | None]
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
        # line each, after the articles they belong to.
        results += [ImportResult(label, ImportStatus.SKIPPED, note) for note in prepared.notes]
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


# --- where the bytes come from ------------------------------------------------------------


def expand(paths: Sequence[str | os.PathLike[str]], report: ImportReport) -> Iterator[Source]:
    """Every importable file under ``paths`` as (label, read-bytes, the files beside it),
    in a stable order. A package (PMC ``.tar.gz``, a folder or zip with a ``.nxml``, a
    MECA zip) gives only its article XML; its other files are where images are found.

    Paths that do not exist, and things that are not regular files (a FIFO would hang
    the import, ``/dev/zero`` never ends), are reported as failures in ``report``. In a
    folder, a symbolic link is followed only when it points inside that folder: a link
    to ``/etc/passwd`` among the exports is refused, not imported.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _folder_files(path, report)
        elif not path.exists():
            report.results.append(
                ImportResult(str(path), ImportStatus.FAILED, "no such file or folder")
            )
        elif (problem := _not_regular(path)) is not None:
            report.results.append(ImportResult(str(path), ImportStatus.FAILED, problem))
        elif zipfile.is_zipfile(path):
            yield from _zip_members(path, report)
        elif pmc_package.is_tar_name(path):
            yield from _tar_members(path, report)
        else:
            yield str(path), _file_reader(path), FolderResources(path.parent, path.parent)


def _folder_files(folder: Path, report: ImportReport) -> Iterator[Source]:
    root = folder.resolve()
    found: list[Path] = []
    for directory, subdirs, files in os.walk(folder, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        found.extend(Path(directory) / f for f in files if not f.startswith("."))
    # In a package's folder only the article XML is an article (not license.txt).
    by_folder: dict[Path, list[str]] = {}
    for child in found:
        by_folder.setdefault(child.parent, []).append(child.name)
    packages = {d: pmc_package.article_members(names) for d, names in by_folder.items()}
    for child in sorted(found):
        suffix = child.suffix.lower()
        if pmc_package.is_tar_name(child):
            yield from _tar_members(child, report)
            continue
        if suffix != ".zip" and suffix not in ARTICLE_SUFFIXES:
            continue
        articles = packages.get(child.parent)
        if articles is not None and child.name not in articles and suffix != ".zip":
            continue
        if _saved_page_part(child, folder):
            continue  # "Web page, complete": page_files/ holds the page's images, not pages
        if child.is_symlink() and not child.resolve().is_relative_to(root):
            report.results.append(
                ImportResult(
                    str(child),
                    ImportStatus.SKIPPED,
                    "a link to a file outside the folder being imported: not followed",
                )
            )
            continue
        problem = _not_regular(child)
        if problem is not None:
            report.results.append(ImportResult(str(child), ImportStatus.FAILED, problem))
        elif suffix == ".zip":
            yield from _zip_members(child, report)
        else:
            yield str(child), _file_reader(child), FolderResources(root, child.parent)


def _saved_page_part(child: Path, top: Path) -> bool:
    """Inside ``NAME_files/`` beside ``NAME.html``: a browser's "Web page, complete"."""
    for parent in child.parents:
        if parent == top or not parent.is_relative_to(top):
            return False
        stem = parent.name.removesuffix("_files")
        if stem != parent.name and any(
            (parent.parent / f"{stem}{ext}").is_file() for ext in (".html", ".htm")
        ):
            return True
    return False


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def _not_regular(path: Path) -> str | None:
    """Why ``path`` cannot be imported as a file, or None when it is a regular file."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    return _describe_mode(mode)


def _describe_mode(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return f"this is {kind}, not a file: only regular files are imported"


def _file_reader(path: Path) -> Reader:
    def read() -> bytes:
        # O_NONBLOCK: had the file become a FIFO since it was listed, opening it must not
        # wait for a writer; the fstat below then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            problem = _describe_mode(info.st_mode)
            if problem is not None:
                raise ImportFailure(problem)
            if info.st_size > MAX_FILE_BYTES:
                raise ImportFailure(f"the file is larger than {MAX_FILE_BYTES // 2**20} MB")
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ImportFailure(f"the file is larger than {MAX_FILE_BYTES // 2**20} MB")
        return data

    return read


def _zip_members(path: Path, report: ImportReport) -> Iterator[Source]:
    try:
        archive = zipfile.ZipFile(path)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        report.results.append(
            ImportResult(str(path), ImportStatus.FAILED, f"not a readable zip archive: {exc}")
        )
        return
    if len(members) > MAX_ZIP_ENTRIES:
        report.results.append(
            ImportResult(
                str(path),
                ImportStatus.FAILED,
                f"the archive holds {len(members):,} entries; Margin reads archives of up to "
                f"{MAX_ZIP_ENTRIES:,} (unpack it and import the folder instead)",
            )
        )
        return
    readers: dict[str, Reader] = {}
    for info in sorted(members, key=lambda i: i.filename):
        name = pmc_package.safe_member_name(info.filename)
        if name is None or info.is_dir():
            continue  # nothing is written to disk, but such a name is never looked up
        readers[name] = _zip_reader(archive, info)
    articles = pmc_package.article_members(readers)
    for name, read in readers.items():
        parts = Path(name).parts
        if any(p.startswith(".") or p == "__MACOSX" for p in parts):
            continue
        if Path(name).suffix.lower() not in ARTICLE_SUFFIXES:
            continue
        if articles is not None and name not in articles:
            continue
        resources = MemberResources(readers, posixpath.dirname(name))
        yield f"{path}:{name}", read, resources


def _zip_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Reader:
    def read() -> bytes:
        limit = MAX_MEMBER_BYTES
        too_big = f"the archive member is larger than {_size(limit)} once uncompressed"
        if info.file_size > limit:
            raise ImportFailure(too_big)
        try:
            with archive.open(info) as handle:
                # Read one byte past the limit so a lying header cannot inflate us.
                data = handle.read(limit + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:
            raise ImportFailure(f"cannot extract from the archive: {exc}") from None
        if len(data) > limit:
            raise ImportFailure(too_big)
        return data

    return read


def _tar_members(path: Path, report: ImportReport) -> Iterator[Source]:
    """A PMC package (``.tar.gz``): its article XML, with the other members as resources.
    A truncated archive gives what was read before the damage (and says so)."""
    try:
        contents = pmc_package.read_tar(path)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        report.results.append(
            ImportResult(str(path), ImportStatus.FAILED, f"not a readable tar archive: {exc}")
        )
        return
    files = contents.files
    articles = pmc_package.article_members(files)
    if articles is None:
        articles = [n for n in files if n.lower().endswith(".xml")]
    if not articles:
        problem = "; ".join(contents.problems) or "no article (.nxml or .xml) in the archive"
        report.results.append(ImportResult(str(path), ImportStatus.FAILED, problem))
        return
    readers = {name: _constant(data) for name, data in files.items()}
    for name in articles:
        resources = MemberResources(readers, posixpath.dirname(name), contents.problems)
        yield f"{path}:{name}", readers[name], resources


def _constant(data: bytes) -> Reader:
    return lambda: data


def _size(limit: int) -> str:
    return f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 1024} KB"
