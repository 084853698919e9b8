"""`margin search`: what a misspelled query shows in text and in JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "ketamine-for-pain.json"


@pytest.fixture
def lib(tmp_path: Path, capsys) -> list[str]:
    flags = ["--library", str(tmp_path / "lib")]
    assert main([*flags, "import", str(SEED)]) == 0
    capsys.readouterr()
    return flags


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_a_misspelled_query_shows_the_corrected_results(capsys, lib) -> None:
    code, out = run(capsys, *lib, "search", "ketamne")
    assert code == 0
    assert out.splitlines()[0] == "No articles match 'ketamne'. Showing results for: ketamine"
    assert "Ketamine for Pain" in out

    code, out = run(capsys, *lib, "search", "ketamne", "--json")
    payload = json.loads(out)
    assert payload["query"] == "ketamne"  # what was typed, as before
    assert payload["suggestion"] == "ketamine"
    assert payload["corrected"] is True
    assert payload["hits"] and "Ketamine for Pain" in payload["hits"][0]["title"]


def test_a_misspelled_word_beside_a_known_one_asks_did_you_mean(capsys, lib) -> None:
    code, out = run(capsys, *lib, "search", "chronc pain")
    assert code == 0
    assert out.splitlines()[0] == "Did you mean: chronic pain?"
    assert "Ketamine for Pain" in out  # "pain" still found it

    payload = json.loads(run(capsys, *lib, "search", "chronc pain", "--json")[1])
    assert payload["suggestion"] == "chronic pain"
    assert payload["corrected"] is False


def test_a_query_spelled_right_has_no_suggestion(capsys, lib) -> None:
    _, out = run(capsys, *lib, "search", "ketamine", "--json")
    payload = json.loads(out)
    assert payload["suggestion"] is None and payload["corrected"] is False
    assert "Did you mean" not in run(capsys, *lib, "search", "ketamine")[1]


def test_a_one_letter_prefix_is_explained(capsys, lib) -> None:
    code = main([*lib, "search", "k*"])
    err = capsys.readouterr().err
    assert code != 0
    assert "at least 2 letters" in err and "Traceback" not in err


def test_a_query_of_common_words_is_not_said_to_match_nothing(capsys, lib) -> None:
    code, out = run(capsys, *lib, "search", "of the")
    assert code == 0
    # The seed has "the" hundreds of times: "No articles match" would be untrue.
    assert out.startswith("'of the' has only words too common to search for")


def test_more_hits_than_the_limit_are_counted(capsys, tmp_path: Path) -> None:
    flags = ["--library", str(tmp_path / "lib")]
    notes = tmp_path / "notes"
    notes.mkdir()
    for n in range(3):
        (notes / f"{n}.md").write_text(f"# Sleep {n}\n\nSleep and memory, part {n}.\n")
    assert main([*flags, "import", str(notes)]) == 0
    capsys.readouterr()
    code, out = run(capsys, *flags, "search", "sleep", "--limit", "1")
    assert code == 0 and out.endswith("… and 2 more (--limit 3 shows them all)\n")
    code, out = run(capsys, *flags, "search", "sleep")
    assert "more" not in out
