"""Which picture an ``<img>`` really shows: lazy loading, ``<noscript>`` copies, ``<picture>``.

Real pages seldom put the picture in ``src``. A lazy-loading script (WordPress's a3 Lazy
Load, WP Rocket, Jetpack, lazysizes, jQuery lazyload…) moves it to ``data-src`` or
``data-srcset`` and leaves ``src`` a placeholder: a 1×1 GIF, an empty SVG as a ``data:``
URI, a blurred 20-pixel preview or a ``lazy_placeholder.gif``. The same picture is often
written a second time inside ``<noscript>`` for readers without scripts, and a
``<picture>`` offers several files of one picture (WebP and JPEG, a phone crop and a
desktop one). This pass runs on the page (or the article's HTML) before anything else
looks at images and turns each such picture into one plain ``<img src=…>`` holding the
reference Margin should use; :mod:`reader.core.images.collect` then stores it (a file
that came with the page) or remembers it for Download Images (a web address), as for
any other image. Images with none of these features are left exactly as they are.

The rules, for every page alike:

* **Lazy attributes** (:data:`LAZY_SRCSET`, :data:`LAZY_SRC`) hold the real picture and
  come first. When an image has them, or has a ``<noscript>`` copy, its own ``src`` and
  ``srcset`` are only what a script replaces: they are used last, and only when they
  are not a placeholder (an SVG, an image under :data:`PLACEHOLDER_SIDE` pixels, or a
  file named like ``blank.png``, ``spacer.gif``, ``lazy_placeholder.gif``). A browser
  that saved the page after the script ran has the real picture there, so a local one
  that is big enough is still preferred to a web address.
* **A ``<noscript>`` copy** belongs to the image right before it (or, failing that, to
  a lazy image right after it, or to an image beside it with the same address). Its
  references join that image's candidates and the copy goes, so a picture is never
  shown twice. A ``<noscript>`` image with no twin is kept only when it looks like
  content (alt text, or inside a ``<figure>``); otherwise it is dropped as before
  (tracking pixels and ads live there).
* **``<picture>``**: the ``<source>`` a desktop browser would take comes first (its
  ``media`` matches a :data:`DESKTOP_WIDTH` viewport and its ``type`` is JPEG, PNG, GIF
  or WebP; SVG, AVIF and other types are skipped), then the ``<img>``, then the other
  sources. A ``<picture>`` without an ``<img>`` shows nothing in a browser and is dropped.
* **Local first**: among the candidates, the first that is a picture Margin can keep
  from the page itself (a ``data:`` URI, a file saved beside the page) wins; else the
  best web address. In a ``srcset`` the best is the smallest candidate at least
  :data:`~reader.core.images.references.TARGET_WIDTH` wide (sharp at twice the column
  width), else the widest.
* **Tracking pixels** (``width``/``height`` of 0 or 1, or hidden by ``style``) are
  dropped, and an image left with nothing to show and no alt text goes too.
"""

from __future__ import annotations

import html as html_lib
import json
import posixpath
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from lxml import etree

from reader.core.images.kinds import sniff
from reader.core.images.references import (
    data_header_size,
    decode_data_uri,
    parse_srcset,
    pixel_size,
    ranked,
)

# The bytes a reference names when they came with the page (a file beside it, an
# archive member, an MHTML part), else None. ``data:`` URIs are decoded here.
Probe = Callable[[str], bytes | None]

