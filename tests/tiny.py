"""A tiny one-institution config whose optima can be derived by hand.

``tiny_config(**changes)`` returns the raw mapping; tests write it to YAML
with :func:`write_tiny`. Defaults: one year, one tier of duration 1 with
30 knowledge and 30 practice hours per student and no training hours,
class sizes 1, ten academic teachers of 300 hours, 100 students, and
enterprise lecturers (120 hours, 12,000 yuan) paid from 24,000 yuan a year.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

BASE: dict[str, Any] = {
    "name": "tiny",
    "horizon": {"start": 2025, "years": 1},
    "courses": {"knowledge": {"class_size": 1}, "practice": {"class_size": 1}, "training": {"class_size": 1}},
    "tiers": {"basic": {"duration": 1, "hours": {"knowledge": 30, "practice": 30, "training": 0}}},
    "teacher_groups": {
        "academic": {"qualified": ["knowledge"], "hours": 300},
        "double_qualified": {"qualified": ["knowledge", "practice", "training"], "hours": 300},
        "enterprise_lecturer": {"qualified": ["practice", "training"], "hours": 120, "external": True},
    },
    "levers": {"enterprise_lecturers": {"kind": "hire", "group": "enterprise_lecturer", "cost": 12000}},
    "funding": {"universities": {"per_year": 24000, "funds": "all"}},
    "institutions": [
        {"name": "College", "teachers": {"academic": 10}, "intake": {"basic": 100}},
    ],
}


def tiny_config(**changes: Any) -> dict[str, Any]:
    """The base config with dotted-path ``changes`` (``__`` stands for ``.``)."""
    config = copy.deepcopy(BASE)
    for dotted, value in changes.items():
        parts = dotted.split("__")
        node: Any = config
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        if value is None:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
    return config


def write_tiny(directory: Path, config: dict[str, Any], name: str = "tiny.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


SECONDMENTS: dict[str, Any] = {"kind": "convert", "from": "academic", "to": "double_qualified", "cost": 20000}


def secondment_config(
    name: str = "tiny", secondments: dict[str, Any] | None = None, policies: dict[str, Any] | None = None,
    money: float = 200000, funding: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The base config with secondments (20,000 yuan, ``secondments`` added to the lever) before the lecturers.

    An external-teacher ceiling of 0.25 (``policies`` added to it) and
    ``money`` yuan a year of government funding for every lever (or the
    sources in ``funding``). One college, one year: a secondment buys 10
    students up to 50 (100,000 yuan); an enterprise lecturer then buys 2
    students for a net 8,000 yuan, up to 2.5 lecturers: 55 students at
    120,000 yuan (derived in tests/analysis/test_frontier.py).
    """
    return tiny_config(
        name=name,
        levers={"secondments": {**SECONDMENTS, **(secondments or {})},
                "enterprise_lecturers": dict(BASE["levers"]["enterprise_lecturers"])},
        policies={"max_external_ratio": 0.25, **(policies or {})},
        funding=funding or {"government": {"per_year": money, "funds": "all"}},
    )


def two_tiers_config() -> dict[str, Any]:
    """Two tiers sharing the academic teachers' knowledge hours, and nothing to buy.

    One college, one year, class sizes 1, no training hours. Ten academic
    teachers give 3,000 knowledge hours; a basic student needs 30 and a senior
    one (weight 3) 60, with no practice hours, so lecturers are of no use; 100
    of each enrolled. So 30 b + 60 s <= 3,000: s = 50 - b / 2 for b from 0 to
    100. No funding: the cost is zero.
    """
    return tiny_config(
        name="two tiers share knowledge hours",
        tiers={"basic": {"duration": 1, "hours": {"knowledge": 30, "practice": 0, "training": 0}},
               "senior": {"duration": 1, "weight": 3, "hours": {"knowledge": 60, "practice": 0, "training": 0}}},
        teacher_groups__double_qualified=None,
        funding__universities__per_year=0,
        institutions__0__intake={"basic": 100, "senior": 100},
    )


def tier_rules_config() -> dict[str, Any]:
    """Two colleges and two tiers for the rules on which tiers and institutions a plan row may name.

    Solo offers only the basic tier; Other offers both. Tuition subsidies
    apply to the basic tier at Other only; senior grants to the senior tier
    anywhere. One double-qualified teacher each; one hour of knowledge and of
    practice per student.
    """
    return tiny_config(
        name="tier rules",
        tiers={tier: {"duration": 1, "hours": {"knowledge": 1, "practice": 1, "training": 0}} for tier in ("basic", "senior")},
        teacher_groups={"double_qualified": {"qualified": ["knowledge", "practice", "training"], "hours": 300}},
        levers={
            "tuition_subsidies": {"kind": "subsidise", "tiers": ["basic"], "cost": 1000, "induced_intake": 0.5,
                                  "institutions": ["Other"]},
            "senior_grants": {"kind": "subsidise", "tiers": ["senior"], "cost": 1000, "induced_intake": 0.5},
        },
        institutions=[
            {"name": "Solo", "tiers": ["basic"], "teachers": {"double_qualified": 1}, "intake": {"basic": 10}},
            {"name": "Other", "teachers": {"double_qualified": 1}, "intake": {"basic": 10, "senior": 10}},
        ],
    )
