"""Render resources/icons/*.svg to the PNG sizes the desktop and the bundles need.

Run after changing the SVG: ``.venv/bin/python packaging/make_icons.py``. The PNGs are
committed, so installing Margin never needs this script (a desktop's icon theme and
Windows/macOS icon formats want bitmaps, and not every desktop renders SVG icons).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (48, 128, 256)


def render(svg: Path, size: int, out: Path) -> None:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(out), "PNG"):
        raise SystemExit(f"could not write {out}")
    print(out)


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    for svg in sorted(ICONS.glob("*.svg")):
        for size in SIZES:
            render(svg, size, ICONS / f"{svg.stem}-{size}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