LAZY_SRCSET = ("data-lazy-srcset", "data-srcset")
LAZY_SRC = ("data-lazy-src", "data-src", "data-original", "data-lazy", "data-original-src")
DESKTOP_WIDTH = 1280  # px: the viewport <source media="…"> is judged against
EM_PX = 16
PLACEHOLDER_SIDE = 64  # px: a scripted copy's own src smaller than this is a placeholder
KEPT_TYPES = {"image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/gif", "image/webp"}
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff")
_NEVER_KEPT_SUFFIXES = (".svg", ".svgz", ".avif", ".jxl", ".heic", ".heif")
_PLACEHOLDER_NAME = re.compile(
    r"(?:^|[-_.])(?:placeholder|lazy[-_]?placeholder|blank|spacer|pixel|transparent|"
    r"lazy|loading|loader|1x1|grey|gray|empty|dummy)(?:[-_.]|$)",
    re.I,
)
_FORMAT_IN_URL = re.compile(r"(?:^|[/_=,.&?-])(?:avif|jxl)(?:$|[/_,.&?-])", re.I)
_LAZY_CLASS = re.compile(r"(?:^|[-_])(?:lazy|lazyload|lazy-load|lozad)(?:[-_]|$)", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_PIXEL_SIZE = re.compile(r"^\s*[01](?:\.0*)?\s*(?:px)?\s*$")
_MEDIA_FEATURE = re.compile(r"\(\s*(min|max)-width\s*:\s*([\d.]+)\s*(px|em|rem)?\s*\)", re.I)
# Cheap test before parsing: does the HTML hold anything this pass would change?
_NEEDS_CHOOSING = re.compile(
    r"<(?:picture|noscript)\b|\sdata-(?:lazy-srcset|srcset|lazy-src|src|original|lazy|"
    r"original-src)\s*=|<img\b[^>]*\s(?:width|height)\s*=\s*[\"']?[01](?:px)?[\"'\s/>]|"
    r"<img\b[^>]*(?:display\s*:\s*none|visibility\s*:\s*hidden)|"
    r"\ssrc\s*=\s*[\"']?data:image/(?:gif|png|svg)|<img\b(?![^>]*\ssrc\s*=)|"
    r"<img\b[^>]*\sclass\s*=\s*[\"'][^\"']*(?:lazy|lozad)",
    re.I,
)
_PARSER = etree.HTMLParser(no_network=True, remove_comments=True, collect_ids=False)
# Candidates gathered from a <picture> or a <noscript> copy, kept on the <img> between steps.
_SOURCES_FIRST = "data-margin-sources"
_SOURCES_LAST = "data-margin-other-sources"
_COPY = "data-margin-noscript"


def needs_choosing(html: str) -> bool:
    return bool(_NEEDS_CHOOSING.search(html))


def choose_in_html(html: str, probe: Probe | None = None) -> str:
    """:func:`choose_pictures` on an HTML fragment (unchanged when there is nothing to do)."""
    if not needs_choosing(html):
        return html
    root = etree.fromstring(f"<html><body><div>{html}</div></body></html>", _PARSER)
    holder = root[0][0]
    choose_pictures(holder, probe)
    return html_lib.escape(holder.text or "", quote=False) + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in holder
    )


def choose_pictures(root: etree._Element, probe: Probe | None = None) -> None:
    """Rewrite lazy, ``<noscript>`` and ``<picture>`` images under ``root`` in place."""
    local = _Local(probe)
    # Innermost first: a <noscript> may hold a <picture>, and a <picture> a <noscript>.
    for noscript in reversed(list(root.iter("noscript"))):
        _resolve_noscript(noscript)
    for picture in reversed(list(root.iter("picture"))):
        _collapse_picture(picture)
    for img in list(root.iter("img")):
        _choose(img, local)


# --- the steps --------------------------------------------------------------------------


def _resolve_noscript(noscript: etree._Element) -> None:
    if next(noscript.iter("img"), None) is None:
        return  # no picture inside; the sanitizer drops the rest
    copies = [img for img in noscript.iter("img") if not _is_pixel(img)]
    twin = _twin_of(noscript, copies) if copies else None
    if twin is None:
        if any(_looks_like_content(img, noscript) for img in copies):
            _unwrap(noscript)
        else:
            _drop(noscript)
        return
    refs: list[str] = []
    for img in copies:
        picture = next((a for a in img.iterancestors("picture")), None)
        if picture is not None:
            refs += _source_refs(picture, preferred=True)
        refs += _own_refs(img)
    refs += _read(twin, _COPY)
    twin.set(_COPY, json.dumps(_unique(refs)))
    if not (twin.get("alt") or "").strip():
        alt = next((c.get("alt") for c in copies if (c.get("alt") or "").strip()), "")
        if alt:
            twin.set("alt", alt)
    _drop(noscript)


def _twin_of(noscript: etree._Element, copies: list[etree._Element]) -> etree._Element | None:
    """The scripted image a ``<noscript>`` copy stands in for, if there is one: the image
    right before it (or the one image of a link right before it), else a lazy image right
    after it, else an image beside it with the same address."""
    addresses = {_address(r) for img in copies for r in _own_refs(img)}

    def stands_for(img: etree._Element | None) -> bool:
        if img is None:
            return False
        mine = {_address(r) for r in _lazy_refs(img) + _own_refs(img)}
        return _is_lazy(img) or _placeholder_src(img) or bool(addresses & mine)

    for image in (_single_image(noscript.getprevious()), _single_image(noscript.getnext())):
        if stands_for(image):
            return image
    parent = noscript.getparent()
    if parent is None:
        return None
    for img in parent.iter("img"):
        if noscript in img.iterancestors():
            continue
        if addresses & {_address(r) for r in _lazy_refs(img) + _own_refs(img)}:
            return img
    return None


def _single_image(el: etree._Element | None) -> etree._Element | None:
    """``el`` itself when it is an image, else its one image (a link around it…)."""
    if el is None or not isinstance(el.tag, str) or el.tag == "noscript":
        return None
    if el.tag == "img":
        return el
    images = [i for i in el.iter("img") if not any(a.tag == "noscript" for a in i.iterancestors())]
    return images[0] if len(images) == 1 else None


