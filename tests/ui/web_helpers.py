"""Driving the web reading view from tests: load, run page code, select DOM text.

Everything waits on a signal or a condition (``waitSignal``/``waitUntil``): the page
lives in another process, and a fixed sleep would be either flaky or slow.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QPoint, QRect

from reader.core.model import Article
from reader.ui.reader import ReaderView

LOAD_TIMEOUT_MS = 15_000


def show(qtbot: Any, view: ReaderView, article: Article, **kwargs: Any) -> None:
    """Show ``article`` and wait until its text map is ready."""
    with qtbot.waitSignal(view.article_shown, timeout=LOAD_TIMEOUT_MS):
        view.show_article(article, **kwargs)


def wait_painted(qtbot: Any, view: ReaderView) -> None:
    qtbot.waitUntil(lambda: view.painted and view.frame_shows_page(), timeout=LOAD_TIMEOUT_MS)


def js(qtbot: Any, view: ReaderView, code: str) -> Any:
    """Run page code and wait for its result."""
    results: list[Any] = []
    # Through JSON: arrays and objects arrive whole whatever the Qt version converts.
    view.run_js(f"JSON.stringify(({code}) ?? null)", results.append)
    # As long as a page load may take: a busy machine delays the page's answer too.
    qtbot.waitUntil(lambda: bool(results), timeout=LOAD_TIMEOUT_MS)
    return json.loads(results[0]) if isinstance(results[0], str) else None


def dom_select(qtbot: Any, view: ReaderView, text: str, *, nth: int = 0) -> None:
    """Select the ``nth`` occurrence of ``text`` with the browser's own find (not with
    Margin's offsets: the test must not use the mapping it checks); wait for the view
    to hear about it."""
    from reader.ui.reader.view import Selection

    view.selection = Selection()  # wait for the page's report of the new selection
    found = js(
        qtbot,
        view,
        f"""(() => {{
            {_find_nth(text, nth)}
            return ok && getSelection().toString();
        }})()""",
    )
    assert found == text, f"the page has no {text!r}"
    qtbot.waitUntil(lambda: view.selected_text() == text, timeout=5000)


def _find_nth(text: str, nth: int) -> str:
    """Page script that selects the ``nth`` occurrence of ``text`` with the browser's own
    find, from the top; leaves ``ok`` true when it was found."""
    return (
        "getSelection().removeAllRanges(); window.scrollTo(0, 0); let ok = false;"
        f" for (let i = 0; i <= {nth}; i++) ok = window.find({json.dumps(text)}, true);"
    )


def dom_select_range(qtbot: Any, view: ReaderView, start_text: str, end_text: str) -> str:
    """Select from the start of ``start_text`` to the end of ``end_text`` (first
    occurrences, by the browser's find); returns the selected text."""
    selected = js(
        qtbot,
        view,
        f"""(() => {{
            const sel = getSelection();
            sel.removeAllRanges();
            if (!window.find({json.dumps(start_text)}, true)) return "";
            const a = sel.getRangeAt(0);
            if (!window.find({json.dumps(end_text)}, true)) return "";
            const b = sel.getRangeAt(0);
            const r = document.createRange();
            r.setStart(a.startContainer, a.startOffset);
            r.setEnd(b.endContainer, b.endOffset);
            sel.removeAllRanges();
            sel.addRange(r);
            return sel.toString();
        }})()""",
    )
    qtbot.waitUntil(lambda: bool(view.selection) and view.selected_text() == selected)
    return str(selected)


def text_rect(qtbot: Any, view: ReaderView, text: str, *, nth: int = 0) -> QRect:
    """Where ``text`` is on screen (view coordinates), found by the browser; scrolls it
    into view first."""
    rect = js(
        qtbot,
        view,
        f"""(() => {{
            {_find_nth(text, nth)}
            if (!ok) return null;
            const range = getSelection().getRangeAt(0);
            range.startContainer.parentElement.scrollIntoView({{block: "center"}});
            const r = range.getClientRects()[0];
            getSelection().removeAllRanges();
            return [r.left, r.top, r.width, r.height];
        }})()""",
    )
    assert rect, f"the page has no {text!r}"
    x, y, w, h = (round(v) for v in rect)
    return QRect(x, y, max(1, w), max(1, h))


def input_widget(view: ReaderView) -> Any:
    """The child widget that receives the view's mouse and keyboard events."""
    proxy = view.focusProxy()
    assert proxy is not None
    return proxy


def point(rect: QRect, dx: int = 0) -> QPoint:
    return QPoint(rect.left() + 2 + dx, rect.center().y())


def make_article(body: str, **kw: Any) -> Article:
    """An Article straight from HTML, bypassing the sanitizer (the view must cope alone)."""
    from reader.core.sanitize import html_to_text

    fields: dict[str, Any] = dict(
        id=99,
        title="Test article",
        html=body,
        text=html_to_text(body),
        source_format="html",
        authors=["A. Author"],
        site_name="Site",
        url="https://example.org/a",
        guid="",
        external_id="",
        published="2024-01-02T00:00:00",
        modified="",
        added="2024-01-03T00:00:00",
        updated="",
        excerpt="",
        language="en",
        categories=[],
        tags=[],
        identifiers={},
        journal="",
        featured_image=None,
        metadata={},
    )
    fields.update(kw)
    return Article(**fields)
