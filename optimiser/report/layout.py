"""Text tables for a terminal, aligned by display width: a Chinese character takes two columns."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide and full-width characters (CJK) two, combining marks none.

    >>> display_width("Hangzhou"), display_width("杭州职业技术学院"), display_width("ＡＢ")
    (8, 16, 4)
    """
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``width`` display columns, left (``<``) or right (``>``) aligned."""
    fill = " " * max(0, width - display_width(text))
    return text + fill if align == "<" else fill + text


def grid(header: Sequence[str], rows: Sequence[Sequence[str]], align: str | None = None, indent: str = "  ",
         gap: int = 2) -> list[str]:
    """Lines of a table: ``align`` gives each column's ``<`` or ``>`` (default: first left, others right)."""
    columns = len(header)
    aligns = align or "<" + ">" * (columns - 1)
    widths = [max(display_width(str(row[i])) for row in [header, *rows]) for i in range(columns)]
    space = " " * gap
    lines = []
    for row in [header, *rows]:
        cells = [pad(str(row[i]), widths[i], aligns[i]) for i in range(columns)]
        lines.append((indent + space.join(cells)).rstrip())
    return lines
