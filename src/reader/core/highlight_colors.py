"""Highlight colours and what they mean to the user (editable, stored in the library)."""

from __future__ import annotations

from typing import Protocol

# name → (default meaning, hex colour used on light themes)
DEFAULT_COLORS: dict[str, tuple[str, str]] = {
    "yellow": ("key finding", "#ffe066"),
    "red": ("caution", "#ff8a80"),
    "blue": ("question", "#8ec5ff"),
    "green": ("method", "#9be59b"),
    "purple": ("to cite", "#d3a6ff"),
}
SETTING_KEY = "highlight_meanings"


class _Settings(Protocol):
    def setting(self, key: str, default: object = None) -> object: ...
    def set_setting(self, key: str, value: object) -> None: ...


def meanings(settings: _Settings) -> dict[str, str]:
    """Colour name → meaning, the user's edits over the defaults."""
    stored = settings.setting(SETTING_KEY, {}) or {}
    result = {name: meaning for name, (meaning, _hex) in DEFAULT_COLORS.items()}
    if isinstance(stored, dict):
        result.update({k: str(v) for k, v in stored.items() if k in DEFAULT_COLORS})
    return result


def set_meaning(settings: _Settings, color: str, meaning: str) -> None:
    if color not in DEFAULT_COLORS:
        raise ValueError(f"unknown highlight colour {color!r}")
    current = settings.setting(SETTING_KEY, {})
    stored: dict[str, object] = dict(current) if isinstance(current, dict) else {}
    stored[color] = meaning.strip() or DEFAULT_COLORS[color][0]
    settings.set_setting(SETTING_KEY, stored)
