"""Sensitivity report: Excel Solver's Sensitivity Report, and the shadow prices in planner words.

>>> from optimiser import load_config, solve
>>> from optimiser.sensitivity import sensitivity
>>> report = sensitivity(solve(load_config("tests/cases/small.yaml")))
>>> list(report.constraints.columns)[:4]
['name', 'config_path', 'institution', 'year']

Modules: :mod:`.canonical` (the primary LP re-solved once, the same way for
every solver), :mod:`.ranging` (exact shadow prices and ranges),
:mod:`.tables` (planner units), :mod:`.ranking` (planner words),
:mod:`.report` (the report object, text, JSON, CSV).
"""

from __future__ import annotations

from .build import MILP_NOTE, sensitivity
from .report import UNLIMITED, SensitivityReport, write_report

__all__ = ["MILP_NOTE", "UNLIMITED", "SensitivityReport", "sensitivity", "write_report"]
