"""What files an import reads: paths → (label, read the bytes, the files beside it).

:func:`expand` turns what the user named into sources, in a stable order:

* **files**: a file named explicitly is always tried (its content decides); a FIFO, a
  device or a socket is refused, since it would hang the import or never end;
* **folders**, recursively: hidden files and folders skipped, only
  :data:`ARTICLE_SUFFIXES` tried (a folder of images and PDFs does not fill the report
  with failures), a symbolic link followed only when it points inside the folder, and
  ``NAME_files/`` beside ``NAME.html`` (a browser's "Web page, complete") left to the
  page it belongs to;
* **.zip archives**: at most :data:`MAX_ZIP_ENTRIES` entries, no member above
  :data:`MAX_MEMBER_BYTES` even when its header lies; nothing in an archive is ever
  written to disk, and an unsafe member name (``../x``, ``/etc/x``) is dropped;
* **packages** (a PMC ``.tar.gz``, a folder or zip with a ``.nxml``, a MECA zip): only
  the article XML is a source; the other files are its :class:`Resources`, where its
  images are found.

Nothing is read here: each source carries a reader, called when the import gets to it
(no file above :data:`MAX_FILE_BYTES`). What cannot be a source is a line of the
report, and the rest of the import goes on. Parsing and saving the sources is
:mod:`reader.core.library.importing`.
"""

from __future__ import annotations

import os
import posixpath
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from reader.core.errors import ImportFailure
from reader.core.images.resources import FolderResources, MemberResources, Resources
from reader.core.importers import pmc_package
from reader.core.model import ImportReport, ImportResult, ImportStatus

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

Reader = Callable[[], bytes]
# (label, read the bytes, the files beside it: images of a package, a bundle, a page)
Source = tuple[str, Reader, Resources | None]


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
        elif zipfile.is_zipfile(path) or path.suffix.lower() == ".zip":
            # A damaged .zip says so, as it does inside a folder (not "not an article format").
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
        if info.is_dir():
            continue
        if name is None:  # nothing is written to disk, but such a name is never looked up
            if Path(info.filename).suffix.lower() not in ARTICLE_SUFFIXES:
                continue  # an unsafe picture is reported by the article that wants it
            report.results.append(
                ImportResult(
                    f"{path}:{info.filename}",
                    ImportStatus.SKIPPED,
                    "its name leads out of the archive (an absolute path or ..): not read",
                )
            )
            continue
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
        except RuntimeError as exc:  # zipfile's word for a password-protected member
            raise ImportFailure(
                f"cannot extract it from the archive ({exc}): unzip the archive with its "
                "password and import the folder"
            ) from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ImportFailure(
                f"the archive is damaged here ({exc}): this file cannot be read, the "
                "others in the archive still are"
            ) from None
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
