"""Merging two sets of annotations: newest edit wins, deletes are not resurrected."""

from __future__ import annotations

import dataclasses

from reader.core.annotations_merge import merge_annotations
from reader.core.model import Annotation, TextPositionSelector, TextQuoteSelector


def note(uuid: str, text: str, modified: str, *, removed: bool = False) -> Annotation:
    return Annotation(
        uuid=uuid,
        article_id=1,
        quote=TextQuoteSelector(exact="ketamine"),
        position=TextPositionSelector(0, 8),
        note=text,
        created="2025-01-01T00:00:00+00:00",
        modified=modified,
        removed=removed,
    )


def test_newest_edit_wins_whichever_side_it_is_on() -> None:
    old = note("u1", "first thought", "2025-01-01T10:00:00+00:00")
    new = note("u1", "second thought", "2025-01-02T10:00:00+00:00")
    assert [a.note for a in merge_annotations([old], [new])] == ["second thought"]
    assert [a.note for a in merge_annotations([new], [old])] == ["second thought"]


def test_times_in_other_zones_compare_as_instants() -> None:
    # 11:00 in Paris is 10:00 UTC: earlier than 10:30Z, though the string sorts later.
    paris = note("u1", "paris", "2025-01-01T11:00:00+01:00")
    utc = note("u1", "utc", "2025-01-01T10:30:00Z")
    assert merge_annotations([paris], [utc])[0].note == "utc"


def test_a_delete_is_not_resurrected_by_an_older_copy() -> None:
    live = note("u1", "kept on laptop", "2025-01-01T10:00:00+00:00")
    deleted = note("u1", "kept on laptop", "2025-01-03T10:00:00+00:00", removed=True)
    merged = merge_annotations([live], [deleted])
    assert len(merged) == 1 and merged[0].removed  # the tombstone is kept
    assert merge_annotations([deleted], [live])[0].removed


def test_an_edit_after_the_delete_wins() -> None:
    deleted = note("u1", "x", "2025-01-03T10:00:00+00:00", removed=True)
    edited = note("u1", "edited later", "2025-01-04T10:00:00+00:00")
    assert not merge_annotations([deleted], [edited])[0].removed


def test_tie_goes_to_the_tombstone() -> None:
    live = note("u1", "x", "2025-01-03T10:00:00+00:00")
    deleted = dataclasses.replace(live, removed=True)
    assert merge_annotations([live], [deleted])[0].removed


def test_union_keeps_both_sides_in_order() -> None:
    a = [note("a1", "", "2025-01-01T00:00:00Z"), note("shared", "a", "2025-01-01T00:00:00Z")]
    b = [note("shared", "b", "2024-12-01T00:00:00Z"), note("b1", "", "2025-01-01T00:00:00Z")]
    merged = merge_annotations(a, b)
    assert [x.uuid for x in merged] == ["a1", "shared", "b1"]
    assert merged[1].note == "a"
    assert merge_annotations(merged, merged) == merged


def test_missing_or_unreadable_times_lose_to_dated_edits() -> None:
    undated = dataclasses.replace(note("u1", "undated", ""), created="")
    garbled = note("u1", "garbled", "yesterday")
    dated = note("u1", "dated", "2020-01-01T00:00:00+00:00")
    assert merge_annotations([undated], [dated])[0].note == "dated"
    assert merge_annotations([dated], [garbled])[0].note == "dated"
