"""Export and import of annotations for whole libraries: files, not just text.

:mod:`reader.core.export.markdown` and :mod:`reader.core.export.w3c` turn one article into
text; this module decides file names, keeps what users wrote in files exported before
(through :mod:`reader.core.export.merge`), and feeds W3C files back in.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core import highlight_colors
from reader.core.errors import ExportError, MarginError
from reader.core.export.figures import ATTACHMENTS, copy_attachments
from reader.core.export.figures import embeds_for as figure_embeds
from reader.core.export.markdown import article_markdown, safe_filename
from reader.core.export.merge import merge_into_existing
from reader.core.export.w3c import W3CArticleRef, annotations_from_w3c, annotations_to_w3c
from reader.core.model import Annotation, CancelFn, Progress, ProgressFn

if TYPE_CHECKING:  # the Library imports this module's callers; no cycle at run time
    from reader.core.library import Library


def markdown_for(
    library: Library,
    article_id: int,
    *,
    exported_at: dt.datetime | None = None,
    embeds: list[str] | None = None,
) -> str:
    """The article's note. With ``embeds`` (a list to fill), a highlighted figure
    caption shows its picture from ``attachments/``, and the images' names are added to
    ``embeds`` for the caller to copy there."""
    article = library.article(article_id)
    found = library.anchored_annotations(article_id)
    anchored = []
    for annotation, start, end in found.anchored:
        # Export the passage where it is now, not where it was first made.
        annotation.position.start, annotation.position.end = start, end
        anchored.append(annotation)
    shown: dict[str, list[tuple[str, str]]] = {}
    if embeds is not None:
        for uuid, hits in figure_embeds(article, anchored).items():
            shown[uuid] = [(f"{ATTACHMENTS}/{f.name}", f.alt) for f in hits]
            embeds.extend(f.name for f in hits)
    return article_markdown(
        article,
        anchored,
        [s.citation for s in library.citations(article_id)],
        article_note=library.article_note(article_id),
        colors=highlight_colors.meanings(library),
        exported_at=exported_at,
        orphans=found.orphans,
        figures=shown,
    )


def w3c_for(library: Library, article_id: int) -> dict:
    article = library.article(article_id)
    annotations = library.annotations(article_id, include_removed=True)
    return annotations_to_w3c(article, annotations, article_note=library.article_note(article_id))


def export_text(
    library: Library,
    article_id: int,
    fmt: str = "markdown",
    *,
    exported_at: dt.datetime | None = None,
) -> str:
    """One article's export as text: Markdown, or W3C JSON-LD (``fmt="w3c"``)."""
    if fmt == "markdown":
        return markdown_for(library, article_id, exported_at=exported_at)
    if fmt == "w3c":
        return json.dumps(w3c_for(library, article_id), ensure_ascii=False, indent=2) + "\n"
    raise MarginError(f"unknown export format {fmt!r} (markdown or w3c)")


def annotated_article_ids(library: Library, fmt: str = "markdown") -> list[int]:
    """The articles "export all" writes in ``fmt`` unless every article is asked for,
    oldest first: those with something of the user's in them (a file per article with
    nothing of the user's in it is clutter in a notes folder).

    Markdown: a highlight or an article note. W3C also takes an article whose highlights
    were all deleted: its file carries their tombstones, so importing it on another
    machine deletes them there too (left out, the deleted highlights would live on in
    every other copy). A tombstone is kept as long as its highlight's row, so such an
    article keeps being exported; its file stays small (ids and times only).
    """
    if fmt not in ("markdown", "w3c"):
        raise MarginError(f"unknown export format {fmt!r} (markdown or w3c)")
    highlights = {s.id: s.highlight_count for s in library.summaries()}

    def has_users_work(article_id: int) -> bool:
        if highlights[article_id] or library.article_note(article_id).strip():
            return True
        # Live highlights were counted above; any row left is a tombstone.
        return fmt == "w3c" and bool(library.annotations(article_id, include_removed=True))

    return [i for i in library.article_ids() if i in highlights and has_users_work(i)]


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.write_text(text, encoding="utf-8", newline="\n")
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)  # no half-written file left behind
        raise ExportError(_cannot(f"write {path}", path.parent, exc)) from None


def _cannot(what: str, folder: Path, exc: OSError) -> str:
    """The reason an export could not be written, in words (not "[Errno 2] …x.md.part")."""
    if isinstance(exc, FileNotFoundError) and not folder.is_dir():
        return f"cannot {what}: the folder {folder} does not exist"
    return f"cannot {what}: {exc.strerror or exc}"


