"""The core never imports Qt: it must run (and be tested) without a display or PySide6."""

import subprocess
import sys


def test_core_imports_without_pyside6() -> None:
    code = (
        "import sys\n"
        "import reader.core.library, reader.core.importers, reader.core.index\n"
        "import reader.core.citations, reader.core.anchoring, reader.core.export\n"
        "import reader.core.importers as i; i.importers()\n"
        "import reader.cli\n"
        "bad = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"reader.core pulled in Qt modules: {out}"
