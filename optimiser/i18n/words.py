"""The planner's words for the model's parts, in one place.

The "three no" of cross-border e-commerce teaching (teachers with no systematic
knowledge, no practical experience, no practical-training skill), the capacities
that bind beside them, what each lever relieves, and the unit a limit's shadow
price is quoted in. Results store these words in English (they are data, and JSON
and CSV stay English); the terminal text, the workbook and the HTML report translate
them with :func:`optimiser.i18n._` when they show them, through the gettext catalog
like every other message. Every module that names a "no" takes the words from here.
"""

from __future__ import annotations

from . import N_

COURSE_NO: dict[str, str] = {
    "knowledge": N_("no systematic knowledge"),
    "practice": N_("no practical experience"),
    "training": N_("no practical-training skill"),
}
"""The "no" each course type's teaching-hours bottleneck stands for, keyed by course type."""

COURSE_NAMES: dict[str, str] = {
    # Translators: a course type, as a sentence naming the one scarce resource lists it ("practice and training").
    "knowledge": N_("knowledge"),
    # Translators: a course type, as a sentence naming the one scarce resource lists it ("practice and training").
    "practice": N_("practice"),
    # Translators: a course type, as a sentence naming the one scarce resource lists it ("practice and training").
    "training": N_("training"),
}
"""Each course type as a sentence names it, keyed by course type (English: the key itself)."""

GROUP_NAMES: dict[str, str] = {
    # Translators: a teacher group's key, as a limit's name puts it before "teachers" ("double_qualified teachers").
    "enterprise_lecturer": N_("enterprise_lecturer"),
    # Translators: a teacher group's key, as a limit's name puts it before "teachers" ("double_qualified teachers").
    "double_qualified": N_("double_qualified"),
    # Translators: a teacher group's key, as a limit's name puts it before "teachers" ("double_qualified teachers").
    "academic": N_("academic"),
    # Translators: a teacher group's key, as a limit's name puts it before "teachers" ("double_qualified teachers").
    "three_no": N_("three_no"),
}
"""Each teacher group the shipped configs declare as a limit's name puts it, keyed by group (English: the key
itself, as the CSV and JSON name it); :func:`group_name` gives it in the current language."""


def group_name(group: str) -> str:
    """``group`` as a limit's name puts it, in the current language; a group the configs do not ship, as it is."""
    from . import _

    return _(GROUP_NAMES[group]) if group in GROUP_NAMES else group


def course_name(course: str) -> str:
    """A course type (a key of :data:`COURSE_NAMES`) in the current language; other text as it is."""
    from . import _

    return _(COURSE_NAMES[course]) if course in COURSE_NAMES else course


SEATS = N_("training seats")
"""What a training-base lever relieves."""
ENROLMENT = N_("enrolment (adds students, not teaching)")
"""What a tuition subsidy relieves."""
NO_QUALIFICATION = N_("none of the three (no new qualification)")
"""What a lever relieves that qualifies no teacher for any course type."""

RELIEF_WORDS: tuple[str, ...] = (*COURSE_NO.values(), SEATS, ENROLMENT, NO_QUALIFICATION)
"""Every phrase a result's ``relieves`` can hold (several "no" are joined with ``"; "``)."""

BOTTLENECK_WORDS: dict[str, str] = {
    "knowledge": N_("knowledge (no systematic knowledge)"),
    "practice": N_("practice (no practical experience)"),
    "training": N_("training (no practical-training skill)"),
    "training_seats": N_("training-base seats"),
    "students": N_("students enrolled (every enrolled student fully trained)"),
}
"""What each bottleneck row of a comparison says binds, keyed by bottleneck."""
BINDS = N_("binds: {words}")
"""The label of a comparison's bottleneck row: where :data:`BOTTLENECK_WORDS` of it binds."""

UNIT_WORDS: dict[str, str] = {
    "yuan": N_("yuan"), "share": N_("share"), "graduates": N_("graduates"),
    "weighted graduates": N_("weighted graduates"), "config value": N_("config value"),
}
"""The units of key figures and comparison rows (data, in English), each a message of its own."""


def unit_words(unit: str) -> str:
    """``unit`` (one of :data:`UNIT_WORDS`) in the current language; other text, and "", as it is."""
    from . import _

    return _(UNIT_WORDS[unit]) if unit in UNIT_WORDS else unit

BOTTLENECK_COLUMNS: dict[str, str] = {
    "knowledge": "knowledge", "practice": "practice", "training": "training",
    "training_seats": "seats_binding", "students": "enrolment_binding",
}
"""The column of ``Result.bottlenecks`` that says where each bottleneck binds."""

PRICE_WORDS: dict[str, str] = {
    "million_yuan": N_("per M yuan"), "graduate": N_("per graduate"), "teacher": N_("per teacher"),
    "student": N_("per student"), "teaching_hour": N_("per teaching hour"), "seat_hour": N_("per seat hour"),
}
"""The units a binding limit's shadow price is quoted in, keyed as a row kind names its unit
(:attr:`optimiser.model.rows.RowKind.price_unit`)."""
PER_UNIT = N_("per unit")
"""The unit of a row kind that names none."""


def relief_words(relieves: str) -> str:
    """What one lever relieves (phrases of :data:`RELIEF_WORDS` joined with ``"; "``, as results store it) in
    the current language; in Chinese the phrases of one lever read as one list (``缺乏实践经验、缺乏实训技能``)."""
    from . import _

    words = ""
    for part in relieves.split("; "):
        said = _(part) if part in RELIEF_WORDS else part
        # Translators: two things one lever relieves, in a list of what each lever relieves.
        words = _("{relieved}; {more}").format(relieved=words, more=said) if words else said
    return words
