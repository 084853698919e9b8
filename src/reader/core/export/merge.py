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
    matter keys, tags and aliases they added) is kept. A file without a Margin block gets
    the new block appended. Raises :class:`MarginError` when the existing block is
    broken (a begin marker with no end marker), rather than guess what to overwrite.
    """
    gen_meta, gen_raw, gen_body = _split_front_matter(generated_md)
    old_meta, old_raw, old_body = _split_front_matter(existing_md)
    block = _find_block(gen_body)
    if block is None:
        raise MarginError("the generated Markdown has no Margin block")
    new_block = gen_body[block[0] : block[1]]

    # Front matter.
    if old_raw is None:
        front = gen_raw or ""
    elif old_meta is None:
        front = old_raw  # not YAML we can read: leave the user's text untouched
    else:
        merged = dict(old_meta)
        for key in MARGIN_KEYS:
            if gen_meta is not None and key in gen_meta:
                value = gen_meta[key]
                if key in _USER_EXTENSIBLE and isinstance(merged.get(key), list):
                    value = ordered_union(value, merged[key])
                merged[key] = value
            elif key not in _USER_EXTENSIBLE:
                merged.pop(key, None)
        front = old_raw if merged == old_meta else dump_front_matter(merged)

    # Body.
    old_block = _find_block(old_body)
    if old_block is None:
        body = old_body.rstrip("\n")
        body = f"{body}\n\n{new_block}\n" if body.strip() else f"\n{new_block}\n"
    else:
        body = old_body[: old_block[0]] + new_block + old_body[old_block[1] :]
    if not front:
        return body.lstrip("\n")
    return front + body


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def _split_front_matter(md: str) -> tuple[dict[str, Any] | None, str | None, str]:
    """(parsed mapping or None if unreadable, raw front matter or None, body)."""
    match = _FRONT_MATTER.match(md)
    if not match:
        return None, None, md
    raw = match.group(0)
    try:
        meta = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError:
        meta = None
    if meta is not None and not isinstance(meta, dict):
        meta = None
    return meta, raw, md[match.end() :]


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
