"""Plain data shared by every layer: what importers produce and what the library returns.

Everything here is a dataclass with no behaviour beyond small conveniences, so the
CLI, the window and the tests can pass it around freely.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


def now_iso() -> str:
    """The timestamp format of every stored time: ISO 8601, UTC, whole seconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# --- citations -------------------------------------------------------------------------


class CitationKind(StrEnum):
    """What a citation points at. The value is what is stored and printed."""

    PUBMED = "pubmed"
    PMC = "pmc"
    DOI = "doi"
    PII = "pii"  # ScienceDirect / Elsevier publisher item identifier
    TRIAL = "trial"  # ClinicalTrials.gov NCT number
    WEB = "web"  # any other http(s) link
    REFERENCE = "reference"  # a numbered reference / footnote / JATS xref with no id of its own


@dataclass(slots=True)
class ReferenceEntry:
    """One entry of an article's reference list ("References", "Sources", JATS <ref>)."""

    label: str = ""  # "3", "[3]", "Smith 2020"…: what the text shows
    anchor: str = ""  # id of the entry in the canonical HTML (e.g. "ref-3"), if any
    text: str = ""  # the entry as plain text
    authors: list[str] = field(default_factory=list)
    title: str = ""
    journal: str = ""
    year: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    pmid: str = ""
    pmcid: str = ""
    doi: str = ""
    url: str = ""


@dataclass(slots=True)
class Citation:
    """One reference an article makes, at one place in its text.

    ``href`` is exactly the href of the link in the canonical HTML (absolute URL, or
    ``#anchor`` for in-article numbered references), so the reader view can map a
    hovered link back to its citation. ``identifier`` is normalised per kind:
    PMID digits, ``PMC123``, lower-case DOI, PII, ``NCT01234567``, or the URL.
    """

    kind: CitationKind
    identifier: str
    href: str = ""
    text: str = ""  # the link text as shown
    context: str = ""  # the sentence that cites it
    reference: ReferenceEntry | None = None
    ordinal: int = 0  # order of appearance in the article, from 0
    # extra identifiers known for the same source (e.g. a JATS ref with PMID and DOI)
    ids: dict[str, str] = field(default_factory=dict)


# --- articles --------------------------------------------------------------------------


class SourceFormat(StrEnum):
    """Which importer an article came through (stored, shown, filterable)."""

    WORDPRESS_JSON = "wordpress-json"
    WXR = "wxr"
    HTML = "html"
    MARKDOWN = "markdown"
    JATS = "jats"
    MHTML = "mhtml"  # a page saved as one MIME message (Chrome's "Save as MHTML")


@dataclass(slots=True)
class ImportedImage:
    """An image that came with an article, as it is stored (see :mod:`reader.core.images`)."""

    name: str  # "<sha256>.<ext>": the article's HTML shows it as margin-image:NAME
    data: bytes
    mime: str
    source: str = ""  # the reference in the file: an href, a src, a URL
    figure: str = ""  # id of the figure (or img) it belongs to, when it has one
    alt: str = ""


@dataclass(slots=True)
class RemoteImage:
    """An image the article shows from the web: fetched only when the user asks."""

    url: str
    alt: str = ""
    placeholder: str = ""  # id of the placeholder it replaces once it is fetched


@dataclass(slots=True)
class ImportedArticle:
    """What an importer makes of one article. ``html`` is already canonical.

    Importers fill ``html`` via :func:`reader.core.sanitize.canonicalize`, and ``text``
    from the same call, so offsets into ``text`` are stable for annotations.
    """

    title: str
    html: str
    text: str
    source_format: SourceFormat
    authors: list[str] = field(default_factory=list)
    site_name: str = ""
    url: str = ""  # canonical / permalink URL
    guid: str = ""  # WordPress guid, or another stable id from the source
    external_id: str = ""  # WordPress post id, PMC id…
    published: dt.datetime | None = None  # time-zone aware where the source says
    modified: dt.datetime | None = None
    excerpt: str = ""
    language: str = ""
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    featured_image: dict[str, str] | None = None  # {"alt":…, "caption":…, "url":…}
    # identifiers of this article itself: {"pmid":…, "pmcid":…, "doi":…}
    identifiers: dict[str, str] = field(default_factory=dict)
    # None means "the importer did not extract them": the library runs the generic
    # HTML extractor. JATS fills them itself from <xref>/<ref-list>.
    citations: list[Citation] | None = None
    journal: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)  # anything else worth keeping
    # Filled by the library's import from what the sanitizer resolved (importers need
    # not): the stored images the HTML shows, and the web images left as placeholders.
    images: list[ImportedImage] = field(default_factory=list)
    remote_images: list[RemoteImage] = field(default_factory=list)


@dataclass(slots=True)
class Skipped:
    """Something in a file that is deliberately not an article (a comment, a media item)."""

    reason: str


@dataclass(slots=True)
class ParseResult:
    """What an importer returns for one file."""

    articles: list[ImportedArticle] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # Articles of a many-article file (an export) that could not be read; each message
    # names the article. The others still import. A one-article file raises instead.
    failed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ImportOptions:
    """Choices the user makes for one import."""

    include_drafts: bool = False


# --- what the library returns ----------------------------------------------------------


@dataclass(slots=True)
class ArticleSummary:
    """A row of the library list: cheap to load by the thousand."""

    id: int
    title: str
    site_name: str
    authors: list[str]
    published: str  # ISO 8601 or ""
    added: str  # ISO 8601
    source_format: str
    url: str
    is_read: bool
    highlight_count: int
    trashed_at: str = ""  # ISO 8601 when it was moved to the Trash; "" when it is not


