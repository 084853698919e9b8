"""Margin never opens a socket: importing every corpus and rendering what it stored.

Run in a fresh interpreter, so that nothing imported earlier in the test session (an
HTTP library's import-time probe, say) hides from the guard: ``socket.socket`` and
name resolution are replaced before Margin is imported, and any use fails the run.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

GUARDED_RUN = textwrap.dedent(
    """
    import socket, sys, traceback
    from pathlib import Path

    used = []

    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            used.append("".join(traceback.format_stack(limit=8)))
            raise OSError("socket opened")

    def no_resolving(*args, **kwargs):
        used.append("".join(traceback.format_stack(limit=8)))
        raise OSError("name resolution")

    socket.socket = NoSocket
    socket.create_connection = no_resolving
    socket.getaddrinfo = no_resolving

    from reader.core.library import Library
    from reader.core.sanitize import html_to_text

    corpora, library_dir = Path(sys.argv[1]), Path(sys.argv[2])
    folders = [p for p in sorted(corpora.iterdir()) if p.is_dir() and p.name != "nfcorpus"]
    with Library(library_dir) as library:
        report = library.import_paths(folders)
        ids = library.article_ids()
        for article_id in ids:
            library.export_markdown(article_id)
            html_to_text(library.article(article_id).html)
        library.search("pain")
    print(len(ids), "articles")
    if used:
        print("SOCKETS USED:\\n" + "\\n".join(used[:3]))
        sys.exit(1)
    """
)


def test_importing_and_rendering_the_corpora_opens_no_socket(corpora: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", GUARDED_RUN, str(corpora), str(tmp_path / "lib")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert int(done.stdout.split()[0]) >= 170  # the corpora really were imported
