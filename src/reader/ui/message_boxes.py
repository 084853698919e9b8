"""Message boxes whose text is shown exactly as written.

A ``QMessageBox`` guesses whether its text is HTML. Text escaped for HTML and then
guessed to be plain showed users ``&amp;`` and ``&#x27;`` in article titles; text
left raw and guessed to be HTML lost its ``<``. Here the format is always plain, so
nothing is escaped and nothing is lost.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def confirm(parent: QWidget | None, title: str, text: str, accept: str) -> bool:
    """Ask a yes/no question; ``accept`` names the button that says yes (Cancel is default)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    yes = box.addButton(accept, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is yes


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """Say that something went wrong (an export or import stopped, and why)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    box.addButton(QMessageBox.StandardButton.Ok)
    box.exec()