@dataclass(slots=True)
class Article:
    """A stored article with everything the reader view needs."""

    id: int
    title: str
    html: str
    text: str
    source_format: str
    authors: list[str]
    site_name: str
    url: str
    guid: str
    external_id: str
    published: str
    modified: str
    added: str
    updated: str
    excerpt: str
    language: str
    categories: list[str]
    tags: list[str]
    identifiers: dict[str, str]
    journal: str
    featured_image: dict[str, str] | None
    metadata: dict[str, Any]
    is_read: bool = False
    reading_position: float = 0.0  # 0..1 fraction of the scroll range


@dataclass(slots=True)
class StoredCitation:
    """A citation as stored, with the library article it matches, if any."""

    id: int
    article_id: int
    citation: Citation
    local_article_id: int | None = None


class ImportStatus(StrEnum):
    """What happened to one article (or file) of an import.

    ``PICTURE`` is not a file's outcome: it is a line about an article that WAS saved,
    one of whose pictures could not be kept as it is (missing, refused, over a cap, only
    its thumbnail found, lost in a damaged archive). The article shows a placeholder
    there. It has its own status so that "skipped" counts only files and items that
    gave no article.
    """

    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"
    PICTURE = "picture"


@dataclass(slots=True)
class ImportResult:
    """One line of an import report: one article, one skipped item, one failed file, or
    one picture an imported article could not keep."""

    source: str  # the file name (and member, for zip archives)
    status: ImportStatus
    message: str = ""  # the reason, for skipped, failed and picture
    article_id: int | None = None
    title: str = ""


@dataclass(slots=True)
class ImportReport:
    """Every result of one import, in order, and whether it was cancelled."""

    results: list[ImportResult] = field(default_factory=list)
    cancelled: bool = False

    def count(self, status: ImportStatus) -> int:
        return sum(1 for r in self.results if r.status is status)

    @property
    def failed(self) -> bool:
        return any(r.status is ImportStatus.FAILED for r in self.results)


# --- long operations -------------------------------------------------------------------


@dataclass(slots=True)
class Progress:
    """How far a long operation (import, reindex, export) has come."""

    done: int
    total: int
    current: str = ""  # what is being worked on: a file name, "indexing…"
    result: ImportResult | None = None  # an import's latest result, when there is one


# The one shape of a progress callback, for every long operation; ``CancelFn`` is polled
# between steps and returns True to stop (what was done so far is kept).
ProgressFn = Callable[[Progress], None]
CancelFn = Callable[[], bool]


# --- the library list ------------------------------------------------------------------


@dataclass(slots=True)
class LibraryFilter:
    """What the library list shows; empty fields mean "any"."""

    tag: str = ""
    category: str = ""
    site: str = ""
    source_format: str = ""
    read: bool | None = None  # True: read only, False: unread only


# --- search ----------------------------------------------------------------------------


@dataclass(slots=True)
class SearchHit:
    """One search result: an article, its score, and the snippet to show."""

    article_id: int
    title: str
    score: float
    snippet_html: str  # matched terms wrapped in <b class="match">…</b>
    site_name: str = ""
    authors: list[str] = field(default_factory=list)
    published: str = ""
    # set when the best match is in an annotation: open the article there
    annotation_uuid: str | None = None


@dataclass(slots=True)
class SearchResults:
    """The hits of a search, and a spelling suggestion when a word is in no article.

    ``suggestion`` is the query with its unknown words corrected ("ketamine" for
    "ketamne"). When the typed query found nothing and the suggestion did, the hits are
    the suggestion's: ``query`` is then the suggestion and ``corrected_from`` what was
    typed. ``too_common``: every word is one the index leaves out ("of the"), so "no
    article matches" would be untrue.
    """

    query: str
    hits: list[SearchHit]
    total: int | None = None  # estimated; None when unknown (never len(results))
    suggestion: str | None = None
    corrected_from: str | None = None
    too_common: bool = False


# --- annotations (W3C Web Annotation selectors) ----------------------------------------


@dataclass(slots=True)
class TextQuoteSelector:
    """W3C TextQuoteSelector: the exact passage with a little context either side."""

    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(slots=True)
class TextPositionSelector:
    """W3C TextPositionSelector: character offsets into ``Article.text``."""

    start: int
    end: int


@dataclass(slots=True)
class Annotation:
    """A highlight (with optional note) anchored into an article's plain text."""

    uuid: str
    article_id: int
    quote: TextQuoteSelector
    position: TextPositionSelector
    color: str = "yellow"
    note: str = ""  # Markdown
    tags: list[str] = field(default_factory=list)
    created: str = ""
    modified: str = ""
    removed: bool = False  # tombstone, so merges never resurrect deleted highlights


@dataclass(slots=True)
class IndexDocument:
    """Everything the search index needs for one article (built by the library)."""

    article_id: int
    title: str
    body: str
    authors: list[str]
    site_name: str
    tags: list[str]
    categories: list[str]
    published: dt.datetime | None
    source_format: str
    url: str
    notes: str = ""  # article note + highlight notes
    highlights: str = ""  # highlighted passages
    highlight_tags: list[str] = field(default_factory=list)  # found by "tag:" too
    cites: list[str] = field(default_factory=list)  # "PMID:123", "PMC456", "10.1/x", urls


@dataclass(slots=True)
class AnchoredAnnotations:
    """An article's highlights as they fall on its current text, and those that do not.

    ``anchored`` holds (annotation, start, end) in text order; ``orphans`` the highlights
    whose passage is no longer in the text (kept, listed, never silently dropped).
    """

    anchored: list[tuple[Annotation, int, int]] = field(default_factory=list)
    orphans: list[Annotation] = field(default_factory=list)
    # uuid → the words a highlight now covers, when it was re-anchored approximately
    # (the article's text changed) and they differ from the words the user highlighted.
    changed: dict[str, str] = field(default_factory=dict)
