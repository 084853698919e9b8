"""Exports of an article's highlights: Markdown for notes apps, W3C JSON-LD for machines.

One module per format, as novelWriter keeps ``formats/tomarkdown.py``:

- :mod:`.markdown`: the Markdown writer (front matter, Margin's block, sources);
- :mod:`.merge`: re-export into a file the user edited, changing only Margin's parts;
- :mod:`.fragments`: Text Fragments links to a quoted passage on the source page;
- :mod:`.w3c`: W3C Web Annotation JSON-LD, written and read back;
- :mod:`.citation_text`: one citation as plain text or Markdown, for the clipboard;
- :mod:`.files`: whole libraries to files on disk, and W3C files back into a library.

The writers are pure functions of their arguments (no clock, no store): the golden files
under ``tests/reference/`` pin their output.
"""

from reader.core.export.citation_text import format_citation
from reader.core.export.files import (
    annotated_article_ids,
    export_articles,
    export_text,
    import_w3c_file,
    markdown_for,
    w3c_for,
)
from reader.core.export.fragments import fragment_url
from reader.core.export.markdown import (
    BEGIN_MARKER,
    END_MARKER,
    MARGIN_KEYS,
    article_markdown,
    highlight_markdown_quote,
    obsidian_tag,
    safe_filename,
)
from reader.core.export.merge import merge_into_existing
from reader.core.export.w3c import (
    MARGIN_NS,
    W3C_CONTEXT,
    ParsedW3CAnnotation,
    W3CArticleRef,
    annotations_from_w3c,
    annotations_to_w3c,
    article_source_iri,
)

__all__ = [
    "BEGIN_MARKER",
    "END_MARKER",
    "MARGIN_KEYS",
    "MARGIN_NS",
    "W3C_CONTEXT",
    "ParsedW3CAnnotation",
    "W3CArticleRef",
    "annotated_article_ids",
    "annotations_from_w3c",
    "annotations_to_w3c",
    "article_markdown",
    "article_source_iri",
    "export_articles",
    "export_text",
    "format_citation",
    "fragment_url",
    "highlight_markdown_quote",
    "import_w3c_file",
    "markdown_for",
    "merge_into_existing",
    "obsidian_tag",
    "safe_filename",
    "w3c_for",
]
