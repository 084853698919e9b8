"""`margin export`: what it writes, where, and what it says about it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from reader.cli.main import build_parser, main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED = FIXTURES / "ketamine-for-pain.json"


@pytest.fixture
def lib(tmp_path: Path, capsys) -> list[str]:
    """A library of the seed (#1, highlighted) and two Markdown notes (#2, #3)."""
    flags = ["--library", str(tmp_path / "lib")]
    notes = [FIXTURES / "markdown" / n for n in ("hydration-semicolons.md", "vitamin-d-yaml.md")]
    assert main([*flags, "import", str(SEED), *map(str, notes)]) == 0
    assert main([*flags, "highlight", "1", "--quote", "lower risk of abuse"]) == 0
    capsys.readouterr()
    return flags


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_export_without_ids_prints_the_export_usage(capsys, lib) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*lib, "export"])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert err.startswith("usage: margin export ")
    assert "name article ids to export, or --all" in err


def test_export_prints_the_absolute_path_it_wrote_into_the_current_folder(
    capsys, lib, tmp_path: Path, monkeypatch
) -> None:
    here = tmp_path / "notes"
    here.mkdir()
    monkeypatch.chdir(here)
    code, out, _ = run(capsys, *lib, "export", "1")
    assert code == 0
    (written,) = here.glob("*.md")
    assert out.splitlines() == [str(written.resolve())]


def test_out_dash_writes_to_standard_output_not_a_folder(
    capsys, lib, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, *lib, "export", "1", "--out", "-")
    assert code == 0
    assert out.startswith("---\ntitle:") and "> lower risk of abuse" in out
    assert not (tmp_path / "-").exists()
    code, out, _ = run(capsys, *lib, "export", "1", "--format", "w3c", "--out", "-")
    items = json.loads(out)["first"]["items"]
    assert [i["target"]["selector"][0]["exact"] for i in items] == ["lower risk of abuse"]
    with pytest.raises(SystemExit) as exc:
        main([*lib, "export", "1", "2", "--out", "-"])
    assert exc.value.code == 2
    assert "name one ID" in capsys.readouterr().err


def test_export_all_writes_only_articles_with_highlights_or_a_note(
    capsys, lib, tmp_path: Path
) -> None:
    some, every = tmp_path / "some", tmp_path / "every"
    code, out, _ = run(capsys, *lib, "export", "--all", "--out", str(some))
    assert code == 0
    assert [Path(p).name for p in out.splitlines()] == [p.name for p in some.iterdir()]
    (only,) = some.iterdir()
    assert "ketamine-for-pain" in only.name
    # An article note counts as much as a highlight.
    assert run(capsys, *lib, "note", "3", "Read for Thursday")[0] == 0
    run(capsys, *lib, "export", "--all", "--out", str(some))
    assert len(list(some.iterdir())) == 2
    # --all-articles: every article, highlighted or not.
    code, out, _ = run(capsys, *lib, "export", "--all-articles", "--out", str(every))
    assert code == 0 and len(out.splitlines()) == len(list(every.iterdir())) == 3


def test_export_all_w3c_carries_the_deletions_of_an_article_with_no_highlights_left(
    capsys, lib, tmp_path: Path
) -> None:
    # Another machine's library has the seed and its highlight, from an earlier W3C file.
    other = ["--library", str(tmp_path / "other")]
    w3c = tmp_path / "w3c"
    assert run(capsys, *other, "import", str(SEED))[0] == 0
    code, out, _ = run(capsys, *lib, "export", "--all", "--format", "w3c", "--out", str(w3c))
    (first,) = out.splitlines()
    assert run(capsys, *other, "import-annotations", first)[0] == 0
    code, out, _ = run(capsys, *other, "annotations", "1", "--json")
    (theirs,) = json.loads(out)["annotations"]
    # Here the only highlight of the seed is deleted: nothing of it is left to read.
    run(capsys, *lib, "remove-highlight", theirs["uuid"])
    code, out, err = run(capsys, *lib, "export", "--all", "--out", str(tmp_path / "md"))
    assert out == "" and "nothing to export" in err  # Markdown: no note for it
    code, out, _ = run(capsys, *lib, "export", "--all", "--format", "w3c", "--out", str(w3c))
    assert code == 0
    (again,) = out.splitlines()  # W3C: the seed's file, with the tombstone
    written = Path(again).read_text(encoding="utf-8")
    assert theirs["uuid"] in written and "lower risk of abuse" not in written
    # Importing it on the other machine deletes the highlight there too.
    assert run(capsys, *other, "import-annotations", again)[0] == 0
    code, out, _ = run(capsys, *other, "annotations", "1", "--json")
    assert json.loads(out)["annotations"] == []


def test_export_all_says_so_when_there_is_nothing_to_export(capsys, tmp_path: Path) -> None:
    flags = ["--library", str(tmp_path / "lib")]
    run(capsys, *flags, "import", str(SEED))
    code, out, err = run(capsys, *flags, "export", "--all", "--out", str(tmp_path / "o"))
    assert code == 0 and out == ""
    assert "nothing to export" in err and "--all-articles" in err


def test_an_export_that_cannot_be_written_says_where_and_why(capsys, lib, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "folder"
    code, out, err = run(capsys, *lib, "export", "1", "--out", str(missing / "ketamine.md"))
    assert code == 1 and out == ""
    assert (
        err.strip()
        == f"margin: cannot write {missing / 'ketamine.md'}: the folder {missing} does not exist"
    )
    blocker = tmp_path / "notes"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    code, _, err = run(capsys, *lib, "export", "--all", "--out", str(blocker))
    assert code == 1 and f"cannot make the folder {blocker}" in err
    assert "Traceback" not in err


def test_several_articles_into_one_file_name_is_refused(capsys, lib, tmp_path: Path) -> None:
    target = tmp_path / "notes.md"
    code, _, err = run(capsys, *lib, "export", "1", "2", "--out", str(target))
    assert code == 1 and not target.exists()
    assert f"{target} names one file, but 2 articles make 2 files: give a folder" in err
    target.mkdir()  # a folder that happens to be called so is a folder
    code, _, _ = run(capsys, *lib, "export", "1", "2", "--out", str(target))
    assert code == 0 and len(list(target.iterdir())) == 2


def test_an_existing_note_that_is_not_text_is_left_alone(capsys, lib, tmp_path: Path) -> None:
    note = tmp_path / "ketamine.md"
    note.write_bytes(b"\xff\xfe\x00 not UTF-8")
    code, _, err = run(capsys, *lib, "export", "1", "--out", str(note))
    assert code == 1 and f"{note} is there already and is not UTF-8 text" in err
    assert note.read_bytes() == b"\xff\xfe\x00 not UTF-8"


def test_unreadable_annotations_name_the_file_and_why(capsys, lib, tmp_path: Path) -> None:
    code, _, err = run(capsys, *lib, "import-annotations", str(tmp_path))
    assert code == 1 and err.strip() == f"margin: {tmp_path}: cannot read it: Is a directory"
    listing = tmp_path / "list.jsonld"
    listing.write_text("[]", encoding="utf-8")
    code, _, err = run(capsys, *lib, "import-annotations", str(listing))
    assert code == 1 and err.startswith(f"margin: {listing}: not W3C Web Annotation JSON")


def test_every_export_option_has_help_with_its_default() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    export = sub.choices["export"]
    text = export.format_help()
    for action in export._actions:
        assert action.help, f"{action.dest} has no help"
    assert "(default: markdown)" in text and "(default: .)" in text
    assert "--all-articles" in text and "standard output" in text
