"""What a search hit shows: a snippet, and the highlight or note it opens at.

The snippet comes from the article's text when that has the words. When the query asks
for notes, highlights or tags (``note:``, ``highlight:``, ``tag:``), or the article's
text has none of the words, the first highlight that matches gives the snippet (its
note's text, or its passage) and the hit opens the article there; then the article's
own note. A ``tag:`` hit on the article's own tags is the article's, not a highlight's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reader.core.index.snippets import MATCH_TAG, annotation_snippet, make_snippet, note_text
from reader.core.model import Annotation, SearchHit

__all__ = ["Wanted", "make_hit"]


class Wanted:
    """What the hits of a query should show: the terms to mark and where to look."""

    def __init__(self, positive: list[tuple[str, str]], stems: frozenset[str]) -> None:
        self.stems = stems
        self.tags = frozenset(str(t).lower() for f, t in positive if f == "tag")
        self.notes = any(f == "note" for f, _ in positive)
        self.annotations = self.notes or any(f == "highlight" for f, _ in positive)


def make_hit(
    stored: dict[str, Any],
    score: float,
    wanted: Wanted,
    text_for: Callable[[int], str] | None,
    annotations_for: Callable[[int], list[Annotation]] | None,
    note_for: Callable[[int], str] | None,
) -> SearchHit:
    """The hit of one article: its snippet, and the highlight it opens at, if any."""
    article_id = int(stored["article_id"])
    meta = stored.get("meta") or {}
    stems = wanted.stems
    snippet = make_snippet(text_for(article_id), stems) if text_for else ""
    annotation_uuid = None
    # a "tag:" hit on the article's own tags is not a hit on a highlight
    tags = wanted.tags - set(meta.get("tags", ()))
    if annotations_for is not None and (wanted.annotations or tags or MATCH_TAG not in snippet):
        for annotation in annotations_for(article_id):
            marked = annotation_snippet(annotation, stems, tags, note_first=wanted.notes)
            if marked is not None:
                annotation_uuid, snippet = annotation.uuid, marked
                break
    if annotation_uuid is None and note_for is not None and MATCH_TAG not in snippet:
        marked = make_snippet(note_text(note_for(article_id)), stems)
        if MATCH_TAG in marked:
            snippet = marked
    return SearchHit(
        article_id=article_id,
        title=stored.get("title", ""),
        score=float(score),
        snippet_html=snippet,
        site_name=meta.get("site", ""),
        authors=list(meta.get("authors", [])),
        published=meta.get("published", ""),
        annotation_uuid=annotation_uuid,
    )
