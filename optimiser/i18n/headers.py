"""The names of report columns and workbook sheets, in English and as a Chinese workbook heads them.

Here, not in :mod:`optimiser.report.xlsx`, so that reading a plan file back (:mod:`optimiser.planfile`) knows
the Chinese headings without importing the report writers.
"""

from __future__ import annotations

from . import N_, _, chinese

PER_MILLION = "shadow_price_per_million_yuan"

SHEETS = (
    N_("Summary"), N_("Plan"), N_("Funding"), N_("Outputs"), N_("Bottlenecks"), N_("Teachers"), N_("Commitments"),
    N_("Constraints"), N_("Sensitivity"), N_("Sensitivity variables"), N_("Ranking"), N_("Comparison"),
)
"""The sheets in order, by their English names; a Chinese workbook names them in Chinese (:func:`sheet_title`)."""

COLUMN_LABELS: dict[str, str] = {
    "section": N_("section of the summary"), "finding": N_("finding"), "value": N_("value"), "unit": N_("unit of the value"),
    "lever": N_("lever"), "kind": N_("kind of lever or limit"), "institution": N_("institution"), "tier": N_("tier"),
    "year": N_("year"), "units": N_("units started"), "cost": N_("cost (yuan)"), "source": N_("funding source"),
    "amount": N_("amount (yuan)"), "enrolled": N_("students enrolled"), "compound": N_("compound graduates"),
    "single_skill": N_("single-skill graduates"), "compound_share": N_("compound share of graduates"),
    "binding": N_("binding"), "knowledge": N_("knowledge hours bind"), "practice": N_("practice hours bind"),
    "training": N_("training hours bind"), "knowledge_price": N_("shadow price of knowledge hours"),
    "practice_price": N_("shadow price of practice hours"), "training_price": N_("shadow price of training hours"),
    "seats_binding": N_("training seats bind"), "enrolment_binding": N_("enrolment binds"),
    "scarce": N_("the one scarce resource"), "group": N_("teacher group"), "teachers": N_("teachers with the plan"),
    "baseline": N_("teachers with no plan"), "due": N_("due after the horizon (yuan)"),
    "due_per_year": N_("due every year after the horizon (yuan)"), "name": N_("limit"),
    "config_path": N_("config key path"), "detail": N_("detail"), "sense": N_("sense of the limit"),
    "limit": N_("limit value"), "activity": N_("activity"), "slack": N_("slack"), "shadow_price": N_("shadow price"),
    PER_MILLION: N_("shadow price per million yuan"), "final_value": N_("final value"), "rhs": N_("right-hand side"),
    "allowable_increase": N_("allowable increase"), "allowable_decrease": N_("allowable decrease"),
    "variable": N_("decision variable"), "reduced_cost": N_("reduced cost"),
    "objective_coefficient": N_("objective coefficient"), "statement": N_("what one more unit buys"),
    "value_per_unit": N_("value per step"), "step": N_("step quoted"), "step_effect": N_("effect of the step"),
    "valid_from": N_("valid from"), "valid_to": N_("valid to"), "measure": N_("measure"), "key": N_("config key"), "note": N_("note"),
}
"""What each column holds, for the headers of a Chinese workbook (an English one keeps the column names)."""


def sheet_title(name: str) -> str:
    """The sheet ``name`` (one of :data:`SHEETS`) as the workbook names it in the current language."""
    return _(name)


def header(column: str) -> str:
    """The header of ``column``: its name, or in Chinese what it holds.

    >>> from optimiser.i18n import language
    >>> with language("zh"):
    ...     header("lever"), header("change: austerity")
    ('措施', '变化：austerity')
    >>> header("lever")
    'lever'
    """
    if not chinese():
        return column
    for prefix, label in (("change %: ", N_("change %: {plan}")), ("change: ", N_("change: {plan}"))):
        if column.startswith(prefix):
            return _(label).format(plan=column[len(prefix):])
    return _(COLUMN_LABELS[column]) if column in COLUMN_LABELS else column


def english_column(text: str) -> str:
    """The column name behind a header a Chinese workbook shows (``措施`` -> ``lever``); other text as it is."""
    from . import language

    with language("zh"):
        names = {header(column): column for column in COLUMN_LABELS}
    return names.get(text.strip(), text)


def plan_sheet_names() -> tuple[str, ...]:
    """The names the Plan sheet has in an English and in a Chinese workbook."""
    from . import language

    with language("zh"):
        return ("Plan", sheet_title("Plan"))


__all__ = ["COLUMN_LABELS", "PER_MILLION", "SHEETS", "english_column", "header", "plan_sheet_names", "sheet_title"]
