"""Every action has a command, every command takes --json, and no argument ends in a
traceback: what a terminal user (or a script) relies on."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

from reader.cli import main
from reader.cli.main import build_parser

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "ketamine-for-pain.json"
# Commands that change the user's desktop, not the library: tested by the packaging tests;
# and the one that uses the network (the seed's images are on the web): tested against a
# local server in tests/core/test_fetch_images.py.
NOT_HERE = {"desktop", "fetch-images"}


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse: usage errors and --help
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def lib(tmp_path: Path, capsys) -> list[str]:
    where = ["--library", str(tmp_path / "lib")]
    assert run(capsys, *where, "import", str(SEED))[0] == 0
    return where


def test_every_action_has_a_command_with_json(capsys, lib) -> None:
    code, out, _ = run(
        capsys, *lib, "highlight", "1", "--quote", "lower risk of abuse", "--tag", "dose", "--json"
    )
    assert code == 0
    highlight = json.loads(out)
    uuid = highlight["uuid"]
    assert highlight["exact"] == "lower risk of abuse" and highlight["tags"] == ["dose"]

    code, out, _ = run(
        capsys, *lib, "edit-highlight", uuid, "--color", "red", "--note", "check", "--json"
    )
    assert code == 0 and json.loads(out)["color"] == "red" and json.loads(out)["note"] == "check"
    code, out, _ = run(capsys, *lib, "edit-highlight", uuid, "--tag", "--json")
    assert code == 0 and json.loads(out)["tags"] == []

    code, out, _ = run(capsys, *lib, "unread", "1", "--json")
    assert json.loads(out) == {"ids": [1], "read": False}
    code, out, _ = run(capsys, *lib, "list", "--json")
    assert json.loads(out)[0]["read"] is False
    run(capsys, *lib, "read", "1")
    code, out, _ = run(capsys, *lib, "list", "--json")
    assert json.loads(out)[0]["read"] is True

    code, out, _ = run(capsys, *lib, "colors", "--set", "red", "disagree", "--json")
    assert code == 0 and json.loads(out)["red"] == "disagree"
    code, _, err = run(capsys, *lib, "colors", "--set", "mauve", "x")
    assert code == 2 and "unknown colour" in err

    code, out, _ = run(capsys, *lib, "tag", "1", "To-Read", "to-read", "--json")
    assert code == 0 and "To-Read" in json.loads(out)["tags"]
    code, out, _ = run(capsys, *lib, "tags", "--json")
    assert "To-Read" in json.loads(out)
    code, out, _ = run(capsys, *lib, "tag", "1", "to-read", "--remove", "--json")
    assert "To-Read" not in json.loads(out)["tags"]

    code, out, _ = run(capsys, *lib, "remove-highlight", uuid, "--json")
    assert code == 0 and json.loads(out)["removed"] == uuid
    code, out, _ = run(capsys, *lib, "annotations", "1", "--json")
    assert json.loads(out)["annotations"] == []

    code, out, _ = run(capsys, *lib, "show", "1", "--json")
    assert code == 0 and json.loads(out)["site_name"] == "Psycle Health"

    code, out, _ = run(capsys, *lib, "note", "1", "Journal club", "--json")
    assert json.loads(out) == {"article": 1, "note": "Journal club"}
    code, out, _ = run(capsys, *lib, "reindex", "--json")
    assert json.loads(out) == {"reindexed": 1}


def test_export_and_import_annotations_take_json(capsys, lib, tmp_path: Path) -> None:
    run(capsys, *lib, "highlight", "1", "--quote", "lower risk of abuse")
    out_dir = tmp_path / "w3c"
    code, out, _ = run(
        capsys, *lib, "export", "1", "--format", "w3c", "--out", str(out_dir), "--json"
    )
    (written,) = json.loads(out)["written"]
    assert code == 0 and Path(written).parent == out_dir.resolve()
    code, out, _ = run(capsys, *lib, "import-annotations", written, "--json")
    assert code == 0 and json.loads(out) == {"imported": 0, "not_imported": []}  # ours already


def test_trash_and_restore_from_the_command_line(capsys, lib) -> None:
    run(capsys, *lib, "highlight", "1", "--quote", "lower risk of abuse")
    code, out, _ = run(capsys, *lib, "remove", "1")
    assert code == 0 and "Trash" in out and "1 highlight" in out and "margin restore 1" in out
    code, out, _ = run(capsys, *lib, "list", "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, *lib, "show", "1")
    assert code == 0 and "In the Trash (margin restore 1 brings it back)" in out
    code, out, _ = run(capsys, *lib, "search", "bladder", "--json")
    assert json.loads(out)["hits"] == []
    code, out, _ = run(capsys, *lib, "trash", "--json")
    (row,) = json.loads(out)
    assert row["id"] == 1 and row["trashed"]
    code, out, _ = run(capsys, *lib, "trash")
    assert "Ketamine for Pain" in out

    code, _, err = run(capsys, *lib, "remove", "1")
    assert code == 1 and "already in the Trash: 1" in err
    code, out, _ = run(capsys, *lib, "restore", "1", "--json")
    assert code == 0 and json.loads(out) == {"restored": [1]}
    code, _, err = run(capsys, *lib, "restore", "1")
    assert code == 1 and "not in the Trash: 1" in err
    code, out, _ = run(capsys, *lib, "annotations", "1", "--json")
    assert len(json.loads(out)["annotations"]) == 1  # the highlight came back too

    run(capsys, *lib, "remove", "1")
    code, out, _ = run(capsys, *lib, "trash", "--empty", "--json")
    assert code == 0 and json.loads(out) == {"deleted": 1}
    code, _, err = run(capsys, *lib, "restore", "1")
    assert code == 1 and "no article with id 1" in err


def test_annotations_json_has_the_same_shape_for_orphans(capsys, lib, tmp_path: Path) -> None:
    run(capsys, *lib, "highlight", "1", "--quote", "beneficial for individuals with chronic pain")
    post = json.loads(SEED.read_text(encoding="utf-8"))
    html = post["content"]["rendered"]
    start = html.index("<li>Ketamine is beneficial for individuals")
    post["content"]["rendered"] = html[:start] + html[html.index("</li>", start) + 5 :]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(post), encoding="utf-8")
    run(capsys, *lib, "import", str(edited))
    _code, out, _ = run(capsys, *lib, "annotations", "1", "--json")
    (row,) = json.loads(out)["annotations"]
    assert row["orphan"] is True
    assert "start" in row and row["start"] is None and row["end"] is None


@pytest.mark.parametrize("limit", ["0", "-1", "many"])
def test_search_limit_must_be_a_positive_number(capsys, lib, limit: str) -> None:
    code, _, err = run(capsys, *lib, "search", "pain", "--limit", limit)
    assert code == 2 and "--limit" in err and "Traceback" not in err


def test_library_that_is_a_file_is_a_clear_error(capsys, tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a library", encoding="utf-8")
    for where in (a_file, a_file / "lib"):
        code, _, err = run(capsys, "--library", str(where), "list")
        assert code == 1
        assert str(where) in err and "library" in err
        assert err.count("\n") == 1 and "Traceback" not in err


HOSTILE_VALUES = [
    [],
    ["0"],
    ["-1"],
    ["abc"],
    ["99999"],
    ["9" * 40],
    [""],
    ["1", ""],
    ["1", "--json"],
    ["99999", "--json"],
    ["--limit", "0"],
    ["1", "--quote", ""],
    ["1", "--quote", "x" * 5000],
    ["no-such-uuid", "--color", "red"],
    ["no-such-uuid"],
    ["--set", "red", ""],
    ["/nonexistent/file.json"],
    ["."],
    ["1", "--format", "json"],
    ["1", "--remove"],
    ["--empty"],
]


@pytest.mark.slow  # ~500 runs of the command line, in process
def test_no_argument_ends_in_a_traceback(capsys, lib, tmp_path: Path, monkeypatch) -> None:
    # "export 1" writes and "import ." reads the current folder: keep both out of the checkout.
    monkeypatch.chdir(tmp_path)
    commands = sorted(set(subcommands()) - NOT_HERE)
    assert {"trash", "restore", "tag", "edit-highlight", "colors"} <= set(commands)
    for command in commands:
        for values in HOSTILE_VALUES:
            argv = [*lib, command, *values]
            try:
                code, out, err = run(capsys, *argv)
            except Exception:  # an escaped exception is exactly what must not happen
                pytest.fail(f"margin {' '.join(argv)} raised:\n{traceback.format_exc()}")
            assert code in (0, 1, 2), (argv, code)
            assert "Traceback" not in err, (argv, err)
            if code:  # (import reports each file's failure in its report, on stdout)
                assert (err + out).strip(), f"margin {' '.join(argv)} failed without saying why"


def test_every_option_has_help_with_its_default(capsys) -> None:
    for name, parser in subcommands().items():
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"margin {name} {action.dest}: no help text"
            if action.dest in ("id", "ids"):
                assert action.metavar == "ID", f"margin {name}: {action.metavar}"
        text = parser.format_help()
        for action in parser._actions:
            if action.option_strings and action.default not in (None, False, [], ()):
                if action.default is argparse.SUPPRESS:
                    continue
                assert f"(default: {action.default})" in " ".join(text.split()), (
                    name,
                    action.dest,
                )
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "130" in out


def _big_library(tmp_path: Path) -> list[str]:
    """A library whose listing is larger than a pipe's buffer."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(300):
        (folder / f"a{i:03d}.md").write_text(
            f"---\ntitle: Article number {i} about sleep, exercise and blood pressure\n"
            f"authors: [Author {i}, Second Author, Third Author]\n---\n\nBody {i}.\n",
            encoding="utf-8",
        )
    where = ["--library", str(tmp_path / "lib")]
    assert main([*where, "import", str(folder)]) == 0
    return where


def test_a_closed_pipe_ends_quietly(tmp_path: Path, capsys) -> None:
    where = _big_library(tmp_path)
    capsys.readouterr()
    # `margin list --json | head -1`: the reader stops after one line.
    with subprocess.Popen(
        [sys.executable, "-m", "reader", *where, "list", "--json"],  # ~100 kB
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read().decode()
        proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert proc.returncode == 0
