"""Turning an article's ``<img>`` references into stored images, during one import.

The library opens an :class:`ImageCollector` around each file it imports (``with
collecting(resources):``). While one is open, :func:`reader.core.sanitize.canonicalize`
hands every article's HTML to :meth:`ImageCollector.rewrite` first, so no importer has to
know about images: an ``<img>`` whose picture can be had from the file itself becomes
``<img src="margin-image:<sha256>.<ext>">`` and the sanitizer keeps it; anything else
stays an ``<img>`` that the sanitizer turns into its text placeholder, as before.

Lazy-loaded images, ``<noscript>`` copies and ``<picture>`` sources have already been
reduced to one plain ``<img src>`` each by :mod:`reader.core.images.choose` (the
sanitizer runs it first, using :meth:`ImageCollector.local_bytes` to prefer the files
that came with the page). Where a picture can come from, in order: the largest
``srcset`` candidate, then ``src``; each as a ``data:`` URI (SingleFile, monolith) or a
file beside the article (:mod:`reader.core.images.resources`). A reference that only
names a web address (``https://…``, or a relative one under the page's own URL) is
**never fetched**: it is remembered as a :class:`~reader.core.model.RemoteImage`, and
its placeholder gets an ``id`` so that :meth:`Library.fetch_images` can put the picture
there when the user asks for it.

Caps: :data:`MAX_IMAGES_PER_ARTICLE` images and :data:`MAX_ARTICLE_IMAGE_BYTES` per
article (besides the per-image limits of :mod:`reader.core.images.kinds`). Whatever is
refused, missing or over a cap is a line in :attr:`ImageCollector.notes`, which the
import report shows.
"""

from __future__ import annotations

import contextlib
import hashlib
import html as html_lib
import posixpath
import re
from collections.abc import Iterator
from contextvars import ContextVar
from urllib.parse import urljoin, urlsplit

from lxml import etree

from reader.core.images.kinds import ImageRejected, keep
from reader.core.images.references import DataUriError, data_uri_bytes, parse_srcset
from reader.core.images.resources import (
    IMAGE_SUFFIXES,
    VAULT_FRAGMENT,
    Resources,
    local_path,
)
from reader.core.model import ImportedArticle, ImportedImage, RemoteImage

MAX_IMAGES_PER_ARTICLE = 1000  # PMC2958805 shows 292 (most of them formula images)
MAX_ARTICLE_IMAGE_BYTES = 200 * 1024 * 1024
OPTIONAL = "data-margin-optional"  # dropped, not a placeholder, when it resolves to nothing
# A file of the package (JATS graphic), never a web address under the article's URL.
PACKAGE_FILE = "data-margin-file"
REMOTE_ID_PREFIX = "margin-remote-"
LIBRARY_PREFIX = "margin-image:"

_IMG = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.I)
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_LIBRARY_SRC = re.compile(r"margin-image:([A-Za-z0-9._-]+)")
_PARSER = etree.HTMLParser(no_network=True, remove_comments=True, collect_ids=False)

_ACTIVE: ContextVar[ImageCollector | None] = ContextVar("margin_image_collector", default=None)


def active() -> ImageCollector | None:
    """The collector of the import running in this thread, if any."""
    return _ACTIVE.get()


@contextlib.contextmanager
def collecting(resources: Resources | None = None) -> Iterator[ImageCollector]:
    """Collect the images of everything canonicalized inside the ``with`` block."""
    collector = ImageCollector(resources)
    token = _ACTIVE.set(collector)
    try:
        yield collector
    finally:
        _ACTIVE.reset(token)


