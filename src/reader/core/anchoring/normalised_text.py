"""An article's text as anchoring compares it: whitespace runs collapsed, curly quotes
and dashes made plain, zero-width characters dropped; with the map back to the offsets
of the original text, so a passage found in the normalised text is a passage of the
article."""

from __future__ import annotations

import bisect
import re

# Characters users' clipboards and re-imports swap freely; mapped one-to-one so offsets in
# the normalised text map straight back to the original.
_EQUIVALENT = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": ".",  # … is three dots to a human but one char here; close enough
    }
)
_ZERO_WIDTH = "\u00ad\u200b\u200c\u200d\u2060\ufeff"  # soft hyphen, zero-width (non)joiners…
# A run of whitespace and zero-width characters: one space if it holds any whitespace.
_GAP = re.compile(rf"[\s{_ZERO_WIDTH}]+")


class NormalisedText:
    """``text`` with whitespace runs collapsed to one space, curly quotes and dashes made
    plain and zero-width characters dropped, plus the map back to ``text`` offsets.

    Built lazily: most highlights re-anchor by position and never need it.
    """

    __slots__ = ("_ends", "_norm", "_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._norm: str | None = None
        self._starts: list[int] = []  # _starts[i]: offset in text of norm[i]
        self._ends: list[int] = []  # _ends[i]: offset in text just after norm[i]

    @property
    def norm(self) -> str:
        if self._norm is None:
            self._build()
        assert self._norm is not None
        return self._norm

    def _build(self) -> None:
        translated = self.text.translate(_EQUIVALENT)
        pieces: list[str] = []
        starts, ends = self._starts, self._ends
        pos = 0
        for match in _GAP.finditer(translated):
            if pos < match.start():
                pieces.append(translated[pos : match.start()])
                starts.extend(range(pos, match.start()))
                ends.extend(range(pos + 1, match.start() + 1))
            if any(c.isspace() for c in match.group()):
                pieces.append(" ")
                starts.append(match.start())
                ends.append(match.end())
            pos = match.end()  # a run of zero-width characters only is dropped
        if pos < len(translated):
            pieces.append(translated[pos:])
            starts.extend(range(pos, len(translated)))
            ends.extend(range(pos + 1, len(translated) + 1))
        self._norm = "".join(pieces)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of ``norm[start:end]`` (non-empty)."""
        self.norm  # noqa: B018 (builds the maps)
        return self._starts[start], self._ends[end - 1]

    def norm_index(self, offset: int) -> int:
        """The position in ``norm`` of original offset ``offset`` (or the next kept one)."""
        self.norm  # noqa: B018 (builds the maps)
        return bisect.bisect_left(self._starts, offset)


def normalise_plain(text: str) -> str:
    """The same normalisation as :class:`NormalisedText`, without the offset map."""
    return _GAP.sub(_gap_replacement, text.translate(_EQUIVALENT))


def _gap_replacement(match: re.Match[str]) -> str:
    return " " if any(c.isspace() for c in match.group()) else ""
