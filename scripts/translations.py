"""Extract the messages marked for translation, merge them into the Chinese catalog and compile it.

    .venv/bin/python scripts/translations.py          # update optimiser.pot, zh optimiser.po and optimiser.mo

New messages appear in the .po with an empty translation (tests/i18n/test_i18n.py
then fails until one is written); messages no longer in the code are dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "optimiser"
LOCALE = PACKAGE / "i18n" / "locale"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
LANGUAGES = ("zh",)


def extract() -> Catalog:
    """Every marked message in optimiser/, with where it is used, and the config schema's words."""
    template = Catalog(project="optimiser", version="0.1.0", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        template.add(message, None, [(f"optimiser/{filename}", lineno)], auto_comments=comments, context=context)
    # The schema's words (key meanings, expected values, ranges) are declared as plain text once.
    sys.path.insert(0, str(ROOT))
    from optimiser.config.schema import schema_texts

    for text in schema_texts():
        if text not in template:
            template.add(text, None, [("optimiser/config/schema.py", 0)],
                         auto_comments=["A config schema text (optimiser.config.schema.schema_texts)."])
    return template


def update(template: Catalog, lang: str) -> Path:
    po = LOCALE / lang / "LC_MESSAGES" / "optimiser.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    if po.exists():
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
    else:
        catalog = Catalog(locale=lang, project="optimiser", charset="utf-8")
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    catalog.fuzzy = False
    catalog.project, catalog.version = "optimiser", "0.1.0"
    catalog.last_translator = catalog.language_team = "optimiser contributors"
    catalog.obsolete.clear()
    with po.open("wb") as handle:
        write_po(handle, catalog, width=120, omit_header=False, sort_output=False, ignore_obsolete=True)
    return po


def compile_po(po: Path) -> Path:
    with po.open("rb") as handle:
        catalog = read_po(handle)
    mo = po.with_suffix(".mo")
    with mo.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    return mo


def main() -> int:
    template = extract()
    with (LOCALE / "optimiser.pot").open("wb") as handle:
        write_po(handle, template, width=120)
    for lang in LANGUAGES:
        po = update(template, lang)
        compile_po(po)
        print(f"{po.relative_to(ROOT)}: {len(template)} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
