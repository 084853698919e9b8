"""Margin's own URL scheme, the request guard and the one shared web profile.

``margin://app/page/<n>`` serves an article page, ``margin://app/web/<file>`` Margin's
CSS and JS (real files in ``reader/ui/reader/web``, read with importlib.resources) and
Qt's ``qwebchannel.js``, and ``margin://app/image/<name>`` the library's images (from
the image source the window sets, ``Library.image``; a placeholder when it has none).

Privacy by construction: the profile is off the record (no disk cache, cookies or
storage) and :class:`RequestGuard` blocks every request that is not for Margin's
scheme, so an article can never make the engine fetch anything.

:func:`prepare_web_engine` must run before the QApplication exists: it registers the
scheme and, only when running as root (CI, containers), turns Chromium's sandbox off.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import resources
from threading import Lock

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QFile, QIODevice, QObject
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from reader.ui.reader.page import HOST, SCHEME

SCHEME_BYTES = SCHEME.encode()
ALLOWED_SCHEMES = frozenset({SCHEME, "qrc"})  # qrc: Qt's own resources only
MIME = {
    "css": b"text/css",
    "js": b"text/javascript",
    "svg": b"image/svg+xml",
    "html": b"text/html",
}
QWEBCHANNEL_JS = ":/qtwebchannel/qwebchannel.js"

_registered = False
_profile: MarginProfile | None = None


def prepare_web_engine() -> None:
    """Register Margin's scheme and set Chromium flags; call before QApplication.

    Idempotent. Importing QtWebEngineWidgets here also sets the shared-OpenGL-context
    attribute the engine needs before the application is made.
    """
    global _registered
    if _registered:
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to start its sandbox as root; ordinary users keep it.
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags.split():
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()
    import PySide6.QtWebEngineWidgets  # noqa: F401  (sets AA_ShareOpenGLContexts)

    scheme = QWebEngineUrlScheme(SCHEME_BYTES)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.LocalScheme
        | QWebEngineUrlScheme.Flag.LocalAccessAllowed
    )
    QWebEngineUrlScheme.registerScheme(scheme)
    _registered = True


def web_file(name: str) -> bytes | None:
    """One of Margin's page files (reader.css, reader.js, image.svg), or None."""
    if name == "qwebchannel.js":
        file = QFile(QWEBCHANNEL_JS)
        if not file.open(QIODevice.OpenModeFlag.ReadOnly):
            return None
        return bytes(file.readAll().data())
    if "/" in name or name.startswith("."):
        return None
    try:
        return resources.files("reader.ui.reader").joinpath("web", name).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return None


class PageStore:
    """The pages the views have asked to show, by key; a view replaces its own page."""

    def __init__(self) -> None:
        self._pages: dict[str, bytes] = {}
        self._lock = Lock()

    def put(self, key: str, page: str) -> None:
        with self._lock:
            self._pages[key] = page.encode("utf-8")

    def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._pages.get(key)

    def drop(self, key: str) -> None:
        with self._lock:
            self._pages.pop(key, None)


class MarginSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``margin://app/...`` from the page store and the package's files."""

    def __init__(self, pages: PageStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pages = pages
        # name → (bytes, MIME type) or None; the library's images (set by the window).
        self.images: Callable[[str], tuple[bytes, str] | None] | None = None
        self._web_cache: dict[str, bytes | None] = {}

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        if url.host() != HOST:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        kind, _, name = url.path().lstrip("/").partition("/")
        data: bytes | None = None
        mime = MIME["html"]
        if kind == "page":
            data = self.pages.get(name)
        elif kind == "web":
            if name not in self._web_cache:
                self._web_cache[name] = web_file(name)
            data = self._web_cache[name]
            mime = MIME.get(name.rpartition(".")[2], b"application/octet-stream")
        elif kind == "image":
            data, mime = self._image(name)
        if data is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        buffer = QBuffer(job)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime, buffer)

    def _image(self, name: str) -> tuple[bytes | None, bytes]:
        found = None
        if self.images is not None:
            try:
                found = self.images(name)
            except (OSError, ValueError):
                found = None
        if found is None:
            return web_file("image.svg"), MIME["svg"]  # not stored (yet): a placeholder
        data, mime = found
        return data, mime.encode("ascii", "replace")


class RequestGuard(QWebEngineUrlRequestInterceptor):
    """Blocks every request that is not for Margin's own scheme; remembers what it saw."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.allowed: list[str] = []
        self.blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        if url.scheme() in ALLOWED_SCHEMES:
            if len(self.allowed) < 1000:
                self.allowed.append(url.toString())
            return
        info.block(True)
        if len(self.blocked) < 1000:
            self.blocked.append(url.toString())


class MarginProfile(QWebEngineProfile):
    """The one off-the-record profile every reading view shares (one engine start)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)  # no storage name: off the record
        self.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
        self.setPersistentCookiesPolicy(
            QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies
        )
        self.setSpellCheckEnabled(False)
        self.pages = PageStore()
        self.scheme_handler = MarginSchemeHandler(self.pages, self)
        self.installUrlSchemeHandler(SCHEME_BYTES, self.scheme_handler)
        self.guard = RequestGuard(self)
        self.setUrlRequestInterceptor(self.guard)
        s = self.settings()
        attr = QWebEngineSettings.WebAttribute
        for name, on in (
            (attr.JavascriptEnabled, True),
            (attr.JavascriptCanOpenWindows, False),
            (attr.JavascriptCanAccessClipboard, False),
            (attr.LocalStorageEnabled, False),
            (attr.LocalContentCanAccessRemoteUrls, False),
            (attr.LocalContentCanAccessFileUrls, False),
            (attr.PluginsEnabled, False),
            (attr.AutoLoadIconsForPage, False),
            (attr.DnsPrefetchEnabled, False),
            (attr.PdfViewerEnabled, False),
            (attr.NavigateOnDropEnabled, False),
            (attr.WebGLEnabled, False),
            (attr.FocusOnNavigationEnabled, False),
            (attr.LinksIncludedInFocusChain, True),
            (attr.SpatialNavigationEnabled, False),
            (attr.ScrollAnimatorEnabled, False),
        ):
            s.setAttribute(name, on)


def release_profile() -> None:
    """Delete the shared profile now (its views must be gone): the engine then shuts
    down in order instead of warning at exit. The next view makes a new one."""
    global _profile
    if _profile is not None:
        from shiboken6 import delete

        delete(_profile)
        _profile = None


def shared_profile() -> MarginProfile:
    """The process's reading profile, made on first use and owned by the application."""
    global _profile
    if _profile is None:
        prepare_web_engine()
        _profile = MarginProfile(QCoreApplication.instance())
    return _profile
