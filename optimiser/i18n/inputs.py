"""Reading what a provincial office's tools write: encodings, number formats, total rows.

Excel and WPS on a Chinese Windows save CSV as GB18030 (GBK) unless told
"CSV UTF-8", which adds a byte-order mark; editors save plain UTF-8. Each is
read here, detected in that order. Numbers may be written with thousands
separators (``2,088``, ``1 200``, full-width ``２，０８８``), and a share as a
percentage (``25%``). A row that sums the others (``合计``, ``Total``) is not
data.
"""

from __future__ import annotations

import re
import unicodedata

from . import N_

ENCODINGS = ("utf-8", "gb18030")
"""Encodings read, in the order tried (a UTF-8 byte-order mark is removed first)."""

TOTAL_LABELS = frozenset({"total", "totals", "grand total", "subtotal", "sum", "合计", "总计", "小计", "合計", "總計"})
"""Cell texts (case and spaces aside, a trailing colon removed) that mark a total row."""


class UndecodableInput(ValueError):
    """Bytes in none of :data:`ENCODINGS`; ``line`` is the line of the first byte that is not UTF-8."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def decode_input(data: bytes, what: str = N_("file")) -> tuple[str, str]:
    """``data`` as text, and the encoding it was read in ("utf-8-sig", "utf-8", "gb18030", "utf-16").

    Raises :class:`UndecodableInput` naming the line of the first byte that
    is not UTF-8 and the fix.

    >>> decode_input("合计".encode("gb18030"))
    ('合计', 'gb18030')
    >>> decode_input(b"\\xef\\xbb\\xbfname")
    ('name', 'utf-8-sig')
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as err:
            raise _undecodable(data, err.start + 3, what, N_("it begins with a UTF-8 byte-order mark")) from err
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as err:
            raise _undecodable(data, err.start, what, N_("it begins with a UTF-16 byte-order mark")) from err
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        first_bad = err.start
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as err:
        raise _undecodable(data, first_bad, what, "nor GB18030 (GBK) text") from err


def _undecodable(data: bytes, position: int, what: str, detail: str) -> UndecodableInput:
    line = data.count(b"\n", 0, position) + 1
    column = position - (data.rfind(b"\n", 0, position) + 1) + 1
    byte = data[position] if position < len(data) else 0
    from . import _

    how = (_("Excel: Save As > \"CSV UTF-8\"; WPS or Notepad: encoding UTF-8") if "config" not in what
           else _("in the editor, choose the encoding UTF-8 when saving"))
    if detail.startswith("nor"):
        template = _("the {what} is not text this program can read: byte {byte} at column {column} is not UTF-8, "
                     "and the file is not GB18030 (GBK) text either; open the file and save it again as UTF-8 ({how})")
    else:
        template = _("the {what} is not text this program can read: byte {byte} at column {column} is not UTF-8 "
                     "({detail}); open the file and save it again as UTF-8 ({how})")
    message = template.format(what=_(what), byte=f"0x{byte:02x}", column=column, detail=_(detail), how=how)
    return UndecodableInput(message, line)


_GROUPED = re.compile(r"^[+-]?\d{1,3}([, \u00a0\u2009\u202f])\d{3}(\1\d{3})*(\.\d+)?$")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_number(text: str) -> float | None:
    """A number written by a person: ``2,088``, ``1 200``, ``１２``, ``-3.5``; None when it is not one.

    A comma or a space is read as a thousands separator only between groups
    of three digits (``2,08`` is not a number: it may be a decimal comma).

    >>> parse_number("2,088"), parse_number("1 200"), parse_number("２，０８８"), parse_number("2,08")
    (2088.0, 1200.0, 2088.0, None)
    """
    cleaned = unicodedata.normalize("NFKC", text).strip()
    grouped = _GROUPED.match(cleaned)
    if grouped:
        cleaned = cleaned.replace(grouped.group(1), "")
    if not _PLAIN.fullmatch(cleaned):
        return None
    return float(cleaned)


def parse_share(text: str) -> float | None:
    """A share written as a number (``0.25``) or a percentage (``25%``, ``25 ％``); None when neither.

    >>> parse_share("25%"), parse_share("0.25"), parse_share("12.5 %")
    (0.25, 0.25, 0.125)
    """
    normal = unicodedata.normalize("NFKC", text).strip()
    if normal.endswith("%"):
        number = parse_number(normal[:-1])
        return None if number is None else number / 100
    return parse_number(normal)


def is_percent(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip().endswith("%")


def is_total_label(text: str) -> bool:
    """Whether a name cell says this row is a total (``Total``, ``合计``, ``总计:``).

    >>> is_total_label(" 合计 "), is_total_label("TOTAL:"), is_total_label("Totalville")
    (True, True, False)
    """
    normal = unicodedata.normalize("NFKC", text).strip().rstrip(":").strip().casefold()
    return " ".join(normal.split()) in TOTAL_LABELS
