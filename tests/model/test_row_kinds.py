"""Every kind of row is declared once, in optimiser.model.rows.ROW_KINDS, and the tables of the reports,
the ranking, the breach rules and evaluate's messages are read from that declaration."""

from __future__ import annotations

import re
from pathlib import Path

import pulp
import pytest

from optimiser import load_config
from optimiser.i18n import language
from optimiser.i18n.words import PER_UNIT, PRICE_WORDS
from optimiser.model import build_model
from optimiser.model.rows import (
    BASELINE_KINDS,
    ELASTIC_KINDS,
    EXACT_RATE_KINDS,
    MONEY_KINDS,
    MONEY_LIMITS,
    PLAN_BREACH_KINDS,
    PLANNER_LIMITS,
    PRICE_UNITS,
    ROW_KINDS,
    RowBook,
    RowKind,
    row_label,
)
from optimiser.sensitivity.ranking import _STEPS, GROUPS, STEP_MAKERS

from ..conftest import CASES, CONFIGS, ROOT
from ..test_docs_model import source_kinds

EVALUATE = ROOT / "optimiser" / "evaluate.py"


def test_every_kind_the_code_can_build_is_declared_and_only_those() -> None:
    assert set(ROW_KINDS) == source_kinds(), (
        f"undeclared: {sorted(source_kinds() - set(ROW_KINDS))}; declared, never built: "
        f"{sorted(set(ROW_KINDS) - source_kinds())}")
    assert all(kind.name == name for name, kind in ROW_KINDS.items())


@pytest.mark.parametrize("path", sorted(CONFIGS.glob("*.yaml")) + sorted(CASES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_kind_a_config_builds_is_declared(path: Path) -> None:
    config = load_config(path)
    for baseline in (False, True):
        book = build_model(config, baseline=baseline).book
        kinds = {info.kind for info in book.rows + book.violated}
        assert kinds and kinds <= set(ROW_KINDS), sorted(kinds - set(ROW_KINDS))


@pytest.mark.parametrize("path", sorted(CONFIGS.glob("*.yaml")) + sorted(CASES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_row_is_named_from_its_kind(path: Path) -> None:
    # English: the kind's label with the row's detail is the row's own label, as CSV and JSON show it;
    # Chinese: the same label in Chinese, only names (tiers, levers, groups, sources) left in Latin letters.
    book = build_model(load_config(path)).book
    infos = book.rows + book.violated
    with language("en"):
        assert [row_label(info) for info in infos] == [info.label for info in infos]
    with language("zh"):
        for info in infos:
            name = row_label(info)
            assert name != info.label or not re.search(r"[a-z]{3,} [a-z]{3,}", info.label), name
            assert not re.search(r"\b(?:of|for|per|in|the|over|to)\b", name), name


def test_the_derived_kind_sets_are_the_old_ones() -> None:
    assert EXACT_RATE_KINDS == ELASTIC_KINDS | {"funding_balance"}
    assert BASELINE_KINDS == {"enrolment", "no_knowledge", "no_practice", "no_training", "teacher_hours",
                              "training_seats", "intake_cap", "cohort_places", "demand"}


def test_a_row_of_an_undeclared_kind_is_refused() -> None:
    book = RowBook(pulp.LpProblem("p", pulp.LpMaximize))
    x = pulp.LpVariable("x", lowBound=0)
    with pytest.raises(ValueError, match="row kind 'seat_quota' is not declared in ROW_KINDS"):
        book.add("seat_quota", {x: 1.0}, "<=", 1.0, label="seats", config_path="seats")
    assert book.add("demand", {x: 1.0}, "<=", 1.0, label="demand", config_path="tiers.basic.demand") is not None


def test_the_tables_are_read_from_the_declaration() -> None:
    # The sets and orders the modules use, as they were written out by hand before the declaration.
    assert PLANNER_LIMITS == (
        "funding_cap", "total_budget", "target", "demand", "double_qualified_share", "external_ratio",
        "min_per_year", "max_per_year", "conversion_share", "region_max_per_year", "max_total", "intake_cap")
    assert ELASTIC_KINDS == set(PLANNER_LIMITS) | {"cohort_places"}
    assert PLAN_BREACH_KINDS == ELASTIC_KINDS | {"conversion_stock", "teacher_hours", "funding_balance"}
    assert MONEY_LIMITS == {"funding_cap", "total_budget"} and MONEY_KINDS == MONEY_LIMITS | {"funding_balance"}
    assert GROUPS == {kind: 0 for kind in MONEY_LIMITS} | {"target": 1, "demand": 1} | {
        "double_qualified_share": 2, "external_ratio": 2} | dict.fromkeys(
        ("max_per_year", "min_per_year", "region_max_per_year", "max_total", "conversion_share"), 3) | dict.fromkeys(
        ("intake_cap", "teacher_hours", "training_seats", "enrolment", "conversion_stock"), 4)
    assert set(_STEPS) == set(GROUPS)
    assert PRICE_UNITS["total_budget"] == "per M yuan" and PRICE_UNITS["no_practice"] == "per teaching hour"
    assert "cohort_places" not in PRICE_UNITS and PER_UNIT == "per unit"


def test_every_key_a_kind_names_is_known() -> None:
    source = EVALUATE.read_text(encoding="utf-8")
    handled = set(re.findall(r'how == "(\w+)"', source))
    for kind in ROW_KINDS.values():
        assert kind.describe in handled, f"{kind.name}: evaluate.describe has no branch {kind.describe!r}"
        assert kind.step is None or kind.step in STEP_MAKERS, kind.name
        assert not kind.price_unit or kind.price_unit in PRICE_WORDS, kind.name
        assert not kind.planner_limit or kind.elastic, f"{kind.name}: a planner's limit a plan may not break"
        assert not kind.money_limit or kind.in_yuan, kind.name
    with pytest.raises(ValueError, match="needs both a group and a step"):
        RowKind("seat_quota", "seat quota", group=4)
    with pytest.raises(ValueError, match="no price unit 'per_seat'"):
        RowKind("seat_quota", "seat quota", price_unit="per_seat")
