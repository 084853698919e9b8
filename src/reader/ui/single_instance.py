"""One window per library: a second ``margin`` hands its files to the running window.

The running window listens on a local socket (``QLocalServer``) in the user's runtime
folder, named after the library's folder; a second ``margin`` (a file opened from the
file manager, the menu entry clicked twice) connects, sends its request as one line of
JSON (files to import, an article to open, a search), waits for "ok", and exits. The
command-line subcommands never do this: they work on the library directly, beside the
window, which notices their changes.

A socket left behind by a crashed window answers nobody: it is removed and the new
window listens in its place.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_MS = 500
REPLY_MS = 3000


def socket_path(library_root: Path) -> str:
    """The socket of the window showing this library, in the user's runtime folder.

    ``$XDG_RUNTIME_DIR`` where there is one (a desktop session), else the temporary
    folder; on Windows a named pipe, whose name is not a path.
    """
    digest = hashlib.sha256(str(library_root.resolve()).encode()).hexdigest()[:16]
    name = f"margin-{digest}"
    if os.name == "nt":
        return name
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    folder = Path(runtime) if runtime and Path(runtime).is_dir() else Path(tempfile.gettempdir())
    return str(folder / f"{name}.sock")


def hand_over(library_root: Path, request: dict[str, Any]) -> bool:
    """Give ``request`` to the window already showing this library; True when it took it."""
    socket = QLocalSocket()
    socket.connectToServer(socket_path(library_root))
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(json.dumps(request).encode() + b"\n")
    socket.flush()
    answered = socket.waitForReadyRead(REPLY_MS) and bytes(socket.readAll().data()) == b"ok\n"
    socket.disconnectFromServer()
    return answered


class InstanceServer(QObject):
    """The running window's end of the socket.

    Signals:
        received(dict): a request from another ``margin``: ``files`` (paths to import),
            ``open`` (an article id) and ``search`` (a query), each optional.
    """

    received = Signal(dict)

    def __init__(self, library_root: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = socket_path(library_root)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Start listening; a stale socket from a crashed window is replaced."""
        if self._server.listen(self.path):
            return True
        if hand_over_probe(self.path):
            return False  # another window is alive and listening
        QLocalServer.removeServer(self.path)
        return self._server.listen(self.path)

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            # The other end writes its one line as soon as it connects: read it here,
            # briefly, rather than keep per-connection state across the event loop.
            request = None
            while not connection.canReadLine() and connection.waitForReadyRead(REPLY_MS):
                pass
            if connection.canReadLine():
                try:
                    request = json.loads(bytes(connection.readLine().data()))
                except ValueError:
                    request = None
            if isinstance(request, dict):
                connection.write(b"ok\n")
                connection.waitForBytesWritten(REPLY_MS)
            connection.disconnectFromServer()
            connection.deleteLater()
            if isinstance(request, dict):
                self.received.emit(_clean(request))


def hand_over_probe(path: str) -> bool:
    """Is a window listening on ``path``?"""
    socket = QLocalSocket()
    socket.connectToServer(path)
    alive = socket.waitForConnected(CONNECT_MS)
    socket.abort()
    return alive


def request_from(args: Any) -> dict[str, Any]:
    """What a second ``margin`` asks of the running window, from its arguments."""
    files = [os.path.abspath(p) for p in getattr(args, "open_files", None) or []]
    request: dict[str, Any] = {"files": files}
    if getattr(args, "open", None) is not None:
        request["open"] = int(args.open)
    if getattr(args, "search", None):
        request["search"] = str(args.search)
    return request


def _clean(request: dict[str, Any]) -> dict[str, Any]:
    """Only the keys and types a window acts on, whatever the other end sent."""
    files = request.get("files")
    clean: dict[str, Any] = {
        "files": [f for f in files if isinstance(f, str)] if isinstance(files, list) else []
    }
    if isinstance(request.get("open"), int):
        clean["open"] = request["open"]
    if isinstance(request.get("search"), str):
        clean["search"] = request["search"]
    return clean
