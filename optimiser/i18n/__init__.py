"""Messages for people in English or Simplified Chinese, from gettext catalogs.

The language is chosen by :func:`set_language` (``optimiser.set_language("zh")``),
by ``--lang zh|en`` on every command, or by a ``lang=`` argument of the
functions that write text; left unset it follows the locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG``: ``zh_CN.UTF-8`` gives Chinese, anything else
English). Only what people read is translated: JSON keys and status words,
CSV headers and config paths stay English in every language.

A message is marked in the code with :func:`_` (translated where it is used)
or :func:`N_` (a literal kept for later lookup); ``scripts/translations.py``
extracts the marked messages into ``locale/optimiser.pot``, merges them into
``locale/zh/LC_MESSAGES/optimiser.po`` and compiles ``optimiser.mo`` with
Babel. ``tests/i18n/test_i18n.py`` fails when a marked message has no Chinese
translation, when a translation drops or adds a ``{placeholder}``, or when the
shipped ``.mo`` is older than its ``.po``.
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

DOMAIN = "optimiser"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "zh")

_chosen: str | None = None


LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
"""The environment variables that choose the language, first set first."""


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """``zh`` when the first of LC_ALL, LC_MESSAGES, LANG that is set names Chinese, else ``en``."""
    env = os.environ if environ is None else environ
    for name in LOCALE_VARIABLES:
        value = env.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


_RAW_NAMES = tuple(os.environ.encodekey(name) for name in LOCALE_VARIABLES)  # type: ignore[attr-defined]
_by_raw_values: dict[tuple[Any, ...], str] = {}


def _environment_language() -> str:
    """:func:`language_from_environment` of the process environment, looked up by the variables' raw values.

    Messages ask for the language hundreds of times per command, and each
    ``os.environ.get`` encodes the name and decodes the value; the raw
    values (as ``os.environ`` stores them) are read instead and the answer
    kept for them, so any change of LC_ALL, LC_MESSAGES or LANG through
    ``os.environ`` gives a new key and a fresh answer.
    """
    raw = getattr(os.environ, "_data", None)
    if not isinstance(raw, dict):  # not CPython's os.environ: read it as it is
        return language_from_environment()
    first, second, third = _RAW_NAMES
    key = (raw.get(first), raw.get(second), raw.get(third))
    found = _by_raw_values.get(key)
    if found is None:
        found = _by_raw_values[key] = language_from_environment()
    return found


def set_language(lang: str | None) -> str | None:
    """Use ``lang`` ("en" or "zh"; None: follow the locale) from now on; return the choice before."""
    global _chosen
    if lang is not None:
        lang = _normal(lang)
    before, _chosen = _chosen, lang
    return before


def get_language() -> str:
    """The language messages are given in now."""
    return _chosen or _environment_language()


def _normal(lang: str) -> str:
    short = lang.strip().lower().replace("-", "_").split("_")[0]
    if short not in LANGUAGES:
        raise ValueError(f"language {lang!r} is not offered; use one of: {', '.join(LANGUAGES)}")
    return short


@contextlib.contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Give messages in ``lang`` inside the block (None: keep the current choice)."""
    if lang is None:
        yield get_language()
        return
    before = set_language(lang)
    try:
        yield get_language()
    finally:
        set_language(before)


