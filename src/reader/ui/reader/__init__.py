"""The reading view on Qt WebEngine: view, scheme, bridge and the page's own files."""

from reader.ui.reader.engine import Heading
from reader.ui.reader.page import Typography
from reader.ui.reader.scheme import prepare_web_engine, shared_profile
from reader.ui.reader.text_map import MAX_FIND_MATCHES
from reader.ui.reader.view import ReaderView

__all__ = [
    "MAX_FIND_MATCHES",
    "Heading",
    "ReaderView",
    "Typography",
    "prepare_web_engine",
    "shared_profile",
]