class ImageCollector:
    """The images of one imported file: stored ones by name, web ones by placeholder."""

    def __init__(self, resources: Resources | None = None) -> None:
        self.resources = resources or Resources()
        self.images: dict[str, ImportedImage] = {}
        self.remote: dict[str, RemoteImage] = {}
        self._notes: dict[str, None] = {}  # ordered and without repeats
        self._remote_count = 0

    @property
    def notes(self) -> list[str]:
        """What was missing, refused or over a cap, one line each (container problems too)."""
        return list(self._notes) + [p for p in self.resources.problems if p not in self._notes]

    def note(self, line: str) -> None:
        self._notes.setdefault(line, None)

    # --- the HTML pass ------------------------------------------------------------------

    def rewrite(self, html: str, base_url: str = "") -> tuple[str, set[str]]:
        """``html`` with every resolvable ``<img>`` pointing at a stored image, and the
        names of those images (the sanitizer keeps only these)."""
        if "<img" not in html and "<IMG" not in html:
            return html, set()
        names: set[str] = set()
        budget = _Budget()

        def replace(match: re.Match[str]) -> str:
            attrs = _attributes(match.group(0))
            src = attrs.get("src", "").strip()
            if src.lower().startswith(LIBRARY_PREFIX):
                return match.group(0)  # the sanitizer decides about these
            alt = attrs.get("alt", "") or attrs.get("title", "")
            refs = _srcset(attrs.get("srcset", "")) + ([src] if src else [])
            stored, found = self._store_first(refs, budget)
            if stored is not None:
                names.add(stored)
                keep_id = f' id="{_esc(attrs["id"])}"' if attrs.get("id") else ""
                return f'<img src="{LIBRARY_PREFIX}{stored}" alt="{_esc(alt)}"{keep_id}>'
            remote = None if PACKAGE_FILE in attrs else _remote_url(refs, base_url)
            if remote is not None:
                ident = attrs.get("id") or f"{REMOTE_ID_PREFIX}{self._next_remote()}"
                self.remote[ident] = RemoteImage(remote, " ".join(alt.split()), ident)
                return f'<img alt="{_esc(alt)}" id="{_esc(ident)}">'
            if OPTIONAL in attrs:
                return ""
            for ref in refs if not found else ():  # found but refused: already said why
                if local_path(ref) is not None:
                    shown = ref.removesuffix(f"#{VAULT_FRAGMENT}")
                    self.note(f"{shown}: image not found (its description is shown instead)")
                    break
            return match.group(0)

        return _IMG.sub(replace, html), names

    def _next_remote(self) -> int:
        self._remote_count += 1
        return self._remote_count

    def _store_first(self, refs: list[str], budget: _Budget) -> tuple[str | None, bool]:
        """The stored name of the first reference that gives a keepable image, and
        whether any reference gave bytes at all (refused ones included)."""
        found_any = False
        for ref in refs:
            found = self._bytes_of(ref)
            if found is None:
                continue
            found_any = True
            source, data = found
            try:
                kept = keep(data, source)
            except ImageRejected as exc:
                self.note(str(exc))
                continue
            refusal = budget.take(len(kept.data))
            if refusal:
                self.note(f"{source}: {refusal}")
                return None, True
            name = f"{hashlib.sha256(kept.data).hexdigest()}.{kept.extension}"
            self.images.setdefault(name, ImportedImage(name, kept.data, kept.mime, source))
            if _thumbnail_only(ref, source):
                self.note(f"{ref}: only the thumbnail ({source.rsplit('/', 1)[-1]}) was found")
            return name, True
        return None, found_any

    def local_bytes(self, ref: str) -> bytes | None:
        """The bytes of a file that came with the page (for
        :mod:`reader.core.images.choose`), without a note when there is none."""
        found = self.resources.find(ref)
        return found.data if found is not None else None

    def _bytes_of(self, ref: str) -> tuple[str, bytes] | None:
        if ref[:5].lower() == "data:":
            return _data_uri(ref, self)
        found = self.resources.find(ref)
        return (found.path, found.data) if found is not None else None

    # --- after parsing --------------------------------------------------------------------

    def attach(self, article: ImportedArticle) -> None:
        """Fill the article's ``images`` and ``remote_images`` from its final HTML."""
        if "<img" not in article.html and not self.remote:
            return  # (a web image's placeholder may keep the page's own id, not ours)
        root = etree.fromstring(f"<html><body><div>{article.html}</div></body></html>", _PARSER)
        seen: set[str] = set()
        for el in root.iter("img", "span"):
            ident = el.get("id") or ""
            if el.tag == "span":
                if ident in self.remote:
                    article.remote_images.append(self.remote[ident])
                continue
            match = _LIBRARY_SRC.fullmatch(el.get("src") or "")
            image = self.images.get(match.group(1)) if match else None
            if image is None or image.name in seen:
                continue
            seen.add(image.name)
            figure = next((a.get("id") for a in el.iterancestors("figure") if a.get("id")), "")
            article.images.append(
                ImportedImage(
                    image.name,
                    image.data,
                    image.mime,
                    image.source,
                    figure or ident,
                    el.get("alt") or "",
                )
            )


class _Budget:
    """The per-article caps of one ``rewrite`` call."""

    def __init__(self) -> None:
        self.count = 0
        self.size = 0

    def take(self, size: int) -> str:
        if self.count >= MAX_IMAGES_PER_ARTICLE:
            return f"skipped: an article keeps at most {MAX_IMAGES_PER_ARTICLE} images"
        if self.size + size > MAX_ARTICLE_IMAGE_BYTES:
            limit = MAX_ARTICLE_IMAGE_BYTES // 2**20
            return f"skipped: an article keeps at most {limit} MB of images"
        self.count += 1
        self.size += size
        return ""


def _thumbnail_only(ref: str, source: str) -> bool:
    """A reference without an extension (JATS) that only found PMC's ``.gif`` thumbnail:
    the full-size ``.jpg`` was missing (a truncated package)."""
    path = local_path(ref)
    if path is None or posixpath.splitext(path)[1].lower() in IMAGE_SUFFIXES:
        return False
    return source.lower().endswith(".gif")


def _attributes(tag: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for m in _ATTR.finditer(tag[4:].rstrip(">/")):
        value = m.group(2) if m.group(2) is not None else m.group(3) or m.group(4) or ""
        attrs.setdefault(m.group(1).lower(), html_lib.unescape(value))
    return attrs


def _srcset(value: str) -> list[str]:
    """``srcset`` candidates, the widest (or densest) first."""
    return [url for url, _ in sorted(parse_srcset(value), key=lambda c: -c[1])]


def _remote_url(refs: list[str], base_url: str) -> str | None:
    for ref in reversed(refs):  # src first: it is what the page shows by default
        if ref[:5].lower() == "data:":
            continue
        url = urljoin(base_url, ref) if base_url else ref
        if urlsplit(url).scheme.lower() in ("http", "https") and urlsplit(url).hostname:
            return url
    return None


def _data_uri(ref: str, collector: ImageCollector) -> tuple[str, bytes] | None:
    label = f"data:{ref[5:].partition(',')[0].split(';')[0] or 'image'} image"
    try:
        return label, data_uri_bytes(ref)
    except DataUriError as exc:
        if str(exc) != "no data":
            collector.note(f"{label}: {exc}")
        return None


def _esc(value: str) -> str:
    return html_lib.escape(value, quote=True)
