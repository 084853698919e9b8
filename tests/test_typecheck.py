"""The type checker (pyright, configured in pyproject.toml) finds no errors in Margin:
the core, the command line and the window."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHECKED = ["src/reader"]


def _pyright() -> str | None:
    beside = Path(sys.executable).parent / "pyright"
    return str(beside) if beside.exists() else shutil.which("pyright")


@pytest.mark.slow
def test_margin_type_checks_clean() -> None:
    pyright = _pyright()
    if pyright is None:
        pytest.skip("pyright is not installed (pip install -e '.[test]')")
    done = subprocess.run(
        # The interpreter running the tests decides which packages are installed (the
        # config's .venv may not exist, e.g. a venv kept outside the clone).
        [pyright, "--outputjson", "--pythonpath", sys.executable, *CHECKED],
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
    assert report["summary"]["filesAnalyzed"] > 80  # core, cli and ui all read
    assert not errors, "\n".join(errors)