def _existing_note(path: Path) -> str:
    """The note already at ``path``, to merge into: the user's own words around it stay."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ExportError(
            f"{path} is there already and is not UTF-8 text: Margin leaves it alone "
            "(move it away, or export to another folder)"
        ) from None
    except OSError as exc:
        raise ExportError(_cannot(f"read {path}", path.parent, exc)) from None


def export_articles(
    library: Library,
    ids: Sequence[int],
    fmt: str = "markdown",
    out: str | os.PathLike[str] = ".",
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    images: bool = False,
) -> list[Path]:
    """Write one file per article into folder ``out`` (or to ``out`` itself when it names
    a file and one article is exported). Re-exporting Markdown keeps whatever the user
    wrote outside Margin's block. With ``images``, a Markdown note shows the picture of
    each figure whose caption is highlighted, copied into ``attachments/`` beside it
    (once: the file is named by its content hash). Returns the notes written."""
    out_path = Path(out).expanduser()
    file_name = out_path.suffix.lower() in (".md", ".json", ".jsonld") and not out_path.is_dir()
    single_file = len(ids) == 1 and file_name
    if file_name and len(ids) > 1:  # it was made a folder called "notes.md"
        raise ExportError(
            f"{out_path} names one file, but {len(ids)} articles make {len(ids)} files: "
            "give a folder (or one article)"
        )
    if not single_file:
        try:
            out_path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(_cannot(f"make the folder {out_path}", out_path, exc)) from None
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    written: list[Path] = []
    for n, article_id in enumerate(ids):
        if cancel and cancel():
            break
        article = library.article(article_id)
        stem = Path(safe_filename(article)).stem
        embeds: list[str] | None = [] if images and fmt == "markdown" else None
        if embeds is not None:
            text = markdown_for(library, article_id, exported_at=stamp, embeds=embeds)
        else:
            text = export_text(library, article_id, fmt, exported_at=stamp)
        if fmt == "markdown":
            target = out_path if single_file else out_path / f"{stem}.md"
            if embeds:
                try:
                    copy_attachments(embeds, target.parent, library.image)
                except OSError as exc:
                    folder = target.parent / ATTACHMENTS
                    raise ExportError(
                        _cannot(f"copy pictures into {folder}", folder, exc)
                    ) from None
            if target.exists():
                text = merge_into_existing(_existing_note(target), text)
        else:
            target = out_path if single_file else out_path / f"{stem}.annotations.jsonld"
        _write_atomic(target, text)
        written.append(target)
        if progress:
            progress(Progress(done=n + 1, total=len(ids), current=str(target)))
    return written


def import_w3c_file(library: Library, path: Path) -> tuple[int, list[str]]:
    """Read a W3C JSON-LD file back in. Annotations are matched to library articles by
    Margin id (same library), then URL, guid and identifiers; each is merged by uuid,
    newest edit winning. Returns (count imported, messages for those not imported)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:  # its words, not "[Errno 21] Is a directory: '…'"
        raise MarginError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MarginError(f"{path}: cannot read W3C JSON: {exc}") from None
    try:
        parsed = annotations_from_w3c(data)
    except MarginError as exc:  # the file it is about, as every other message here
        raise MarginError(f"{path}: {exc}") from None
    imported = 0
    problems: list[str] = []
    for item in parsed:
        if item.annotation.removed and not item.annotation.quote.exact:
            imported += _delete_ours(library, item.annotation)
            continue
        article_id = _find_article(library, item.article, item.source)
        if article_id is None:
            problems.append(
                f"{item.annotation.quote.exact[:60]!r}: its article "
                f"({item.article.title or item.source}) is not in this library"
            )
            continue
        incoming = item.annotation
        incoming.article_id = article_id
        # Ours is kept when it is as new or newer (instants; tombstones win ties).
        if library.merge_annotation(incoming):
            imported += 1
    notes = {p.article.note for p in parsed if p.article.note}
    if parsed and notes:
        article_id = _find_article(library, parsed[0].article, parsed[0].source)
        if article_id is not None and not library.article_note(article_id):
            library.set_article_note(article_id, sorted(notes)[0])
    return imported, problems


def _delete_ours(library: Library, tombstone: Annotation) -> int:
    """Apply a tombstone (id and time, no words) to our copy of the highlight, if we
    have one and it is older; ours keeps its words, so an undo can still bring it back."""
    ours = library.find_annotation(tombstone.uuid)
    if ours is None:
        return 0  # nothing here to delete
    deleted = dataclasses.replace(ours, removed=True, modified=tombstone.modified)
    return int(library.merge_annotation(deleted))


def _find_article(library: Library, ref: W3CArticleRef, source: str) -> int | None:
    from reader.core import citations

    keys = citations.article_keys(ref.identifiers, ref.url or source, ref.guid)
    for article_id in library.articles_with_keys(keys):
        return article_id
    if ref.margin_id is not None:
        try:
            article = library.article(ref.margin_id)
        except MarginError:
            return None
        if not ref.title or article.title == ref.title:
            return article.id
    return None
