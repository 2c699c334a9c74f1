"""Reading what a provincial office's tools write: encodings, number formats, total rows.

Excel and WPS on a Chinese Windows save CSV as GB18030 (GBK) unless told
"CSV UTF-8", which adds a byte-order mark; editors save plain UTF-8. Each is
read here, detected in that order, and UTF-16 too, by its byte-order mark or,
without one, by its zero bytes. Numbers may be written with thousands
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
    """``data`` as text, and the encoding it was read in ("utf-8-sig", "utf-8", "gb18030", "utf-16",
    "utf-16-le", "utf-16-be").

    UTF-16 is read with its byte-order mark, or without one when its zero bytes say so
    (:func:`_utf16_without_mark`). Raises :class:`UndecodableInput` naming the line of the first byte
    that is not UTF-8 and the fix.

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
    utf16 = _utf16_without_mark(data)
    if utf16 is not None:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError as err:
            raise _not_utf16(data, utf16, err.start, what) from err
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        first_bad = err.start
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as err:
        raise _undecodable(data, first_bad, what, "nor GB18030 (GBK) text") from err


UTF16_SAMPLE = 4096
"""Bytes looked at to tell UTF-16 without a byte-order mark from other text."""


def _utf16_without_mark(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when ``data`` is UTF-16 text without a byte-order mark, else None.

    Text in UTF-8 or GB18030 holds no zero byte; UTF-16 holds one in each character of the first 256 of
    Unicode (letters, digits, commas, line ends: a CSV or YAML file is full of them), always in the same half
    of its two bytes: the second (little-endian) or the first (big-endian). A Chinese character's code unit
    may hold a zero byte too (``一`` is 4E 00), rarely; a stray zero byte in UTF-8 text is on either side.
    So at least eight characters, and one in eight, with a zero in one half, and ten times as many there as
    in the other.

    >>> _utf16_without_mark("lever,units".encode("utf-16-le")), _utf16_without_mark("合计,1234567".encode("utf-16-be"))
    ('utf-16-le', 'utf-16-be')
    >>> _utf16_without_mark(b"lever,units\\n"), _utf16_without_mark(b"lever,units\\nsecondments,2\\x000\\n")
    (None, None)
    """
    sample = data[:UTF16_SAMPLE]
    units = len(sample) // 2
    if units == 0:
        return None
    first, second = sample[0:units * 2:2].count(0), sample[1:units * 2:2].count(0)
    for zeros, others, encoding in ((second, first, "utf-16-le"), (first, second, "utf-16-be")):
        if zeros >= 8 and zeros * 8 >= units and zeros >= 10 * others:
            return encoding
    return None


def _not_utf16(data: bytes, encoding: str, position: int, what: str) -> UndecodableInput:
    """A file whose zero bytes say UTF-16 without a byte-order mark, but which is not valid UTF-16."""
    from . import _

    line = data[:position - position % 2].decode(encoding, errors="replace").count("\n") + 1
    message = _("the {what} looks like {encoding} text without a byte-order mark (from its zero bytes), but is not "
                "valid {encoding} at byte {offset} of {size}; open the file and save it again as UTF-8 ({how})").format(
        what=_(what), encoding=encoding.upper(), offset=position + 1, size=len(data), how=_how_to_resave(what))
    return UndecodableInput(message, line)


def _how_to_resave(what: str) -> str:
    """How to save the ``what`` (a file kind) as UTF-8 in the program that wrote it."""
    from . import _

    return (_("Excel: Save As > \"CSV UTF-8\"; WPS or Notepad: encoding UTF-8") if "config" not in what
            else _("in the editor, choose the encoding UTF-8 when saving"))


def _undecodable(data: bytes, position: int, what: str, detail: str) -> UndecodableInput:
    line = data.count(b"\n", 0, position) + 1
    column = position - (data.rfind(b"\n", 0, position) + 1) + 1
    byte = data[position] if position < len(data) else 0
    from . import _

    how = _how_to_resave(what)
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


_CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
_MYRIADS = {"万": 10**4, "亿": 10**8}


def parse_chinese_amount(text: str) -> float | None:
    """An amount as a Chinese planner writes it, as a number; None when the text is not one.

    Digits with 万 (10,000) or 亿 (100,000,000) after them (``400万``, ``1.5亿``,
    ``2,000万``), or Chinese numerals (``四百万``, ``一亿二千万``, ``两千``), each
    optionally followed by 元 (yuan). Used to say how to write such a value
    as a plain number, not to read it as one.

    >>> parse_chinese_amount("400万"), parse_chinese_amount("1.5亿元"), parse_chinese_amount("四百万")
    (4000000.0, 150000000.0, 4000000.0)
    >>> parse_chinese_amount("一亿二千万"), parse_chinese_amount("四百"), parse_chinese_amount("万")
    (120000000.0, 400.0, None)
    """
    normal = unicodedata.normalize("NFKC", text).strip().removesuffix("元").strip()
    if normal[-1:] in _MYRIADS:
        number = parse_number(normal[:-1])
        if number is not None:
            return number * _MYRIADS[normal[-1]]
    return _chinese_numeral(normal)


def _chinese_numeral(text: str) -> float | None:
    """A whole number in Chinese numerals (``四百万``, ``一千零五十``), or None."""
    if not text or any(char not in _CHINESE_DIGITS and char not in _CHINESE_UNITS and char not in _MYRIADS for char in text):
        return None
    total, section, digit = 0, 0, None  # the 亿 part and above; the part below 万 (or 亿); a digit awaiting its unit
    for char in text:
        if char in _CHINESE_DIGITS:
            if digit is not None:
                return None  # two digits in a row (一二) are no number
            digit = _CHINESE_DIGITS[char] or None  # 零 only holds a place (一千零五)
        elif char in _CHINESE_UNITS:
            section += (1 if digit is None else digit) * _CHINESE_UNITS[char]
            digit = None
        else:
            section += digit or 0
            digit = None
            if section == 0 and not (char == "亿" and total):
                return None
            if char == "万":
                total += section * _MYRIADS[char]
            else:
                total = (total + section) * _MYRIADS[char]
            section = 0
    return float(total + section + (digit or 0))


def is_percent(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip().endswith("%")


def is_total_label(text: str) -> bool:
    """Whether a name cell says this row is a total (``Total``, ``合计``, ``总计:``).

    >>> is_total_label(" 合计 "), is_total_label("TOTAL:"), is_total_label("Totalville")
    (True, True, False)
    """
    normal = unicodedata.normalize("NFKC", text).strip().rstrip(":").strip().casefold()
    return " ".join(normal.split()) in TOTAL_LABELS
