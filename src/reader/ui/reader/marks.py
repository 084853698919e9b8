"""Named layers of marks in the page: highlights, search words, find matches.

A layer is a list of ``(start, end, CSS highlight name)`` in page positions. The page
paints layers with the CSS Custom Highlight API and repaints them itself after theme
and size changes; the view keeps them to send again when a page becomes ready, and so
that what is marked can be read back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

Mark = tuple[int, int, str]


def set_layer_code(name: str, marks: Sequence[Mark]) -> str:
    """The page code that replaces layer ``name`` with ``marks``."""
    return f"Margin.setLayer({json.dumps(name)}, {json.dumps(list(marks))})"


class MarkLayers:
    """The marks of the page being shown, by layer name (empty layers are dropped)."""

    def __init__(self) -> None:
        self._layers: dict[str, list[Mark]] = {}

    def set(self, name: str, marks: Sequence[Mark]) -> str:
        """Replace one layer; returns the page code that shows the change."""
        cleaned = [(int(s), int(e), str(c)) for s, e, c in marks if e > s]
        if cleaned:
            self._layers[name] = cleaned
        else:
            self._layers.pop(name, None)
        return set_layer_code(name, cleaned)

    def get(self, name: str) -> list[Mark]:
        return list(self._layers.get(name, []))

    def clear(self) -> None:
        self._layers.clear()

    def codes(self) -> list[str]:
        """The page code that shows every layer (for a page that just became ready)."""
        return [set_layer_code(name, marks) for name, marks in self._layers.items()]
