"""Map offsets between an article's stored plain text and a rendered document's text.

Annotations anchor into ``Article.text`` (from :func:`reader.core.sanitize.html_to_text`),
but the reader view shows a QTextDocument whose ``toPlainText()`` differs in white
space, block separators and the odd generated character (list numbers, object
replacement characters for images). Both come from the same canonical HTML, so their
non-white-space characters agree almost everywhere: align on those, and fall back to
a diff for the rare places where they do not.

Qt-free on purpose: the UI passes ``document.toPlainText()`` in.
"""

from __future__ import annotations

import bisect
from difflib import SequenceMatcher


def _visible(text: str) -> tuple[str, list[int]]:
    """The non-white-space characters of ``text`` and the offset of each."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if not ch.isspace() and ch not in "\ufffc\u2029\u2028":
            chars.append(ch)
            offsets.append(i)
    return "".join(chars), offsets


class TextAlignment:
    """Offsets in ``source`` (the article text) ⇄ offsets in ``target`` (the view text)."""

    def __init__(self, source: str, target: str) -> None:
        self.source_len = len(source)
        self.target_len = len(target)
        s_chars, self._s_offsets = _visible(source)
        t_chars, self._t_offsets = _visible(target)
        # pairs of (index into s_chars, index into t_chars) that correspond, sorted
        self._s_idx: list[int] = []
        self._t_idx: list[int] = []
        if s_chars == t_chars:
            self._s_idx = list(range(len(s_chars)))
            self._t_idx = self._s_idx
        else:
            matcher = SequenceMatcher(None, s_chars, t_chars, autojunk=False)
            for block in matcher.get_matching_blocks():
                self._s_idx.extend(range(block.a, block.a + block.size))
                self._t_idx.extend(range(block.b, block.b + block.size))

    def _map(
        self,
        offset: int,
        from_offsets: list[int],
        to_offsets: list[int],
        from_idx: list[int],
        to_idx: list[int],
        to_len: int,
        *,
        end: bool,
    ) -> int:
        if not from_idx:
            return 0 if not end else to_len
        # The visible character at or after `offset` (for a start), or the last one
        # before it (for an end), then its partner on the other side.
        pos = (
            bisect.bisect_left(from_offsets, offset)
            if not end
            else bisect.bisect_left(from_offsets, offset) - 1
        )
        if pos < 0:
            return 0
        if pos >= len(from_offsets):
            return to_len
        k = bisect.bisect_left(from_idx, pos) if not end else bisect.bisect_right(from_idx, pos) - 1
        if k < 0:
            return 0
        if k >= len(from_idx):
            return to_len
        mapped = to_offsets[to_idx[k]]
        return mapped + 1 if end else mapped

    def to_target(self, offset: int, *, end: bool = False) -> int:
        """Article-text offset → view offset. Use ``end=True`` for the end of a range."""
        return self._map(
            offset,
            self._s_offsets,
            self._t_offsets,
            self._s_idx,
            self._t_idx,
            self.target_len,
            end=end,
        )

    def to_source(self, offset: int, *, end: bool = False) -> int:
        """View offset → article-text offset. Use ``end=True`` for the end of a range."""
        return self._map(
            offset,
            self._t_offsets,
            self._s_offsets,
            self._t_idx,
            self._s_idx,
            self.source_len,
            end=end,
        )

    def range_to_target(self, start: int, end: int) -> tuple[int, int]:
        return self.to_target(start), self.to_target(end, end=True)

    def range_to_source(self, start: int, end: int) -> tuple[int, int]:
        return self.to_source(start), self.to_source(end, end=True)
