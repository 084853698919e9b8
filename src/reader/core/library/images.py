"""The library's images: bytes by content hash under ``images/``, and who uses them.

``images/<first two hex digits>/<sha256>`` holds each image once, however many articles
show it (PMC formula images repeat a lot). The table ``article_images`` (schema 5) says
which article uses which image, and where: the figure (or ``img``) id, the reference the
file used and its alt text. An article's HTML names an image ``margin-image:<sha256>.<ext>``
and the reading view asks :meth:`Images.image` for it by that name: the name is checked
to be a hash, so nothing outside the library folder can ever be read.

Files are written inside the transaction that records them, under its write lock (a
content-addressed write is harmless to repeat), and those written by a failed import
are removed again, so a bad file leaves the library as it was. When rows go (an
article removed, re-imported with other figures), :meth:`Images.discard_unused` deletes
the files no row names any more.
:meth:`Images.check` is ``margin check``'s part.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from sqlite3 import Connection

from reader.core.images.kinds import EXTENSION, MIME
from reader.core.library.backup import CheckReport
from reader.core.library.blobs import Blobs
from reader.core.library.store import Store
from reader.core.model import ImportedImage, RemoteImage

# What margin-image: names look like when Margin wrote them: a SHA-256 and a kept kind.
IMAGE_NAME = re.compile(r"([0-9a-f]{64})\.(jpg|png|gif|webp)")
MIME_OF_EXTENSION = {EXTENSION[kind]: MIME[kind] for kind in EXTENSION}
FOLDER = "images"


@dataclass(frozen=True, slots=True)
class StoredImageRow:
    """One image an article uses (or a web image it is waiting for)."""

    article_id: int
    ordinal: int
    name: str
    status: str  # "stored", "remote" or "failed"
    source: str
    figure: str
    alt: str
    reason: str = ""


class Images:
    """The image files of one library and their rows in the database."""

    def __init__(self, store: Store, folder: Path) -> None:
        self._store = store
        self.folder = folder
        self._blobs: Blobs | None = None  # made on first write: a read-only library has none

    @property
    def blobs(self) -> Blobs:
        if self._blobs is None:
            self._blobs = Blobs(self.folder)
        return self._blobs

    def path(self, digest: str) -> Path:
        """Where the image with this hash lives (whether or not it exists)."""
        return self.folder / digest[:2] / digest

    # --- writing ------------------------------------------------------------------------

    def put_files(self, images: Iterable[ImportedImage], written: list[str]) -> None:
        """Write the images' bytes, adding to ``written`` the hashes that were not there
        before (to undo with :meth:`remove_files` if the transaction that records them
        fails). Call it inside that transaction: see :meth:`discard_unused`."""
        for image in images:
            digest = image.name.partition(".")[0]
            if not self.path(digest).exists():
                self.blobs.put(image.data)
                written.append(digest)

    def remove_files(self, hashes: Iterable[str]) -> None:
        """Delete these files now (only those no row names: see :meth:`discard_unused`)."""
        self.discard_unused(hashes)

    def replace_rows(
        self,
        conn: Connection,
        article_id: int,
        images: Sequence[ImportedImage],
        remote: Sequence[RemoteImage],
    ) -> list[str]:
        """Record what the article now shows; returns the hashes it no longer uses."""
        before = {r[0] for r in conn.execute(_HASHES_OF, (article_id,))}
        conn.execute("DELETE FROM article_images WHERE article_id = ?", (article_id,))
        rows = [
            (article_id, i, im.name, im.name.partition(".")[0], im.mime, "stored", im.source,
             im.figure, im.alt)
            for i, im in enumerate(images)
        ]  # fmt: skip
        rows += [
            (article_id, len(images) + i, "", "", "", "remote", r.url, r.placeholder, r.alt)
            for i, r in enumerate(remote)
        ]
        conn.executemany(
            "INSERT INTO article_images (article_id, ordinal, name, hash, mime, status, source,"
            " figure, alt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        return sorted(before - {im.name.partition(".")[0] for im in images})

    def set_fetched(
        self, conn: Connection, article_id: int, ordinal: int, image: ImportedImage | None,
        reason: str = "",
    ) -> None:  # fmt: skip
        """A web image was fetched (``image``) or could not be (``reason``): never again."""
        if image is None:
            conn.execute(
                "UPDATE article_images SET status = 'failed', reason = ? "
                "WHERE article_id = ? AND ordinal = ?",
                (reason, article_id, ordinal),
            )
            return
        conn.execute(
            "UPDATE article_images SET status = 'stored', name = ?, hash = ?, mime = ?, "
            "reason = '' WHERE article_id = ? AND ordinal = ?",
            (image.name, image.name.partition(".")[0], image.mime, article_id, ordinal),
        )

    def discard_unused(self, hashes: Iterable[str]) -> int:
        """Delete the files of these hashes that no article uses any more; how many went.

        Done under the database's write lock, as imports write their image files under
        it: a file another process has just written for an import not yet committed is
        never taken for unused.
        """
        hashes = {digest for digest in hashes if digest}
        if not hashes:
            return 0
        gone = 0
        with self._store.transaction() as conn:
            for digest in hashes:
                if conn.execute(_USED, (digest,)).fetchone() is not None:
                    continue
                with contextlib.suppress(FileNotFoundError):
                    self.path(digest).unlink()
                    gone += 1
        return gone

    def hashes_of(self, article_ids: Iterable[int]) -> list[str]:
        """The image hashes these articles use (read before they are deleted)."""
        found: set[str] = set()
        for article_id in article_ids:
            found.update(r[0] for r in self._store.query(_HASHES_OF, (article_id,)))
        return sorted(found)

    # --- reading ------------------------------------------------------------------------

    def image(self, name: str) -> tuple[bytes, str] | None:
        """The bytes and media type of a stored image, by the name the HTML uses."""
        match = IMAGE_NAME.fullmatch(name or "")
        if match is None:
            return None
        try:
            data = self.path(match.group(1)).read_bytes()
        except OSError:
            return None
        return data, MIME_OF_EXTENSION[match.group(2)]

    def rows(self, article_id: int) -> list[StoredImageRow]:
        """The article's images (and web images), in the order the article shows them."""
        return [
            StoredImageRow(
                r["article_id"],
                r["ordinal"],
                r["name"],
                r["status"],
                r["source"],
                r["figure"],
                r["alt"],
                r["reason"],
            )
            for r in self._store.query(
                "SELECT * FROM article_images WHERE article_id = ? ORDER BY ordinal",
                (article_id,),
            )
        ]

    def unreferenced(self) -> list[Path]:
        """Files under ``images/`` that no article uses (left by a crash, or stray)."""
        used = {r[0] for r in self._store.query("SELECT DISTINCT hash FROM article_images")}
        return [
            path
            for path in sorted(self.folder.glob("*/*"))
            if path.is_file() and path.name not in used
        ]

    def missing(self) -> list[tuple[int, str]]:
        """(article id, image name) of stored images whose file is gone."""
        rows = self._store.query(
            "SELECT article_id, name, hash FROM article_images WHERE status = 'stored'"
        )
        return [(r["article_id"], r["name"]) for r in rows if not self.path(r["hash"]).is_file()]

    def check(self, report: CheckReport, *, repair: bool = False) -> None:
        """Add stray and missing image files to ``report``; with ``repair``, remove the
        strays (a missing picture cannot be made again here: importing its article again
        brings it back)."""
        stray = self.unreferenced()
        if stray:
            report.problems.append(
                f"{len(stray)} image file(s) in {self.folder.name}/ no article uses"
            )
            if repair:
                removed = 0
                for path in stray:
                    with contextlib.suppress(OSError):
                        path.unlink()
                        removed += 1
                report.repaired.append(f"removed {removed} unused image file(s)")
        missing = self.missing()
        if missing:
            article_id, name = missing[0]
            report.problems.append(
                f"{len(missing)} image(s) shown by articles are missing from {self.folder.name}/ "
                f"(first: {name} of article {article_id}); import those articles again"
            )


_HASHES_OF = "SELECT DISTINCT hash FROM article_images WHERE article_id = ? AND hash != ''"
_USED = "SELECT 1 FROM article_images WHERE hash = ? LIMIT 1"
