"""The page → Python half of the bridge: one QWebChannel object with one slot.

The page script calls ``bridge.post(kind, json)``; :class:`Bridge` decodes the JSON and
emits :attr:`Bridge.message`. Python → page goes through ``runJavaScript`` (see
:class:`~reader.ui.reader.view.ReaderView`). One generic entry keeps the channel's
surface small: the page can ask for nothing but to be heard.
"""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWebChannel import QWebChannel

log = logging.getLogger(__name__)

KINDS = frozenset(
    {
        "ready",
        "painted",
        "selection",
        "hover",
        "mark-hover",
        "link",
        "link-key",
        "key",
        "scroll",
        "mouse",
        "figure",
    }
)


class Bridge(QObject):
    """Signals:
    message(str, dict): the page reported something (kind, decoded payload).
    """

    message = Signal(str, dict)

    @Slot(str, str)
    def post(self, kind: str, payload: str) -> None:
        if kind not in KINDS:
            log.warning("page sent an unknown message %r", kind)
            return
        try:
            data = json.loads(payload) if payload else {}
        except ValueError:
            log.warning("page sent malformed %s message", kind)
            return
        if isinstance(data, dict):
            self.message.emit(kind, data)


def make_channel(bridge: Bridge, parent: QObject) -> QWebChannel:
    channel = QWebChannel(parent)
    channel.registerObject("bridge", bridge)
    return channel