def _collapse_picture(picture: etree._Element) -> None:
    img = next(iter(picture.iter("img")), None)
    if img is None:
        _drop(picture)  # a browser shows nothing for a <picture> without an <img>
        return
    first = _source_refs(picture, preferred=True)
    last = _source_refs(picture, preferred=False)
    if first:
        img.set(_SOURCES_FIRST, json.dumps(first))
    if last:
        img.set(_SOURCES_LAST, json.dumps(last))
    img.tail = picture.tail
    parent = picture.getparent()
    if parent is not None:
        parent.replace(picture, img)


def _source_refs(picture: etree._Element, *, preferred: bool) -> list[str]:
    """The references of ``<source>`` elements of a kept type whose ``media`` does
    (``preferred``) or does not match a desktop window, in document order."""
    refs: list[str] = []
    for source in picture.iter("source"):
        kind = (source.get("type") or "").strip().lower()
        if kind and kind not in KEPT_TYPES:
            continue
        if _media_matches(source.get("media") or "") != preferred:
            continue
        value = next((source.get(a) for a in LAZY_SRCSET if source.get(a)), None)
        value = value or source.get("srcset") or source.get("src") or ""
        refs += [r for r in ranked(parse_srcset(value)) if not _never_kept(r)]
    return refs


def _media_matches(media: str) -> bool:
    """Does a ``media`` list match a desktop window? Only widths are judged; a list
    matches when any of its comma-separated queries does."""
    media = media.strip()
    if not media:
        return True
    for query in media.split(","):
        if query.strip().lower().startswith("not "):
            continue
        ok = True
        for kind, number, unit in _MEDIA_FEATURE.findall(query):
            px = float(number) * (EM_PX if unit.lower() in ("em", "rem") else 1)
            ok &= px <= DESKTOP_WIDTH if kind.lower() == "min" else px >= DESKTOP_WIDTH
        if ok:
            return True
    return False


def _choose(img: etree._Element, local: _Local) -> None:
    if _is_pixel(img):
        _drop(img)
        return
    lazy = _lazy_refs(img)
    copy = _read(img, _COPY)
    first, last = _read(img, _SOURCES_FIRST), _read(img, _SOURCES_LAST)
    own = _own_refs(img)
    stand_in = _placeholder_src(img)
    if stand_in and not lazy:
        lazy = _other_data_refs(img)  # a lazy-loading script we do not know by name
    scripted = lazy or copy or stand_in or _is_lazy(img)
    if not (scripted or first or last):
        return  # an ordinary image: the collector reads it as it always has
    if scripted:
        real, fallback = _unique(first + lazy + copy + last), own
    else:
        real, fallback = _unique(first + own + last), []
    chosen = (
        next((r for r in real if local.usable(r)), None)
        or next((r for r in fallback if local.usable(r) and not local.placeholder(r)), None)
        or next((r for r in real if not _is_data(r) and not _never_kept(r)), None)
        or next((r for r in fallback if _web_fallback(r)), None)
    )
    alt = img.get("alt") or ""
    if chosen is None and not alt.strip():
        _drop(img)
        return
    plain = img.makeelement("img", {})
    if chosen is not None:
        plain.set("src", chosen)
    plain.set("alt", alt)
    for keep in ("title", "id"):
        if img.get(keep):
            plain.set(keep, img.get(keep) or "")
    plain.tail = img.tail
    parent = img.getparent()
    if parent is not None:
        parent.replace(img, plain)


# --- candidates ---------------------------------------------------------------------------


def _lazy_refs(img: etree._Element) -> list[str]:
    refs: list[str] = []
    for attribute in LAZY_SRCSET:
        refs += ranked(parse_srcset(img.get(attribute) or ""))
    refs += [(img.get(a) or "").strip() for a in LAZY_SRC]
    return [r for r in refs if r and not _never_kept(r)]


def _own_refs(img: etree._Element) -> list[str]:
    refs = ranked(parse_srcset(img.get("srcset") or ""))
    src = (img.get("src") or "").strip()
    return [r for r in [*refs, src] if r]


def _is_lazy(img: etree._Element) -> bool:
    """Marked for a lazy-loading script: a lazy attribute (even an empty one) or a class
    such as ``lazyload``, ``lazy``, ``b-lazy`` (but not ``lazyloaded``: its ``src`` is real)."""
    if any(img.get(a) is not None for a in (*LAZY_SRCSET, *LAZY_SRC)):
        return True
    return any(_LAZY_CLASS.search(token) for token in (img.get("class") or "").split())


