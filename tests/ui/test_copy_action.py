"""Edit ▸ Copy is enabled only while something in the article is selected."""

from __future__ import annotations

from typing import Any


def test_copy_follows_the_selection(qtbot: Any, window: Any) -> None:
    view = window.reader_view
    first, second = window.library.summaries()[:2]
    with qtbot.waitSignal(view.article_shown, timeout=15_000):
        assert window.open_article(first.id)
    assert not window.action_copy.isEnabled()  # nothing selected yet
    view.select_article_range(0, 20)  # as a mouse selection would
    qtbot.waitUntil(window.action_copy.isEnabled, timeout=15_000)
    view.clear_selection()
    qtbot.waitUntil(lambda: not window.action_copy.isEnabled(), timeout=15_000)

    view.select_article_range(0, 20)
    qtbot.waitUntil(window.action_copy.isEnabled, timeout=15_000)
    with qtbot.waitSignal(view.article_shown, timeout=15_000):
        assert window.open_article(second.id)
    # the selection went with the article (the page reports it: wait, as for a load)
    qtbot.waitUntil(lambda: not view.hasSelection(), timeout=15_000)
    qtbot.waitUntil(lambda: not window.action_copy.isEnabled(), timeout=15_000)
