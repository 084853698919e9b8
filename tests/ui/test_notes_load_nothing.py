"""A note shown in the annotations panel loads no resources, local or remote."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QListView, QStyleOptionViewItem

from reader.ui.annotations_panel import AnnotationDelegate, HtmlRole
from reader.ui.note_editor import render_markdown


def big_picture(tmp_path: Path) -> Path:
    image = QImage(QSize(400, 600), QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    path = tmp_path / "picture.png"
    assert image.save(str(path))
    return path


def test_markdown_images_in_notes_render_as_their_alt_text(tmp_path: Path) -> None:
    path = big_picture(tmp_path)
    html = render_markdown(f"See ![my scan]({path}) and ![](http://127.0.0.1:9/x.png).")
    assert "<img" not in html
    assert "[image: my scan]" in html and "[image]" in html


def test_the_panel_does_not_read_a_local_picture_a_note_names(qtbot, tmp_path: Path) -> None:
    """Even HTML that names a local file (here given directly) draws no picture."""
    path = big_picture(tmp_path)
    view = QListView()
    qtbot.addWidget(view)
    view.resize(300, 400)
    model = QStandardItemModel()
    item = QStandardItem()
    item.setData(f'<p>Note</p><img src="{path.as_uri()}"><img src="{path}">', HtmlRole)
    model.appendRow(item)
    view.setModel(model)
    delegate = AnnotationDelegate(view)
    option = QStyleOptionViewItem()
    option.rect = view.viewport().rect()
    option.widget = view
    height = delegate.sizeHint(option, model.index(0, 0)).height()
    # The picture is 600 px tall: had it loaded, the row would be at least that.
    assert height < 200
