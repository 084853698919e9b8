"""A linear-time TextAlignment for long articles whose texts differ a little.

``reader.core.textalign.TextAlignment`` falls back to ``difflib.SequenceMatcher`` as
soon as the article text and the document text differ anywhere, which is quadratic:
a PLOS article with tables (the stored text separates cells with " | ", the
document does not) took 12-35 s to open. This walks both texts once, pairing equal
characters and, at a difference, skipping the fewest characters that bring the two
back in step. Same interface and the same mapping rules as the base class.

Pure Python (no Qt): it belongs in reader.core.textalign; it lives here until the
lead moves it (see the UI helper's report).
"""

from __future__ import annotations

from difflib import SequenceMatcher

from reader.core import textalign
from reader.core.textalign import TextAlignment

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


class FastAlignment(TextAlignment):
    """:class:`TextAlignment` with a linear-time pairing for texts that differ."""

    def __init__(self, source: str, target: str) -> None:
        self.source_len = len(source)
        self.target_len = len(target)
        s_chars, self._s_offsets = textalign._visible(source)
        t_chars, self._t_offsets = textalign._visible(target)
        if s_chars == t_chars:
            self._s_idx = list(range(len(s_chars)))
            self._t_idx = self._s_idx
        else:
            self._s_idx, self._t_idx = greedy_pairs(s_chars, t_chars)
