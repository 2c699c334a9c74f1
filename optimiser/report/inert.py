"""Text from a config (institution, lever, scenario names) shown without taking effect.

A name can hold anything YAML can spell: ``"\\x1b[2J"`` clears a terminal,
U+202E turns the rest of a line around, a carriage return or newline rewrites
or splits lines. :func:`inert` writes such characters as visible escapes
(``\\x1b``, ``\\u202e``) so a name is shown as it is and does nothing;
:func:`inert_lines` does the same to whole messages but keeps their own line
breaks and tabs. :func:`json_text` is JSON whose strings hold no such raw
character (escaped ``\\u202e``, which a JSON reader turns back into the name).
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..jsonrule import jsonable

_BIDI_AND_SEPARATORS = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}]")
"""Control characters (C0, DEL, C1), bidirectional marks, overrides and isolates, line and paragraph separators."""
UNSAFE_IN_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}]")
"""As :data:`UNSAFE`, less tab and newline."""


_SHORT = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}


def escape(character: str) -> str:
    """``\\r``, ``\\n``, ``\\t``; else ``\\x1b`` for a character below U+0100, ``\\u202e`` above."""
    if character in _SHORT:
        return _SHORT[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _escape_match(match: re.Match[str]) -> str:
    return escape(match.group())


def inert(text: Any) -> str:
    """``text`` as a string with every unsafe character (newlines and tabs too) written as a visible escape.

    >>> inert("\\x1b[2J")
    '\\\\x1b[2J'
    >>> inert("College")
    'College'
    """
    return UNSAFE.sub(_escape_match, str(text))


def inert_lines(text: Any) -> str:
    """As :func:`inert`, but newlines and tabs are kept: for a whole message of several lines."""
    return UNSAFE_IN_LINES.sub(_escape_match, str(text))


def json_text(data: Any, **keywords: Any) -> str:
    """``json.dumps(jsonable(data), ensure_ascii=False)`` (:mod:`optimiser.jsonrule`) with unsafe characters in strings written as ``\\u`` escapes (``\\u202e``).

    JSON already escapes C0 control characters; DEL, C1 and the bidirectional
    characters it leaves raw. Outside strings the encoder writes none of them.
    """
    keywords.pop("default", None)  # every value is already plain: see optimiser.jsonrule
    text = json.dumps(jsonable(data), ensure_ascii=False, allow_nan=False, **keywords)
    return UNSAFE_IN_LINES.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def xlsx_text(text: Any) -> str:
    """``text`` with the characters the XLSX format cannot hold (most C0 controls) written as visible escapes.

    Tab, newline and carriage return are allowed in a cell and kept; openpyxl
    refuses the others (``IllegalCharacterError``) or, in document properties,
    writes a file it cannot open again.
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub(_escape_match, str(text))
