"""The bytes of a WordPress REST response as JSON: one document, or JSON Lines.

A cut-off or broken file is refused with the line and column of the fault; absurdly long
integers are kept as their digits (with a warning) instead of failing the whole file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from reader.core.errors import ImportFailure
from reader.core.textdecode import sniff_bom

# No WordPress field holds a number this long; Python refuses to convert past 4,300
# digits with a message about sys.set_int_max_str_digits, which helps nobody here.
MAX_INT_DIGITS = 40


def decode_head(head: bytes) -> str:
    encoding, head = sniff_bom(head)
    if encoding is not None:
        return head.decode(encoding, errors="replace")
    sample = head[:200]
    if sample.count(0) > len(sample) // 3:
        encoding = "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
        return head.decode(encoding, errors="replace")
    return head.decode("utf-8", errors="replace")


def load_json(text: str, warnings: list[str] | None = None) -> Any:
    text = text.lstrip("\ufeff")
    long_numbers: list[str] = []
    try:
        payload = json.loads(text, parse_int=_int_reader(long_numbers))
    except RecursionError:
        raise ImportFailure(
            "the JSON is nested too deeply to read (hundreds of levels): not a WordPress response"
        ) from None
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise ImportFailure(_json_error(exc, text)) from None
        payload = _json_lines(text, long_numbers)
        if payload is None:
            raise ImportFailure(_json_error(exc, text)) from None
    if long_numbers and warnings is not None:
        warnings.append(
            f"{len(long_numbers)} number(s) longer than {MAX_INT_DIGITS} digits were kept as text"
        )
    return payload


def _int_reader(long_numbers: list[str]) -> Callable[[str], int | str]:
    """json's ``parse_int``: an absurdly long integer is kept as its digits."""

    def read(digits: str) -> int | str:
        if len(digits) > MAX_INT_DIGITS:
            long_numbers.append(digits[:20])
            return digits
        return int(digits)

    return read


def _json_lines(text: str, long_numbers: list[str]) -> list[Any] | None:
    """Several JSON documents one after another (JSON Lines), or None."""
    decoder = json.JSONDecoder(parse_int=_int_reader(long_numbers))
    documents: list[Any] = []
    position = 0
    try:
        while True:
            while position < len(text) and text[position] in " \t\r\n":
                position += 1
            if position >= len(text):
                return documents
            document, position = decoder.raw_decode(text, position)
            documents.append(document)
    except (json.JSONDecodeError, RecursionError):
        return None


def _json_error(exc: json.JSONDecodeError, text: str) -> str:
    message = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
    stripped = len(text.rstrip())
    if not text.strip():
        return "the file is empty"
    # The decoder says "Unterminated string" only when the input ends inside a string.
    cut_off = exc.pos >= stripped or exc.msg.startswith("Unterminated string")
    return message + (" (the file seems cut off)" if cut_off else "")
