"""Merge two sets of annotations (two devices, an import, a backup), calibre style.

Annotations are keyed by uuid; when both sides have one, the newest ``modified`` wins.
Deleted annotations are tombstones (``removed=True``) that take part like any other
edit, so a delete made on one side is not undone by the other side's older copy.
"""

from __future__ import annotations

import datetime as dt

from reader.core.model import Annotation


def merge_annotations(a: list[Annotation], b: list[Annotation]) -> list[Annotation]:
    """Union of ``a`` and ``b`` by uuid, newest edit winning, tombstones kept.

    On equal times a tombstone beats a live copy (deleting is the deliberate act);
    otherwise ``a`` wins ties, so merging a set with itself changes nothing. The order
    is ``a``'s, then annotations only in ``b`` in their order.
    """
    merged: dict[str, Annotation] = {}
    for annotation in a:
        current = merged.get(annotation.uuid)
        merged[annotation.uuid] = annotation if current is None else _newer(current, annotation)
    for annotation in b:
        current = merged.get(annotation.uuid)
        merged[annotation.uuid] = annotation if current is None else _newer(current, annotation)
    return list(merged.values())


def _newer(first: Annotation, second: Annotation) -> Annotation:
    """The one to keep of two versions of an annotation (``first`` on a full tie)."""
    t1, t2 = _when(first.modified or first.created), _when(second.modified or second.created)
    if t1 != t2:
        return first if t1 > t2 else second
    if second.removed and not first.removed:
        return second
    return first


_OLDEST = dt.datetime.min.replace(tzinfo=dt.UTC)


def _when(stamp: str) -> dt.datetime:
    """An ISO 8601 time as an aware datetime (naive ones are taken as UTC); unreadable or
    missing times sort oldest, so any dated edit beats them."""
    if not stamp:
        return _OLDEST
    try:
        when = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return _OLDEST
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
