"""Re-export into a file the user may have edited: only Margin's own parts change.

A Markdown export holds Margin's block between ``<!-- margin:begin … -->`` and
``<!-- margin:end -->`` and a YAML front matter whose keys in ``MARGIN_KEYS`` are
Margin's. :func:`merge_into_existing` replaces that block and those keys and keeps
everything else the user wrote: notes outside the block, extra keys, added tags.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from reader.core.errors import MarginError
from reader.core.export.markdown import (
    BEGIN_MARKER,
    END_MARKER,
    MARGIN_KEYS,
    dump_front_matter,
    ordered_union,
)

# List-valued keys users commonly extend in Obsidian: re-export adds Margin's values and
# keeps the user's (so a tag removed in Margin stays until the user removes it too).
_USER_EXTENSIBLE = ("tags",)


def merge_into_existing(existing_md: str, generated_md: str) -> str:
    """Re-export into a file the user may have edited.

    The block between the Margin markers is replaced by the new one and Margin's front
    matter keys are updated; everything else (the user's own notes, their extra front
    matter keys, tags and aliases they added) is kept. Margin's front matter is found
    wherever the user left it (text written above it included), and a file without a
    Margin block gets the new block appended. Raises :class:`MarginError` when the
    existing block is broken (a begin marker with no end marker), rather than guess what
    to overwrite.
    """
    gen_meta, gen_raw, gen_body = _split_front_matter(generated_md)
    block = _find_block(gen_body)
    if block is None:
        raise MarginError("the generated Markdown has no Margin block")
    new_block = gen_body[block[0] : block[1]]

    # Front matter: the user's text before it (if any) stays before it.
    found = _locate_front_matter(existing_md)
    if found is None:
        before, front, after = "", gen_raw or "", existing_md
    else:
        old_meta, old_raw, start, end = found
        before, after = existing_md[:start], existing_md[end:]
        front = old_raw if old_meta is None else _merged_front_matter(old_meta, old_raw, gen_meta)

    # Body: the block is replaced where it is, or appended.
    old_block = _find_block(after)
    before_block = _find_block(before) if old_block is None else None
    if old_block is not None:
        after = after[: old_block[0]] + new_block + after[old_block[1] :]
    elif before_block is not None:
        before = before[: before_block[0]] + new_block + before[before_block[1] :]
    else:
        after = after.rstrip("\n")
        after = f"{after}\n\n{new_block}\n" if after.strip() else f"\n{new_block}\n"
    if not front:
        return (before + after).lstrip("\n")
    return before + front + after


def _merged_front_matter(
    old_meta: dict[str, Any], old_raw: str, gen_meta: dict[str, Any] | None
) -> str:
    """The user's front matter with Margin's keys brought up to date (unchanged text when
    nothing changed, so a re-export does not reformat what the user wrote)."""
    merged = dict(old_meta)
    for key in MARGIN_KEYS:
        if gen_meta is not None and key in gen_meta:
            value = gen_meta[key]
            if key in _USER_EXTENSIBLE and isinstance(merged.get(key), list):
                value = ordered_union(value, merged[key])
            merged[key] = value
        elif key not in _USER_EXTENSIBLE:
            merged.pop(key, None)
    return old_raw if merged == old_meta else dump_front_matter(merged)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# The same block starting at any line: where a user who wrote above it left it.
_FRONT_MATTER_AT = re.compile(r"---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_DASHES_LINE = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)


def _split_front_matter(md: str) -> tuple[dict[str, Any] | None, str | None, str]:
    """(parsed mapping or None if unreadable, raw front matter or None, body)."""
    match = _FRONT_MATTER.match(md)
    if not match:
        return None, None, md
    return _parse_yaml(match.group(1)), match.group(0), md[match.end() :]


def _locate_front_matter(md: str) -> tuple[dict[str, Any] | None, str, int, int] | None:
    """(mapping or None if unreadable, raw text, start, end) of the file's front matter.

    At the top of the file, any front matter is the file's own. Further down, only one
    Margin wrote (it has ``margin-id``) counts: a pair of ``---`` lines in the user's
    notes is a thematic break, not metadata."""
    top = _FRONT_MATTER.match(md)
    if top:
        return _parse_yaml(top.group(1)), top.group(0), 0, top.end()
    for line in _DASHES_LINE.finditer(md):  # each start tried: a thematic break may precede
        match = _FRONT_MATTER_AT.match(md, line.start())
        meta = _parse_yaml(match.group(1)) if match else None
        if match and meta is not None and "margin-id" in meta:
            return meta, match.group(0), match.start(), match.end()
    return None


def _parse_yaml(text: str | None) -> dict[str, Any] | None:
    try:
        meta = yaml.safe_load(text or "") or {}
    except yaml.YAMLError:
        return None
    return meta if isinstance(meta, dict) else None


def _find_block(body: str) -> tuple[int, int] | None:
    begin = body.find(BEGIN_MARKER)
    if begin == -1:
        return None
    end = body.find(END_MARKER, begin)
    if end == -1:
        raise MarginError(
            "the existing file has a Margin begin marker but no end marker "
            f"({END_MARKER}); restore it or move your notes out and delete the file"
        )
    return begin, end + len(END_MARKER)
