"""Importer for html (being written: see the registry docstring for the contract)."""

from __future__ import annotations

from reader.core.errors import ImportFailure
from reader.core.model import ImportOptions, ParseResult


def sniff(head: bytes, name: str) -> bool:
    return False


def parse(data: bytes, name: str, options: ImportOptions) -> ParseResult:
    raise ImportFailure("this format's importer is not written yet")
