"""Approximate matching by edit distance: Myers' bit-parallel algorithm (Myers 1999).

Python integers are arbitrary-precision bit vectors, so one pass handles patterns of any
length; each text character costs a dozen big-int operations. Fuzzy re-anchoring
(:mod:`reader.core.anchoring`) finds where a changed quote ends (:func:`approximate_ends`),
where that match starts (:func:`match_start`) and how well its context still agrees
(:func:`context_similarity`).
"""

from __future__ import annotations


def _peq(pattern: str) -> dict[str, int]:
    """Myers' Peq table: for each character, the bit mask of its positions in ``pattern``."""
    masks: dict[str, int] = {}
    for i, ch in enumerate(pattern):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    return masks


def approximate_ends(pattern: str, text: str, max_errors: int) -> list[tuple[int, int]]:
    """(end, edits) for every end offset (exclusive) where ``pattern`` matches a substring
    of ``text`` ending there with at most ``max_errors`` edits."""
    m = len(pattern)
    peq = _peq(pattern)
    full = (1 << m) - 1
    high = 1 << (m - 1)
    pv, mv, score = full, 0, m
    out: list[tuple[int, int]] = []
    for j, ch in enumerate(text):
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = (ph << 1) & full  # row 0 is all zeros: a match may start anywhere
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
        if score <= max_errors:
            out.append((j + 1, score))
    return out


def prefix_edit_distances(pattern: str, text: str) -> list[int]:
    """Edit distance between ``pattern`` and ``text[:k]`` for every k (0..len(text))."""
    m = len(pattern)
    peq = _peq(pattern)
    full = (1 << m) - 1
    high = 1 << (m - 1)
    pv, mv, score = full, 0, m
    scores = [m]
    for ch in text:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | 1) & full  # row 0 counts up: the match starts at text[0]
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
        scores.append(score)
    return scores


def context_similarity(expected: str, actual: str) -> float:
    """How well ``actual`` (text read outward from the match) agrees with ``expected``.

    Both strings run outward from the match (prefixes are passed reversed), so the
    comparison is anchored at the match and free at the far end: 1 - edits / length.
    """
    if not expected:
        return 1.0
    if not actual:
        return 0.0
    scores = prefix_edit_distances(expected, actual)
    return max(0.0, 1 - min(scores) / len(expected))


def match_start(needle: str, norm: str, end: int, errors: int) -> int:
    """Start of the best match of ``needle`` ending at ``end`` (exclusive) with ``errors``.

    Searches backwards: the reversed needle against the reversed text, anchored at
    ``end``; among starts with the fewest edits, the one giving the length closest to
    the needle's wins.
    """
    m = len(needle)
    lo = max(0, end - m - errors - 1)
    segment = norm[lo:end][::-1]
    scores = prefix_edit_distances(needle[::-1], segment)
    best_score = min(scores)
    best_len = min(
        (length for length, score in enumerate(scores) if score == best_score),
        key=lambda length: abs(length - m),
    )
    return end - best_len