@functools.cache
def catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (English: the messages as written)."""
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


def _(message: str) -> str:
    """``message`` in the current language."""
    return catalog(get_language()).gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it here (look it up later with :func:`_`)."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    return catalog(get_language()).ngettext(singular, plural, count)


def chinese() -> bool:
    return get_language() == "zh"


def money(value: float, millions: str = "", from_size: float = 1e6, small: Callable[[float], str] | None = None) -> str:
    """An amount of yuan in prose: ``95,999,808 yuan``; in Chinese ``9,600.0万元`` or ``1.25亿元``.

    English gives whole yuan, or with ``millions`` (a number format such as
    ``",.2f"``) millions of yuan from ``from_size`` yuan up; ``small`` writes a
    sum in yuan (below 10,000 in Chinese) when whole yuan would hide a rate's
    decimals (``0.25 yuan``). Chinese counts in
    元, 万元 and 亿元 whatever the English style, as a Chinese budget reads, to
    at least three significant figures; a whole number of 万 or 亿 (a step of
    10,000 or a million yuan) is shown without decimals.

    >>> with language("zh"):
    ...     money(95_999_808), money(125_000_000), money(3_225), money(34_302)
    ('9,600.0万元', '1.25亿元', '3,225元', '3.43万元')
    >>> with language("zh"):
    ...     money(1_000_000), money(100_000_000), money(-4_292_310)
    ('100万元', '1亿元', '-429.2万元')
    >>> with language("en"):
    ...     money(95_999_808), money(6_968_420, ",.4g"), money(95_000, ",.2f", 1e5)
    ('95,999,808 yuan', '6.968 M yuan', '95,000 yuan')
    """
    in_yuan = small or (lambda amount: number(amount, 0))
    if not chinese():
        if millions and abs(value) >= from_size:
            return _("{amount} M yuan").format(amount=format(value / 1e6, millions))
        return f"{in_yuan(value)} yuan"
    size = abs(value)
    if size >= 1e8:
        return _counted_in(value, 1e8, 2, "亿元")
    if size >= 1e4:
        return _counted_in(value, 1e4, 1 if size >= 1e6 else 2, "万元")
    return f"{in_yuan(value)}元"


def _counted_in(value: float, unit: float, decimals: int, name: str) -> str:
    """``value`` yuan in a Chinese unit of ``unit`` yuan: ``decimals`` places, none for a whole number of them."""
    count = value / unit
    return f"{count:,.{0 if float(count).is_integer() else decimals}f}{name}"


def money_unit() -> tuple[float, str]:
    """The unit a chart or table counts large sums of money in: (yuan per unit, its name).

    English counts in millions of yuan, Chinese in 万元 (ten thousand yuan).

    >>> with language("zh"):
    ...     money_unit()
    (10000.0, '万元')
    >>> with language("en"):
    ...     money_unit()
    (1000000.0, 'million yuan')
    """
    return (1e4, _("ten thousand yuan")) if chinese() else (1e6, _("million yuan"))


def colon() -> str:
    """The colon between a name and what is said of it: ``": "``, in Chinese ``"："``."""
    return _(": ")


def aside(text: object) -> str:
    """``text`` in brackets after what it qualifies: ``" (16)"``, in Chinese ``"（16）"``."""
    return _(" ({text})").format(text=text)


def series(items: Iterable[object]) -> str:
    """Items of one list: ``"a, b, c"``, in Chinese ``"a、b、c"``."""
    return _(", ").join(str(item) for item in items)


def clauses(items: Iterable[object]) -> str:
    """Statements one after another: ``"a; b"``, in Chinese ``"a；b"``."""
    return _("; ").join(str(item) for item in items)


def place_and_year(institution: object, year: object) -> str:
    """Where and when, as a table cell or an aside: ``College, 2026``, in Chinese ``College，2026年``.

    Either may be missing (None or ""): then the other alone.

    >>> with language("zh"):
    ...     place_and_year("杭州学院", 2026), place_and_year("", 2026), place_and_year("杭州学院", None)
    ('杭州学院，2026年', '2026年', '杭州学院')
    >>> with language("en"):
    ...     place_and_year("College", 2026), place_and_year(None, 2026)
    ('College, 2026', '2026')
    """
    place = "" if institution is None else str(institution)
    when = "" if year is None else str(year)
    if place and when:
        return _("{institution}, {year}").format(institution=place, year=when)
    # Translators: a year alone, where a limit applies to every institution (a table cell, an aside).
    return _("{year}").format(year=when) if when else place


def number(value: float, digits: int = 1, sign: bool = False) -> str:
    """``value`` with thousands separators and ``digits`` decimals (a ``+`` before positive ones with ``sign``),
    never as negative zero: what rounds to zero shows as zero. The one rule of every number a terminal shows.

    >>> number(-1.8e-12), number(-0.04), number(-1234.56), number(0.04, 2, sign=True), number(-0.4, 0)
    ('0.0', '0.0', '-1,234.6', '+0.04', '0')
    """
    plus = "+" if sign else ""
    shown = f"{value:{plus},.{digits}f}"
    if shown.startswith("-") and not shown.strip("-0.,"):
        return f"{0.0:{plus},.{digits}f}"
    return shown


def where(institution: str | None, year: int | None) -> str:
    """Where a limit applies, in the current language: ``at College in 2026``, in Chinese ``College，2026年``.

    >>> with language("zh"):
    ...     where("杭州学院", 2026), where(None, 2026)
    ('杭州学院，2026年', '2026年')
    >>> with language("en"):
    ...     where("College", 2026), where("College", None)
    ('at College in 2026', 'at College')
    """
    parts = []
    if institution:
        parts.append(_("at {institution}").format(institution=institution))
    if year is not None:
        parts.append(_("in {year}").format(year=year))
    return _("{place} {time}").format(place=parts[0], time=parts[1]) if len(parts) == 2 else "".join(parts)


def yuan_word() -> str:
    """The unit of money in a table heading."""
    return _("yuan")
