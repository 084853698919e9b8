"""The search results model: Qt's model tester, and what each role gives a view."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from reader.core.library import Library
from reader.core.model import SearchHit
from reader.ui.search_results import HIT_ROLE, SearchResultsModel


def _hits(n: int) -> list[SearchHit]:
    return [
        SearchHit(
            article_id=i,
            title=f"Article {i}",
            score=float(n - i),
            snippet_html=f'Dose &amp; <b class="match">ketamine</b> {i}',
        )
        for i in range(n)
    ]


def test_search_results_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = SearchResultsModel()
    model.set_hits(_hits(5))
    qtmodeltester.check(model, force_py=True)
    # The tester keeps watching: new searches reset the model cleanly.
    model.set_hits([])
    model.set_hits(_hits(2))
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == [
        "Article 0",
        "Article 1",
    ]


def test_search_results_model_on_real_results(qtmodeltester: Any, filled_library: Library) -> None:
    model = SearchResultsModel()
    results = filled_library.search("ketamine")
    model.set_hits(results.hits)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(results.hits) > 0
    first = model.index(0, 0)
    assert first.data(Qt.ItemDataRole.DisplayRole) == results.hits[0].title
    assert first.data(HIT_ROLE) is model.hit(0)
    # A screen reader hears the title and the snippet as text, not markup.
    spoken = first.data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken.startswith(results.hits[0].title) and "<" not in spoken
    assert model.index(len(results.hits), 0).data(HIT_ROLE) is None  # past the end
    assert model.rowCount(first) == 0  # a list: rows have no children
    assert model.hit(-1) is None and model.hit(99) is None
    assert not model.index(0, 0, QModelIndex()).parent().isValid()
