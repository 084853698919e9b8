"""Margin never opens a network socket: importing every corpus and rendering what it stored.

Run in fresh interpreters, so that nothing imported earlier in the test session (an HTTP
library's import-time probe, say) hides from the guard. The guard is a
``sitecustomize`` module, so it is in place before anything else is imported, in the
importing process and in every process it starts (parallel parsing workers): an
internet socket or a name lookup anywhere is written to a log, and the test fails
on it. Local (AF_UNIX) sockets stay allowed: they are how worker processes talk.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

GUARD = textwrap.dedent(
    """
    import os, socket, traceback

    _log = os.environ["MARGIN_SOCKET_LOG"]
    _real = socket.socket

    def _record(what):
        with open(_log, "a", encoding="utf-8") as out:
            out.write(f"{what} in pid {os.getpid()}:\\n")
            out.write("".join(traceback.format_stack(limit=10)) + "\\n")

    class NoNetworkSocket(_real):
        def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
            if fileno is None and family != socket.AF_UNIX:
                _record(f"socket(family={family})")
                raise OSError("network socket opened")
            super().__init__(family, type, proto, fileno)

    def _no_lookup(*args, **kwargs):
        _record(f"name lookup {args[:1]}")
        raise OSError("name lookup")

    socket.socket = NoNetworkSocket
    socket.create_connection = _no_lookup
    socket.getaddrinfo = _no_lookup
    """
)

IMPORT_AND_RENDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from reader.core.library import Library
    from reader.core.sanitize import html_to_text

    corpora, library_dir = Path(sys.argv[1]), Path(sys.argv[2])
    folders = [p for p in sorted(corpora.iterdir()) if p.is_dir() and p.name != "nfcorpus"]
    with Library(library_dir) as library:
        library.import_paths(folders)
        ids = library.article_ids()
        for article_id in ids:
            library.export_markdown(article_id)
            html_to_text(library.article(article_id).html)
        library.search("pain")
    print(len(ids), "articles")
    """
)


def test_importing_and_rendering_the_corpora_opens_no_socket(corpora: Path, tmp_path: Path) -> None:
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "sockets.log"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(guard), env.get("PYTHONPATH")]))
    env["MARGIN_SOCKET_LOG"] = str(log)
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_AND_RENDER, str(corpora), str(tmp_path / "lib")],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert int(done.stdout.split()[0]) >= 170  # the corpora really were imported
    assert not log.exists(), log.read_text(encoding="utf-8")[:3000]


def test_the_guard_catches_an_import_time_probe(tmp_path: Path) -> None:
    """The guard works: importing urllib3 plainly (its IPv6 probe) is caught."""
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "sockets.log"
    env = dict(os.environ, PYTHONPATH=str(guard), MARGIN_SOCKET_LOG=str(log))
    subprocess.run([sys.executable, "-c", "import urllib3"], env=env, check=True, timeout=60)
    assert "socket(family=" in log.read_text(encoding="utf-8")
