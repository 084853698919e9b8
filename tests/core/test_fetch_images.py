"""Web images only on request (issue 11): Download Images / ``margin fetch-images``
against a local HTTP server on 127.0.0.1: a normal image, a slow one, a huge one, a
redirect, a non-image. Nothing is fetched by an import; nothing is asked for twice."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from reader.cli.main import main
from reader.core.images import fetch
from reader.core.images.fetch import FetchFailed, fetch_image
from reader.core.library import Library

BODY = "Sleep and memory in shift workers. " * 8


def png(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (12, 8), color).save(out, "PNG")
    return out.getvalue()


class Server:
    """A local web server whose paths each misbehave in one way; it records requests."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()  # the slow path waits for this (or its client)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                route = getattr(server, "route_" + self.path.strip("/").replace("-", "_"), None)
                if route is None:
                    self.send_error(404)
                    return
                route(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @staticmethod
    def reply(handler: BaseHTTPRequestHandler, body: bytes, kind: str) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Set-Cookie", "tracker=1")
        handler.end_headers()
        handler.wfile.write(body)

    def route_normal(self, h: BaseHTTPRequestHandler) -> None:
        self.reply(h, png("red"), "image/png")

    def route_moved(self, h: BaseHTTPRequestHandler) -> None:
        h.send_response(302)
        h.send_header("Location", "/target")
        h.send_header("Set-Cookie", "tracker=2")
        h.end_headers()

    def route_target(self, h: BaseHTTPRequestHandler) -> None:
        self.reply(h, png("green"), "image/png")

    def route_to_file(self, h: BaseHTTPRequestHandler) -> None:
        h.send_response(302)
        h.send_header("Location", "file:///etc/passwd")
        h.end_headers()

    def route_slow(self, h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "image/png")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        h.wfile.write(png("blue")[:20])
        h.wfile.flush()
        self.release.wait(30)  # never more bytes: the client must give up on its own

    def route_huge(self, h: BaseHTTPRequestHandler) -> None:
        # No Content-Length: only counting the bytes as they come can stop it.
        h.send_response(200)
        h.send_header("Content-Type", "image/png")
        h.end_headers()
        try:
            for _ in range(64):
                h.wfile.write(png("red") + b"\0" * 16_384)
        except OSError:
            pass  # the client hung up at its cap

    def route_page(self, h: BaseHTTPRequestHandler) -> None:
        self.reply(h, b"<html><body>not an image</body></html>", "image/png")

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.close()


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(fetch, "TIMEOUT", 1.0)
    monkeypatch.setattr(fetch, "MAX_FETCH_BYTES", 200_000)


def write_note(tmp_path: Path, url: str) -> Path:
    images = "\n\n".join(
        f"![{alt}]({url}/{path})"
        for alt, path in [
            ("Normal", "normal"),
            ("Slow", "slow"),
            ("Huge", "huge"),
            ("Moved", "moved"),
            ("Not an image", "page"),
        ]
    )
    note = tmp_path / "note.md"
    note.write_text(f"# Shift work\n\n{BODY}\n\n{images}\n\nAfter the figures.\n", "utf-8")
    return note


def test_import_fetches_nothing_and_download_images_fetches_each_once(
    server, quick, tmp_path, library_dir
):
    with Library.open(library_dir) as library:
        (result,) = library.import_paths([write_note(tmp_path, server.url)]).results
        article_id = result.article_id
        assert server.requests == []  # nothing is ever fetched by an import
        assert [r.status for r in library.images(article_id)] == ["remote"] * 5
        highlight = library.add_highlight_by_quote(article_id, "After the figures")

        report = library.fetch_images(article_id)
        assert report.fetched == 2
        reasons = dict(report.failed)
        assert "took longer than 1 seconds" in reasons[f"{server.url}/slow"]
        assert "larger than 195 KB" in reasons[f"{server.url}/huge"]
        assert "not a JPEG, PNG, GIF, WebP or TIFF image" in reasons[f"{server.url}/page"]

        article = library.article(article_id)
        assert 'alt="Normal"' in article.html and "Image: Normal" not in article.text
        assert "Image: Slow" in article.text  # a failed one stays its placeholder
        shown = {row.alt: row for row in library.images(article_id)}
        assert library.image(shown["Normal"].name) == (png("red"), "image/png")
        assert library.image(shown["Moved"].name) == (png("green"), "image/png")
        assert shown["Slow"].status == "failed" and "longer" in shown["Slow"].reason
        # The text lost the placeholders' words; the highlight moved with its words.
        moved = library.annotation(highlight.uuid)
        assert article.text[moved.position.start : moved.position.end] == "After the figures"

        asked = len(server.requests)
        again = library.fetch_images(article_id)
        assert (again.fetched, again.failed, again.earlier) == (0, [], 3)
        assert len(server.requests) == asked  # never asked again

    for path, headers in server.requests:
        names = {name.lower() for name in headers}
        assert "referer" not in names and "cookie" not in names, path
        assert headers["User-Agent"].startswith("Margin")


def test_a_redirect_may_only_go_to_the_web(server):
    # (urllib refuses it itself; Margin's handler would too)
    with pytest.raises(FetchFailed, match="file"):
        fetch_image(f"{server.url}/to-file")
    with pytest.raises(FetchFailed, match="only http and https"):
        fetch_image("file:///etc/passwd")
    with pytest.raises(FetchFailed, match="404"):
        fetch_image(f"{server.url}/nothing-here")


def test_margin_fetch_images_reports_each_article(server, quick, tmp_path, capsys):
    where = ["--library", str(tmp_path / "lib")]
    assert main([*where, "import", str(write_note(tmp_path, server.url))]) == 0
    capsys.readouterr()
    assert main([*where, "fetch-images", "1", "--json"]) == 1  # some could not be had
    (row,) = json.loads(capsys.readouterr().out)
    assert row["fetched"] == 2 and len(row["failed"]) == 3
    assert main([*where, "fetch-images", "1"]) == 0
    out = capsys.readouterr().out
    assert out == "article 1: no web images waiting\n"
