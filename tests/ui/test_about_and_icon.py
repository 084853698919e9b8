"""The version a user sees (About box) and the icon the desktop shows for the window."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from reader import __version__
from reader.ui.app import _set_window_icon


def test_about_box_shows_the_one_version(window: Any, modal_calls: Any) -> None:
    window.action_about.trigger()
    ((_name, args),) = [call for call in modal_calls if call[0] == "QMessageBox.about"]
    assert f"Margin {__version__}" in args[2]


def test_window_icon_has_the_desktop_sizes(qapp: Any) -> None:
    assert isinstance(qapp, QApplication)
    _set_window_icon(qapp)
    icon = qapp.windowIcon()
    assert not icon.isNull()
    sizes = {(s.width(), s.height()) for s in icon.availableSizes()}
    assert {(48, 48), (128, 128), (256, 256)} <= sizes
