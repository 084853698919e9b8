"""W3C Web Annotation JSON-LD, both directions: what Margin writes and what it reads back.

An export is an ``AnnotationCollection`` of one page, with the article it belongs to under
``margin:article`` so another library can find it (URL, guid, identifiers). Tombstones
travel as ``margin:removed`` with their id and time only (never the deleted words), so
that importing elsewhere deletes the copy there instead of resurrecting it.
Reading accepts plain W3C too (one Annotation, a page or a collection) and raises
:class:`MarginError` naming what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from reader.core.errors import MarginError
from reader.core.model import Annotation, Article, TextPositionSelector, TextQuoteSelector

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MARGIN_NS = "urn:margin:vocab:"


@dataclass(slots=True)
class W3CArticleRef:
    """Who the annotations belong to, as stored in a W3C export: enough to find the
    article again in another library (URL, guid, identifiers) or this one (margin_id)."""

    margin_id: int | None = None
    url: str = ""
    guid: str = ""
    title: str = ""
    identifiers: dict[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass(slots=True)
class ParsedW3CAnnotation:
    """One annotation read from W3C JSON-LD, with the article it targets."""

    annotation: Annotation
    article: W3CArticleRef
    source: str  # the target's source IRI as written


def article_source_iri(article: Article) -> str:
    return article.url or f"urn:margin:article:{article.id}"


def annotations_to_w3c(
    article: Article, annotations: Sequence[Annotation], *, article_note: str = ""
) -> dict[str, Any]:
    """An AnnotationCollection (one page) of the article's annotations, tombstones included
    (``margin:removed``, id and time only) so importing elsewhere deletes them there too."""
    source = article_source_iri(article)
    items = [_annotation_to_w3c(a, source) for a in annotations]
    article_info: dict[str, Any] = {
        "margin:id": article.id,
        "url": article.url,
        "guid": article.guid,
        "title": article.title,
        "identifiers": dict(article.identifiers),
    }
    if article_note:
        article_info["note"] = article_note
    return {
        "@context": [W3C_CONTEXT, {"margin": MARGIN_NS}],
        "id": f"urn:margin:article:{article.id}:annotations",
        "type": "AnnotationCollection",
        "label": f"Margin annotations: {article.title}",
        "generator": {"type": "Software", "name": "Margin"},
        "margin:article": article_info,
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def _tombstone_to_w3c(annotation: Annotation, source: str) -> dict[str, Any]:
    """A deleted highlight: its id and when it was deleted, so other copies delete it too,
    and never the words the user deleted. The target is the page alone (W3C requires one)."""
    return {
        "id": f"urn:uuid:{annotation.uuid}",
        "type": "Annotation",
        "modified": annotation.modified or annotation.created,
        "margin:removed": True,
        "target": source,
    }


def _annotation_to_w3c(annotation: Annotation, source: str) -> dict[str, Any]:
    if annotation.removed:
        return _tombstone_to_w3c(annotation, source)
    body: list[dict[str, Any]] = []
    if annotation.note:
        body.append(
            {
                "type": "TextualBody",
                "value": annotation.note,
                "format": "text/markdown",
                "purpose": "commenting",
            }
        )
    body += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in annotation.tags]
    body.append({"type": "TextualBody", "value": annotation.color, "purpose": "highlighting"})
    item: dict[str, Any] = {
        "id": f"urn:uuid:{annotation.uuid}",
        "type": "Annotation",
        "motivation": "commenting" if annotation.note else "highlighting",
    }
    if annotation.created:
        item["created"] = annotation.created
    if annotation.modified:
        item["modified"] = annotation.modified
    item["body"] = body
    item["margin:color"] = annotation.color
    selectors: list[dict[str, Any]] = [
        {
            "type": "TextQuoteSelector",
            "exact": annotation.quote.exact,
            "prefix": annotation.quote.prefix,
            "suffix": annotation.quote.suffix,
        }
    ]
    if annotation.position.start >= 0:  # -1: imported without a position hint
        selectors.append(
            {
                "type": "TextPositionSelector",
                "start": annotation.position.start,
                "end": annotation.position.end,
            }
        )
    item["target"] = {"source": source, "selector": selectors}
    return item


def annotations_from_w3c(data: dict[str, Any]) -> list[ParsedW3CAnnotation]:
    """Read what :func:`annotations_to_w3c` writes (and plain W3C annotations: a single
    Annotation, an AnnotationPage, or a collection). Raises :class:`MarginError` saying
    what is wrong when the data is not W3C annotations Margin can use."""
    if not isinstance(data, dict):
        raise MarginError("not W3C Web Annotation JSON: expected a JSON object")
    kind = _types(data)
    if "AnnotationCollection" in kind:
        first = data.get("first")
        if isinstance(first, dict):
            items = first.get("items")
        elif "items" in data:
            items = data.get("items")
        else:
            raise MarginError("the AnnotationCollection has no 'first' page of items")
    elif "AnnotationPage" in kind:
        items = data.get("items")
    elif "Annotation" in kind:
        items = [data]
    else:
        raise MarginError(
            "not W3C Web Annotation JSON: 'type' should be Annotation, AnnotationPage or "
            f"AnnotationCollection, not {data.get('type')!r}"
        )
    if not isinstance(items, list):
        raise MarginError("the annotation page's 'items' is not a list")
    info = data.get("margin:article")
    ref = _article_ref(info if isinstance(info, dict) else {})
    return [_annotation_from_w3c(item, i + 1, ref) for i, item in enumerate(items)]


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("type", obj.get("@type"))
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def _article_ref(info: dict[str, Any]) -> W3CArticleRef:
    margin_id = info.get("margin:id")
    identifiers = info.get("identifiers")
    return W3CArticleRef(
        margin_id=margin_id
        if isinstance(margin_id, int) and not isinstance(margin_id, bool)
        else None,
        url=str(info.get("url") or ""),
        guid=str(info.get("guid") or ""),
        title=str(info.get("title") or ""),
        identifiers={str(k): str(v) for k, v in identifiers.items()}
        if isinstance(identifiers, dict)
        else {},
        note=str(info.get("note") or ""),
    )


def _annotation_from_w3c(item: Any, number: int, ref: W3CArticleRef) -> ParsedW3CAnnotation:
    where = f"annotation {number}"
    if not isinstance(item, dict) or "Annotation" not in _types(item):
        raise MarginError(f"{where} is not an object of type Annotation")
    ident = item.get("id", item.get("@id"))
    if not isinstance(ident, str) or not ident:
        raise MarginError(f"{where} has no 'id'")
    uuid = ident.removeprefix("urn:uuid:")
    if ident.startswith("urn:uuid:") and not re.fullmatch(r"[0-9A-Fa-f-]{32,36}", uuid):
        raise MarginError(f"{where} has a malformed urn:uuid id: {ident!r}")

    target = item.get("target")
    if isinstance(target, list):
        target = target[0] if target else None
    if item.get("margin:removed") is True and isinstance(target, str | dict | None):
        return _tombstone_from_w3c(item, uuid, target, ref, where)
    if isinstance(target, str) or not isinstance(target, dict):
        raise MarginError(f"{where} has no target with selectors (a text quote is needed)")
    source = str(target.get("source") or "")
    selectors = target.get("selector")
    if isinstance(selectors, dict):
        selectors = [selectors]
    if not isinstance(selectors, list):
        raise MarginError(f"{where} has no selector")
    quote: TextQuoteSelector | None = None
    position = TextPositionSelector(start=-1, end=-1)  # no hint: re-anchor by quote
    for selector in selectors:
        if not isinstance(selector, dict):
            continue
        stype = _types(selector)
        if "TextQuoteSelector" in stype:
            exact = selector.get("exact")
            if not isinstance(exact, str) or not exact:
                raise MarginError(f"{where} has a TextQuoteSelector without 'exact' text")
            quote = TextQuoteSelector(
                exact=exact,
                prefix=_str_field(selector, "prefix", where),
                suffix=_str_field(selector, "suffix", where),
            )
        elif "TextPositionSelector" in stype:
            start, end = selector.get("start"), selector.get("end")
            if not (_is_int(start) and _is_int(end)) or not 0 <= start <= end:
                raise MarginError(
                    f"{where} has a TextPositionSelector with bad offsets: {start!r}, {end!r}"
                )
            position = TextPositionSelector(start=start, end=end)
    if quote is None:
        raise MarginError(f"{where} has no TextQuoteSelector (the highlighted text)")

    note = ""
    tags: list[str] = []
    color = ""
    bodies = item.get("body", [])
    if isinstance(bodies, dict):
        bodies = [bodies]
    if not isinstance(bodies, list):
        raise MarginError(f"{where} has a 'body' that is neither an object nor a list")
    for body in bodies:
        if not isinstance(body, dict):
            continue
        value = body.get("value")
        if not isinstance(value, str):
            continue
        purpose = body.get("purpose", "")
        purposes = set(purpose) if isinstance(purpose, list) else {purpose}
        if "tagging" in purposes:
            tags.append(value)
        elif "highlighting" in purposes:
            color = color or value
        elif not note:
            note = value
    margin_color = item.get("margin:color")
    if isinstance(margin_color, str) and margin_color:
        color = margin_color
    annotation = Annotation(
        uuid=uuid,
        article_id=ref.margin_id if ref.margin_id is not None else 0,
        quote=quote,
        position=position,
        color=color or "yellow",
        note=note,
        tags=tags,
        created=_str_field(item, "created", where),
        modified=_str_field(item, "modified", where),
        removed=item.get("margin:removed") is True,
    )
    return ParsedW3CAnnotation(annotation=annotation, article=ref, source=source)


def _tombstone_from_w3c(
    item: dict[str, Any], uuid: str, target: Any, ref: W3CArticleRef, where: str
) -> ParsedW3CAnnotation:
    """A deleted highlight: no words (an empty quote); it deletes the copy it matches."""
    source = target if isinstance(target, str) else ""
    if isinstance(target, dict):
        source = str(target.get("source") or "")
    annotation = Annotation(
        uuid=uuid,
        article_id=ref.margin_id if ref.margin_id is not None else 0,
        quote=TextQuoteSelector(exact=""),
        position=TextPositionSelector(start=-1, end=-1),
        created=_str_field(item, "created", where),
        modified=_str_field(item, "modified", where),
        removed=True,
    )
    return ParsedW3CAnnotation(annotation=annotation, article=ref, source=source)


def _str_field(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MarginError(f"{where}: '{key}' should be text, not {type(value).__name__}")
    return value


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
