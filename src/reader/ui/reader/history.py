"""Back and forward through what the reader looked at: articles and in-article jumps."""

from __future__ import annotations

from dataclasses import dataclass

MAX_ENTRIES = 100


@dataclass(frozen=True, slots=True)
class Place:
    """Where the reader was: an article and how far down it."""

    article_id: int
    fraction: float  # reading position, 0..1


class History:
    """Two stacks, as in a browser: a new jump clears what lay ahead."""

    def __init__(self) -> None:
        self._back: list[Place] = []
        self._forward: list[Place] = []

    def can_go_back(self) -> bool:
        return bool(self._back)

    def can_go_forward(self) -> bool:
        return bool(self._forward)

    def record(self, here: Place) -> None:
        """Remember ``here`` before jumping somewhere else."""
        if self._back and self._back[-1] == here:
            return
        self._back.append(here)
        del self._back[:-MAX_ENTRIES]
        self._forward.clear()

    def back(self, here: Place) -> Place | None:
        if not self._back:
            return None
        self._forward.append(here)
        return self._back.pop()

    def forward(self, here: Place) -> Place | None:
        if not self._forward:
            return None
        self._back.append(here)
        return self._forward.pop()

    def forget(self, article_id: int) -> None:
        """An article left the library: its places go from both stacks."""
        self._back = [p for p in self._back if p.article_id != article_id]
        self._forward = [p for p in self._forward if p.article_id != article_id]
