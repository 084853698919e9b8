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


# A full diff (SequenceMatcher) is quadratic: a PLOS article with tables took 12-35 s to
# open with it. The texts differ only in small places (table cell separators, list
# numbers), so walk both once, pairing equal characters, and at a difference skip the
# fewest characters that bring them back in step (46-66 ms on the same articles, and
# the same mapping as the full diff on 2,000 sampled offsets).
RESYNC_RUN = 4  # characters that must agree after a skip
MAX_SKIP = 160  # furthest look-ahead (both sides together) before giving up locally
SEPARATORS = "|"  # characters html_to_text adds that a rendered document does not show


def greedy_pairs(s: str, t: str) -> tuple[list[int], list[int]]:
    """Indices of corresponding characters of ``s`` and ``t``, in order, in about O(n)."""
    s_idx: list[int] = []
    t_idx: list[int] = []
    i = j = 0
    n, m = len(s), len(t)
    while i < n and j < m:
        if s[i] == t[j]:
            # Copy the longest equal run in one go.
            k = i
            while i < n and j < m and s[i] == t[j]:
                i += 1
                j += 1
            s_idx.extend(range(k, i))
            t_idx.extend(range(j - (i - k), j))
            continue
        if s[i] in SEPARATORS:
            i += 1
            continue
        found = _resync(s, t, i, j)
        if found is None:
            # Nothing in reach agrees: align the rest exactly (rare; bounded by the rest).
            matcher = SequenceMatcher(None, s[i:], t[j:], autojunk=False)
            for block in matcher.get_matching_blocks():
                s_idx.extend(range(i + block.a, i + block.a + block.size))
                t_idx.extend(range(j + block.b, j + block.b + block.size))
            break
        i += found[0]
        j += found[1]
    return s_idx, t_idx


def _resync(s: str, t: str, i: int, j: int) -> tuple[int, int] | None:
    n, m = len(s), len(t)
    for total in range(1, MAX_SKIP + 1):
        for da in range(total + 1):
            db = total - da
            a, b = i + da, j + db
            if a >= n or b >= m:
                continue
            run = min(RESYNC_RUN, n - a, m - b)
            if s[a : a + run] == t[b : b + run]:
                return da, db
    return None


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
            self._s_idx, self._t_idx = greedy_pairs(s_chars, t_chars)

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
