"""Text every database can hold: no lone surrogate and no NUL, whoever sends it.

A JSON escape such as "\\ud800" decodes to a lone surrogate, which cannot be encoded as UTF-8 for either database
(a 500 when it reached the driver or the audit hash), and "\\u0000" to NUL, which PostgreSQL text refuses while SQLite
stores it. Both are refused as bad input, naming the field, so the two databases answer alike.
"""

from typing import Any

NUL = ("nul_character", "text must not contain NUL (U+0000) characters")
SURROGATE = ("lone_surrogate", "text must not contain a lone surrogate (an unpaired \\ud800-\\udfff escape)")


def fault(text: str) -> tuple[str, str] | None:
    """(error type, message) when the text cannot be stored, else None."""
    if "\x00" in text:
        return NUL
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return SURROGATE
    return None


def first_fault(value: Any, path: tuple = ()) -> tuple[list, str, str] | None:
    """The location (keys and list indexes), type and message of the first text in a JSON value that cannot be
    stored; a key is located by its own path."""
    if isinstance(value, str):
        found = fault(value)
        return ([*path], *found) if found else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = fault(key) if isinstance(key, str) else None
            if found:
                return ([*path, key.encode("utf-8", "backslashreplace").decode()], *found)
            inner = first_fault(item, (*path, key))
            if inner:
                return inner
    elif isinstance(value, list):
        for index, item in enumerate(value):
            inner = first_fault(item, (*path, index))
            if inner:
                return inner
    return None
