"""The type checker (pyright, configured in pyproject.toml) finds no errors in the core
and the command line. The window (reader.ui) is checked by hand for now: PySide6's
stubs report Optional returns that Qt never gives in practice."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHECKED = ["src/reader/core", "src/reader/cli"]


def _pyright() -> str | None:
    beside = Path(sys.executable).parent / "pyright"
    return str(beside) if beside.exists() else shutil.which("pyright")


@pytest.mark.slow
def test_core_and_cli_type_check_clean() -> None:
    pyright = _pyright()
    if pyright is None:
        pytest.skip("pyright is not installed (pip install -e '.[test]')")
    done = subprocess.run(
        [pyright, "--outputjson", *CHECKED],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"pyright did not run: {done.stderr or done.stdout}")
    errors = [
        f"{Path(d['file']).relative_to(REPO)}:{d['range']['start']['line'] + 1}: "
        f"{d['message'].splitlines()[0]} ({d.get('rule', '')})"
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    ]
    assert report["summary"]["filesAnalyzed"] > 30
    assert not errors, "\n".join(errors)
