"""The files that came with an article: a folder, an archive's members, an MHTML's parts.

An importer only sees one file's bytes; the images beside it come from a
:class:`Resources` that the library hands over for the import. Every kind answers one
question, :meth:`Resources.find`: the bytes a reference in the article names, or None.

How a relative reference is looked up, for every kind:

* a query string and a fragment are dropped (Hugo's ``images/x.jpg?width=30pc``), and
  ``%20`` escapes decoded;
* the path is taken relative to the article file's folder and may never climb out of
  the folder (or archive) being imported; absolute paths and ``file:`` are refused;
* exactly as written first, then ignoring letter case (``hevperson.png`` finds
  ``hevperson.PNG``, as it would on Windows and macOS);
* an Obsidian embed (``![[chart.png]]``, marked ``#margin-vault`` by the Markdown
  importer) not beside the note is looked for by name anywhere in the folder being
  imported, as Obsidian does; nothing else is (a JATS href or a page's ``src`` that is
  missing must not pick up another article's file of the same name);
* a reference without an extension (JATS: ``pcbi.1000960.g001``) tries the full-size
  kinds before the thumbnail: ``.jpg``, ``.jpeg``, ``.png``, ``.webp``, ``.tif``,
  ``.tiff`` and only then ``.gif`` (PMC ships a ``.gif`` thumbnail of every figure).
"""

from __future__ import annotations

import os
import posixpath
import stat
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from reader.core.errors import MarginError
from reader.core.images.kinds import MAX_SOURCE_BYTES

# Full size first, thumbnails last: see the module docstring.
EXTENSION_ORDER = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".gif")
IMAGE_SUFFIXES = frozenset(EXTENSION_ORDER)
MAX_INDEXED_FILES = 100_000  # a vault-wide name lookup reads no more of the folder
VAULT_FRAGMENT = "margin-vault"  # on an Obsidian embed's target: look in the whole vault


@dataclass(frozen=True, slots=True)
class Found:
    """A file a reference resolved to: where it was (for messages) and its bytes."""

    path: str
    data: bytes


def local_path(ref: str) -> str | None:
    """A relative reference as a clean relative path (no query, fragment, escapes), or None
    when it is not a relative reference (it has a scheme, or it is absolute)."""
    ref = ref.strip()
    if not ref or ref.startswith(("/", "\\", "//")):
        return None
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path).replace("\\", "/")
    return path or None


def candidates(path: str) -> list[str]:
    """The names to try for ``path``: as written, then with each image extension."""
    if posixpath.splitext(path)[1].lower() in IMAGE_SUFFIXES:
        return [path]
    return [path] + [path + ext for ext in EXTENSION_ORDER]


@dataclass
class Resources:
    """Files by relative path (the base class answers nothing; see the subclasses).

    ``problems`` collects what could not be read from the container (a truncated
    archive…), for the import report.
    """

    problems: list[str] = field(default_factory=list)

    def find(self, ref: str) -> Found | None:
        return None


class MemberResources(Resources):
    """Members of an archive (zip, tar) or any in-memory set of files, by posix path.

    ``base`` is the folder of the article file inside the archive (``"content"`` for a
    MECA package); ``read`` returns a member's bytes (it may raise ``OSError``).
    """

    def __init__(
        self,
        members: Mapping[str, Callable[[], bytes]],
        base: str = "",
        problems: list[str] | None = None,
    ) -> None:
        super().__init__(problems if problems is not None else [])
        self._members = dict(members)
        self._folded: dict[str, str] = {}
        for member in self._members:
            self._folded.setdefault(member.casefold(), member)
        self.base = base.strip("/")

    def find(self, ref: str) -> Found | None:
        path = local_path(ref)
        if path is None:
            return None
        joined = posixpath.normpath(posixpath.join(self.base, path)) if self.base else path
        joined = posixpath.normpath(joined)
        if joined.startswith("../") or joined == ".." or joined.startswith("/"):
            return None  # climbs out of the archive
        for name in candidates(joined):
            member = name if name in self._members else self._folded.get(name.casefold())
            if member is None:
                continue
            try:
                data = self._members[member]()
            except (OSError, ValueError, MarginError) as exc:
                self.problems.append(f"{member}: cannot be read ({exc})")
                return None
            return Found(member, data)
        return None


