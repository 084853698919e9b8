"""Download Images for one article: the web images its import left as placeholders.

The import remembered each web image (``article_images`` rows with status ``remote``)
and gave its placeholder an id. Here each is downloaded once
(:func:`reader.core.images.fetch.fetch_image`), stored like any imported image, and put
in place of its placeholder; the row becomes ``stored``, or ``failed`` with the reason,
and is never asked for again. The article's text loses the placeholder's words
("Image: …"), so its highlights are re-anchored in the same transaction.
"""

from __future__ import annotations

import hashlib
import html as html_lib
from collections.abc import Callable

from lxml import etree

from reader.core.images.fetch import FetchFailed, FetchReport, fetch_image
from reader.core.images.kinds import KeptImage
from reader.core.library.annotations import Annotations
from reader.core.library.images import Images
from reader.core.library.store import Store
from reader.core.model import Article, CancelFn, ImportedImage, Progress, ProgressFn
from reader.core.sanitize import canonicalize

Fetcher = Callable[[str], KeptImage]
_PARSER = etree.HTMLParser(no_network=True, collect_ids=False)


def fetch_article_images(
    store: Store,
    images: Images,
    annotations: Annotations,
    article: Article,
    *,
    fetch: Fetcher = fetch_image,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> FetchReport:
    """Fetch the article's web images that were never asked for; see the module doc."""
    rows = images.rows(article.id)
    waiting = [r for r in rows if r.status == "remote"]
    report = FetchReport(earlier=sum(1 for r in rows if r.status == "failed"))
    got: dict[int, ImportedImage] = {}
    why: dict[int, str] = {}
    for done, row in enumerate(waiting):
        if cancel and cancel():
            break
        if progress:
            progress(Progress(done, len(waiting), row.source))
        try:
            kept = fetch(row.source)
        except FetchFailed as exc:
            why[row.ordinal] = str(exc)
            report.failed.append((row.source, str(exc)))
            continue
        name = f"{hashlib.sha256(kept.data).hexdigest()}.{kept.extension}"
        got[row.ordinal] = ImportedImage(
            name, kept.data, kept.mime, row.source, row.figure, row.alt
        )
    if not got and not why:
        return report
    by_placeholder = {row.figure: got[row.ordinal] for row in waiting if row.ordinal in got}
    new_html = _place(article.html, by_placeholder)
    own = {r.name for r in rows if r.status == "stored"} | {im.name for im in got.values()}
    canonical = canonicalize(new_html, own_images=own)
    written: list[str] = []
    try:
        with store.transaction() as conn:
            images.put_files(got.values(), written)
            conn.execute(
                "UPDATE articles SET html = ?, text = ? WHERE id = ?",
                (canonical.html, canonical.text, article.id),
            )
            if canonical.text != article.text:
                annotations.reanchor(conn, article.id, canonical.text)
            for ordinal, image in got.items():
                images.set_fetched(conn, article.id, ordinal, image)
            for ordinal, reason in why.items():
                images.set_fetched(conn, article.id, ordinal, None, reason)
    except BaseException:
        images.remove_files(written)
        raise
    report.fetched = len(got)
    if progress:
        progress(Progress(len(waiting), len(waiting), ""))
    return report


def _place(html: str, by_placeholder: dict[str, ImportedImage]) -> str:
    """``html`` with each placeholder (by id) replaced by its stored image."""
    if not by_placeholder:
        return html
    root = etree.fromstring(f"<html><body><div>{html}</div></body></html>", _PARSER)
    for span in list(root.iter("span")):
        image = by_placeholder.get(span.get("id") or "")
        if image is None:
            continue
        img = etree.Element("img")
        img.set("src", f"margin-image:{image.name}")
        img.set("alt", image.alt)
        img.tail = span.tail
        parent = span.getparent()
        if parent is not None:
            parent.replace(span, img)
    body = root[0][0]
    inner = (html_lib.escape(body.text) if body.text else "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in body
    )
    return inner
