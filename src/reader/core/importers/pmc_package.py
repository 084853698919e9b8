"""Article packages: PMC Open Access ``.tar.gz``, eLife and MECA zips, unpacked folders.

A package is one JATS XML file with its figures, supplements and a PDF beside it. Only
the XML is an article; the JATS importer renders it, and each ``<graphic xlink:href>``
and ``<inline-graphic>`` is found among the files beside it (see
:mod:`reader.core.images.resources`: PMC's hrefs have no extension and every figure
comes as a full-size ``.jpg`` and a ``.gif`` thumbnail, the ``.jpg`` wins). Supplementary
files (PDF, ``.mov``, ``.docx``, ``.zip``) stay listed in the article with their
captions and are never imported as articles of their own.

Which files of a package are articles (:func:`article_members`): the ``.nxml`` files
(PMC), else for a MECA package (``manifest.xml`` beside ``content/``) the XML under
``content/``, else every ``.xml`` file.

Archives are untrusted (:func:`read_tar`): nothing is ever written to disk; links,
devices, FIFOs and names that are absolute or climb with ``..`` are skipped and said;
at most :data:`MAX_ENTRIES` entries, :data:`MAX_MEMBER_BYTES` per member and
:data:`MAX_TOTAL_BYTES` in all. A truncated or corrupt archive (a ``.tar.gz`` that ends
in the middle, as PMC10802347's does) gives the members read before the damage, and a
line saying what could not be read.
"""

from __future__ import annotations

import posixpath
import tarfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_ENTRIES = 10_000
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
TAR_SUFFIXES = (".tar.gz", ".tgz", ".tar")
MECA_METADATA = frozenset({"manifest.xml", "transfer.xml", "directives.xml", "mimetype"})


@dataclass(slots=True)
class TarContents:
    """The regular files of a tar archive, by name, and what could not be read."""

    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def is_tar_name(path: Path) -> bool:
    """A ``.tar.gz``, ``.tgz`` or ``.tar`` file, by its name (the content decides after)."""
    return path.name.lower().endswith(TAR_SUFFIXES)


def safe_member_name(name: str) -> str | None:
    """The archive member's name as a clean relative path, or None when it is absolute
    or climbs out of the archive with ``..``."""
    clean = name.replace("\\", "/")
    if clean.startswith("/") or (len(clean) > 1 and clean[1] == ":"):
        return None
    parts = PurePosixPath(clean).parts
    if ".." in parts:
        return None
    normal = posixpath.normpath(clean)
    return None if normal in (".", "") else normal


def read_tar(path: Path) -> TarContents:
    """The archive's regular files, read safely (see the module docstring).

    Raises ``tarfile.ReadError`` (or ``OSError``) only when not even the first entry
    can be read: a truncated archive that yielded files returns them with a problem.
    """
    contents = TarContents()
    total = 0
    count = 0
    with tarfile.open(path, "r:*") as archive:
        while True:
            try:
                info = archive.next()
            except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
                _damaged(contents, path, exc)
                break
            if info is None:
                break
            count += 1
            if count > MAX_ENTRIES:
                contents.problems.append(
                    f"{path.name}: more than {MAX_ENTRIES:,} entries; the rest were not read"
                )
                break
            name = safe_member_name(info.name)
            if name is None:
                contents.problems.append(f"{info.name}: a path outside the archive; skipped")
                continue
            if info.isdir():
                continue
            if not info.isfile():
                kind = "a link" if info.issym() or info.islnk() else "not a regular file"
                contents.problems.append(f"{name}: {kind}; skipped")
                continue
            if info.size > MAX_MEMBER_BYTES or total + info.size > MAX_TOTAL_BYTES:
                contents.problems.append(f"{name}: too large to read from the archive; skipped")
                continue
            try:
                handle = archive.extractfile(info)
                data = handle.read(info.size + 1) if handle is not None else b""
            except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
                _damaged(contents, path, exc, name)
                break
            if len(data) != info.size:
                _damaged(contents, path, EOFError("the file ends early"), name)
                break
            contents.files[name] = data
            total += len(data)
    return contents


def _damaged(contents: TarContents, path: Path, exc: BaseException, member: str = "") -> None:
    where = f" while reading {member}" if member else ""
    read = len(contents.files)
    contents.problems.append(
        f"{path.name} is truncated or damaged{where} ({exc or type(exc).__name__}): "
        f"{read} file{'s' if read != 1 else ''} could be read, the rest of the archive "
        "could not"
    )


def article_members(names: Iterable[str]) -> list[str] | None:
    """The article files of a package, or None when the files are not a package.

    A folder or archive is a package when it holds a ``.nxml`` file (PMC) or a MECA
    ``manifest.xml`` with a ``content/`` folder.
    """
    names = sorted(names)
    nxml = [n for n in names if n.lower().endswith(".nxml")]
    if nxml:
        return nxml
    lowered = {n.lower() for n in names}
    if "manifest.xml" in lowered and any(n.lower().startswith("content/") for n in names):
        return [n for n in names if n.lower().startswith("content/") and n.lower().endswith(".xml")]
    return None


def is_package_metadata(name: str) -> bool:
    """A MECA package's own bookkeeping file (never an article)."""
    return PurePosixPath(name).name.lower() in MECA_METADATA