class FolderResources(Resources):
    """Files in a folder on disk, never outside ``root`` (the folder being imported).

    ``base`` is the article file's folder. A symbolic link is followed only when it
    stays inside ``root``; devices, pipes and sockets are never opened.
    """

    def __init__(self, root: Path, base: Path) -> None:
        super().__init__([])
        self.root = root.resolve()
        self.base = base
        self._listings: dict[Path, dict[str, str]] = {}

    def find(self, ref: str) -> Found | None:
        path = local_path(ref)
        if path is None:
            return None
        anywhere = urlsplit(ref.strip()).fragment == VAULT_FRAGMENT
        for name in candidates(path):
            target = self._locate(self.base / name)
            if target is None and anywhere and "/" not in name:
                target = self._by_name(name)  # an Obsidian vault finds a name anywhere
            if target is not None:
                data = self._read(target)
                return None if data is None else Found(str(target), data)
        return None

    def _by_name(self, name: str) -> Path | None:
        """A file of this name (any letter case) anywhere under ``root``: the first found,
        the top folder first (what Obsidian does with a bare name)."""
        return _names_under(self.root).get(name.casefold())

    def _locate(self, target: Path) -> Path | None:
        if target.is_file():
            return target
        # Letter case differs: look the name up in its folder's listing.
        folder = target.parent
        if not folder.is_dir():
            return None
        listing = self._listings.get(folder)
        if listing is None:
            try:
                listing = {entry.casefold(): entry for entry in sorted(os.listdir(folder))}
            except OSError:
                listing = {}
            self._listings[folder] = listing
        actual = listing.get(target.name.casefold())
        return folder / actual if actual is not None else None

    def _read(self, target: Path) -> bytes | None:
        try:
            resolved = target.resolve()
            if not resolved.is_relative_to(self.root):
                self.problems.append(f"{target}: outside the folder being imported; not read")
                return None
            fd = os.open(resolved, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as handle:
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode):
                    return None
                if info.st_size > MAX_SOURCE_BYTES:
                    self.problems.append(f"{target.name}: larger than the image size limit")
                    return None
                return handle.read(MAX_SOURCE_BYTES + 1)
        except OSError as exc:
            self.problems.append(f"{target.name}: cannot be read ({exc.strerror or exc})")
            return None


# root → (when it was listed, file name → path): every file of one folder import shares
# one listing (a folder of 1,000 notes is walked once, not once a note).
_NAME_INDEXES: dict[Path, tuple[float, dict[str, Path]]] = {}
_NAME_INDEX_SECONDS = 60.0
_NAME_LOCK = threading.Lock()


def _names_under(root: Path) -> dict[str, Path]:
    with _NAME_LOCK:
        now = time.monotonic()
        cached = _NAME_INDEXES.get(root)
        if cached is not None and now - cached[0] < _NAME_INDEX_SECONDS:
            return cached[1]
        names: dict[str, Path] = {}
        seen = 0
        for directory, subdirs, files in os.walk(root):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
            for file in sorted(files):
                names.setdefault(file.casefold(), Path(directory) / file)
            seen += len(files)
            if seen > MAX_INDEXED_FILES:
                break
        if len(_NAME_INDEXES) > 16:
            _NAME_INDEXES.clear()
        _NAME_INDEXES[root] = (now, names)
        return names


class UrlResources(Resources):
    """Parts of a saved page by URL (MHTML's ``Content-Location``) or ``cid:``.

    ``base`` is the page's own address, against which relative references resolve.
    """

    def __init__(self, parts: Mapping[str, bytes], base: str = "") -> None:
        super().__init__([])
        self._parts = {urldefrag(url)[0]: data for url, data in parts.items()}
        self.base = base

    def find(self, ref: str) -> Found | None:
        ref = ref.strip()
        if not ref:
            return None
        url = urldefrag(urljoin(self.base, ref) if self.base else ref)[0]
        data = self._parts.get(url)
        if data is None and ref.lower().startswith("cid:"):
            data = self._parts.get(ref) or self._parts.get(f"<{ref[4:]}>")
        return Found(url, data) if data is not None else None
