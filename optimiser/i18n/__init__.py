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
from collections.abc import Iterator, Mapping
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


def money(value: float) -> str:
    """An amount of yuan in prose: ``95,999,808 yuan``; in Chinese ``9,600.0万元`` or ``1.25亿元``.

    >>> with language("zh"):
    ...     money(95_999_808), money(125_000_000), money(3_225)
    ('9,600.0万元', '1.25亿元', '3,225元')
    >>> with language("en"):
    ...     money(95_999_808)
    '95,999,808 yuan'
    """
    if not chinese():
        return f"{number(value, 0)} yuan"
    size = abs(value)
    if size >= 1e8:
        return f"{number(value / 1e8, 2)}亿元"
    if size >= 1e4:
        return f"{number(value / 1e4, 1)}万元"
    return f"{number(value, 0)}元"


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
