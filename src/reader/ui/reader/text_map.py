"""The open page's text map: its flat text, where the title and body are, its headings
and links, and the one alignment with the article's canonical text.

Offsets. The page script reports the page's flat text (every text node of the header
and the body, in order) once per article. The map aligns it with the article's
canonical plain text (:class:`~reader.core.textalign.TextAlignment`, the header masked
out) in that one place; "positions" are offsets into the flat text, "article offsets"
are offsets into ``Article.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reader.core.textalign import TextAlignment
from reader.ui.reader import page as pages
from reader.ui.reader.engine import Heading

MAX_FIND_MATCHES = 5000


@dataclass
class TextMap:
    """What a ready page reported about its text; empty while a page loads.

    ``article_text`` is the canonical text of the article shown (None for the blank
    page): without it there is no alignment and no article offsets.
    """

    text: str = ""
    body_start: int = 0
    title_range: tuple[int, int] = (0, 0)
    headings: list[Heading] = field(default_factory=list)
    links: dict[str, list[int]] = field(default_factory=dict)  # href -> positions
    article_text: str | None = None
    _alignment: TextAlignment | None = field(default=None, init=False, repr=False)

    @classmethod
    def from_report(cls, data: dict[str, Any], article_text: str | None) -> TextMap:
        """The map from the page's "ready" message."""
        title = data.get("titleRange") or [0, 0]
        links: dict[str, list[int]] = {}
        for href, position in data.get("links", []):
            links.setdefault(str(href), []).append(int(position))
        return cls(
            text=str(data.get("text", "")),
            body_start=int(data.get("bodyStart", 0)),
            title_range=(int(title[0]), int(title[1])),
            headings=[
                Heading(int(h["level"]), str(h["text"]), int(h["position"]))
                for h in data.get("headings", [])
            ],
            links=links,
            article_text=article_text,
        )

    @property
    def alignment(self) -> TextAlignment | None:
        """Made on first use, not on "ready": most articles open without highlights."""
        if self._alignment is None and self.article_text is not None:
            masked = " " * self.body_start + self.text[self.body_start :]
            self._alignment = TextAlignment(self.article_text, masked)
        return self._alignment

    def link_positions(self, href: str) -> list[int]:
        """Positions of the links with ``href``, in order."""
        return list(self.links.get(href, []))

    def find_all(
        self,
        text: str,
        *,
        case_sensitive: bool = False,
        whole_words: bool = False,
        start: int = 0,
        end: int | None = None,
    ) -> list[tuple[int, int]]:
        """Every occurrence of ``text`` between two positions (at most MAX_FIND_MATCHES)."""
        return pages.find_spans(
            self.text, text, case_sensitive=case_sensitive, whole_words=whole_words,
            start=start, end=end, limit=MAX_FIND_MATCHES,
        )  # fmt: skip

    # --- positions and article offsets ---------------------------------------------------------

    def to_positions(self, start: int, end: int) -> tuple[int, int]:
        """An article range as positions ((0, 0) without an alignment)."""
        if self.alignment is None:
            return (0, 0)
        return self.alignment.range_to_target(start, end)

    def to_position(self, offset: int) -> int | None:
        return self.alignment.to_target(offset) if self.alignment is not None else None

    def to_article_offset(self, position: int) -> int:
        return self.alignment.to_source(position) if self.alignment is not None else -1

    def to_article_range(self, start: int, end: int) -> tuple[int, int] | None:
        """Positions (a selection) as an article range; the header's part is left out."""
        if self.alignment is None:
            return None
        start = max(start, self.body_start)
        if end <= start:
            return None
        a, b = self.alignment.range_to_source(start, end)
        return (a, b) if b > a else None
