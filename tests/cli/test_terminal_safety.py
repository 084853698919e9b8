"""Nothing an imported file says reaches the terminal as a control sequence.

Titles are cleaned at import; file names cannot be, and a library written by an older
Margin may hold anything: so every command's output escapes control characters too.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from reader.cli import main

CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_no_controls(text: str) -> None:
    found = sorted({hex(ord(c)) for c in text if c in CONTROLS})
    assert not found, f"control characters reached the terminal: {found}"


def test_escape_sequences_in_file_names_and_titles_are_shown_escaped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lib = ["--library", str(tmp_path / "lib")]
    evil_name = tmp_path / "note\x1b]0;pwned\x07\x1b[2J.md"
    evil_name.write_text(
        '---\ntitle: "Sleep \\e[31mred\\e[0m \\x9b6n"\n---\n\nMagnesium text.\n', encoding="utf-8"
    )
    broken = tmp_path / "broken\x1b[31m.json"
    broken.write_text('{"id": 1, "title": ', encoding="utf-8")

    code, out, err = run(capsys, *lib, "import", str(evil_name), str(broken))
    assert code == 1
    assert_no_controls(out + err)
    assert "\\x1b]0;pwned\\x07" in out  # the name is still recognisable, just inert

    # A title stored raw (by an older Margin, or a hand-edited database) is escaped too.
    with sqlite3.connect(tmp_path / "lib" / "library.sqlite3") as db:
        db.execute("UPDATE articles SET title = 'Old \x1b]2;owned\x07 title \x9b31m'")
    for command in (["list"], ["show", "1"], ["search", "magnesium"], ["list", "--json"]):
        code, out, err = run(capsys, *lib, *command)
        assert code == 0, command
        assert_no_controls(out + err)
    rows = json.loads(run(capsys, *lib, "list", "--json")[1])
    assert rows[0]["title"] == "Old \x1b]2;owned\x07 title \x9b31m"  # JSON keeps the data
