"""PySide6 6.12.0 on Python 3.11 leaks a reference to None on every Qt call that returns
nothing and aborts with `none_dealloc` after a few thousand calls; 6.11.3 is pinned.
This loop checks any future upgrade before users meet the crash."""

import sys

from PySide6.QtGui import QTextCursor, QTextDocument


def test_void_qt_calls_do_not_leak_none(qapp) -> None:
    document = QTextDocument()
    document.setPlainText("x" * 200)
    cursor = QTextCursor(document)
    for i in range(200):  # warm up caches before measuring
        cursor.setPosition(i % 200)
    before = sys.getrefcount(None)
    for i in range(20_000):
        cursor.setPosition(i % 200)
    after = sys.getrefcount(None)
    # A leak costs one reference per call (20,000); allow a little noise.
    assert after - before < 100, f"None refcount grew by {after - before}"