def _other_data_refs(img: etree._Element) -> list[str]:
    """Image addresses in any other ``data-*`` attribute (``data-orig-file``, a plugin's
    own name), for an image whose ``src`` is a stand-in."""
    refs: list[str] = []
    for name, value in img.attrib.items():
        name = str(name).lower()
        if not name.startswith("data-") or name.startswith("data-margin-"):
            continue
        value = str(value).strip()
        path = urlsplit(value).path.lower()
        if value and " " not in value and path.endswith(_IMAGE_SUFFIXES):
            refs.append(value)
    return refs


def _placeholder_src(img: etree._Element) -> bool:
    """Is the image's own ``src`` a stand-in for a picture a script would load: empty
    (with a ``data-`` address beside it), an SVG or a tiny GIF/PNG ``data:`` URI?"""
    src = (img.get("src") or "").strip()
    if not src:
        return not img.get("srcset") and bool(_other_data_refs(img))
    if not _is_data(src):
        return False
    if _never_kept(src):
        return True
    size = data_header_size(src)
    return size is not None and max(size) < PLACEHOLDER_SIDE


def _read(img: etree._Element, attribute: str) -> list[str]:
    value = img.get(attribute)
    if not value:
        return []
    try:
        refs = json.loads(value)
    except ValueError:
        return []
    return [r for r in refs if isinstance(r, str)] if isinstance(refs, list) else []


def _unique(refs: list[str]) -> list[str]:
    return list(dict.fromkeys(r for r in refs if r))


def _address(ref: str) -> str:
    """A reference without scheme, query or fragment, to match two copies of a picture."""
    if _is_data(ref):
        return ref
    parts = urlsplit(ref.strip())
    return f"{parts.netloc.lower()}{parts.path}"


def _is_data(ref: str) -> bool:
    return ref[:5].lower() == "data:"


def _never_kept(ref: str) -> bool:
    """An SVG, AVIF or JPEG XL by its name, format or media type: never kept."""
    if _is_data(ref):
        return ref[5:].lower().startswith(("image/svg", "image/avif"))
    # Image CDNs name the format in the address: Cloudinary's f_avif, imgix's fm=avif.
    return urlsplit(ref).path.lower().endswith(_NEVER_KEPT_SUFFIXES) or bool(
        _FORMAT_IN_URL.search(ref)
    )


def _web_fallback(ref: str) -> bool:
    if _is_data(ref) or _never_kept(ref):
        return False
    name = posixpath.basename(urlsplit(ref).path)
    return bool(name) and not _PLACEHOLDER_NAME.search(posixpath.splitext(name)[0])


def _is_pixel(img: etree._Element) -> bool:
    if _HIDDEN_STYLE.search(img.get("style") or ""):
        return True
    return any(_PIXEL_SIZE.match(img.get(side) or "x") for side in ("width", "height"))


def _looks_like_content(img: etree._Element, noscript: etree._Element) -> bool:
    if _is_pixel(img):
        return False
    if (img.get("alt") or "").strip():
        return True
    return any(a.tag in ("figure", "picture") for a in noscript.iterancestors())


# --- the page's own pictures ----------------------------------------------------------------


class _Local:
    """Answers "does this reference give a picture from the page itself?" once each."""

    def __init__(self, probe: Probe | None) -> None:
        self._probe = probe
        self._bytes: dict[str, bytes | None] = {}

    def data(self, ref: str) -> bytes | None:
        if ref not in self._bytes:
            if _is_data(ref):
                self._bytes[ref] = decode_data_uri(ref)
            else:
                self._bytes[ref] = self._probe(ref) if self._probe is not None else None
        return self._bytes[ref]

    def usable(self, ref: str) -> bool:
        """A picture Margin keeps (by its bytes), found without the network."""
        data = self.data(ref)
        return data is not None and sniff(data) in ("jpeg", "png", "gif", "webp", "tiff")

    def placeholder(self, ref: str) -> bool:
        """A stand-in a lazy-loading script replaces: named like one, or tiny."""
        name = posixpath.basename(urlsplit(ref).path) if not _is_data(ref) else ""
        if name and _PLACEHOLDER_NAME.search(posixpath.splitext(name)[0]):
            return True
        size = pixel_size(self.data(ref) or b"")
        return size is None or max(size) < PLACEHOLDER_SIDE


def _unwrap(el: etree._Element) -> None:
    """Replace ``el`` by its children (a lone ``<noscript>`` picture that is content)."""
    parent = el.getparent()
    if parent is None:
        return
    index = parent.index(el)
    if el.text:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.text
        else:
            parent.text = (parent.text or "") + el.text
    for offset, child in enumerate(list(el)):
        parent.insert(index + offset, child)
    _drop(el)


def _drop(el: etree._Element) -> None:
    """Remove ``el``; the text after it stays where it was."""
    parent = el.getparent()
    if parent is None:
        return
    text = el.tail or ""
    if text:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
    parent.remove(el)
