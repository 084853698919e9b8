"""One window per library: a second `margin` hands its request to the running window."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader.ui.single_instance import InstanceServer, hand_over, socket_path

SECOND_MARGIN = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from PySide6.QtCore import QCoreApplication
    from reader.ui.single_instance import hand_over

    app = QCoreApplication([])
    print(hand_over(Path(sys.argv[1]), json.loads(sys.argv[2])))
    """
)


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    return folder


def test_a_second_margin_hands_its_files_to_the_window(
    qtbot, runtime: Path, tmp_path: Path
) -> None:
    library = tmp_path / "lib"
    server = InstanceServer(library)
    assert server.listen()
    assert Path(server.path).parent == runtime
    request = {"files": [str(tmp_path / "a.md")], "open": 3, "search": "sleep", "junk": 1}
    with qtbot.waitSignal(server.received, timeout=20_000) as received:
        second = subprocess.Popen(
            [sys.executable, "-c", SECOND_MARGIN, str(library), json.dumps(request)],
            stdout=subprocess.PIPE,
            text=True,
        )
    assert received.args == [{"files": [str(tmp_path / "a.md")], "open": 3, "search": "sleep"}]
    out, _ = second.communicate(timeout=20)
    assert out.strip() == "True"
    server.close()


def test_without_a_window_nobody_takes_the_request(qtbot, runtime: Path, tmp_path: Path) -> None:
    assert hand_over(tmp_path / "lib", {"files": []}) is False


def test_a_stale_socket_from_a_crashed_window_is_replaced(
    qtbot, runtime: Path, tmp_path: Path
) -> None:
    library = tmp_path / "lib"
    Path(socket_path(library)).write_bytes(b"")  # what a killed window leaves behind
    server = InstanceServer(library)
    assert server.listen()
    server.close()


def test_another_library_has_its_own_window(runtime: Path, tmp_path: Path) -> None:
    assert socket_path(tmp_path / "one") != socket_path(tmp_path / "two")
