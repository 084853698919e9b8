"""``margin fetch-images ID...``: download the web images of articles, because you asked.

Nothing else in Margin touches the network. Each web image is asked for once (with a
timeout, a size cap and the image-type check, and no cookies or referrer); what could
not be had is listed with the reason and not asked for again.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from reader.cli.output import (
    ExitCode,
    Subparsers,
    add_command,
    article_ids,
    emit,
    json_flag,
    open_library,
    plural,
    terminal_safe,
)


def cmd_fetch_images(args: argparse.Namespace) -> int:
    rows: list[dict[str, Any]] = []
    with open_library(args) as library:
        for i in args.ids:
            library.article(i)  # "no article with id 9" before anything is downloaded
        for i in args.ids:
            report = library.fetch_images(i)
            rows.append(
                {
                    "id": i,
                    "fetched": report.fetched,
                    "failed": [{"url": url, "reason": why} for url, why in report.failed],
                    "asked_before": report.earlier,
                }
            )

    def text(out: TextIO) -> None:
        for row in rows:
            line = f"article {row['id']}: downloaded {plural(row['fetched'], 'image')}"
            if row["failed"]:
                line += f", {len(row['failed'])} could not be had"
            if row["asked_before"]:
                line += f" ({row['asked_before']} failed before; not asked again)"
            if not row["fetched"] and not row["failed"]:
                line = f"article {row['id']}: no web images waiting"
            out.write(terminal_safe(line) + "\n")
            for failure in row["failed"]:
                out.write(terminal_safe(f"  {failure['url']}: {failure['reason']}") + "\n")

    emit(args, rows, text)
    failed = any(row["failed"] for row in rows)
    return ExitCode.FAILED if failed else ExitCode.OK


def register(sub: Subparsers) -> None:
    p = add_command(
        sub,
        "fetch-images",
        cmd_fetch_images,
        "download the web images of articles (the only command that uses the network)",
    )
    article_ids(p)
    json_flag(p)
