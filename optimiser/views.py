"""How results are shown, without the results knowing the code that shows them.

Result types (:class:`~optimiser.results.Result`, :class:`~optimiser.compare.Comparison`,
:class:`~optimiser.evaluate.Evaluation`, :class:`~optimiser.sensitivity.SensitivityReport`, and the
analyses' :class:`~optimiser.analysis.robust.RobustResult`, ``MonteCarloResult``, ``Frontier``, ``Tornado``
and ``Alternatives``) hold data only. Their text (``str()``),
notebook HTML (``_repr_html_``) and JSON object (``to_dict()``) are written by functions in
:mod:`optimiser.report`; a result's method calls :func:`show`, which finds the function in
the table :data:`VIEWS` below and loads its module the first time it is needed. So no data
module imports :mod:`optimiser.report`, and a program that never prints a comparison never
loads the code that prints one.

:data:`VIEWS` is the one place that ties a result type to the functions that show it.
A new form or a replacement is one call::

    from optimiser.views import register, show
    register(Result, "markdown", my_markdown)
    show(result, "markdown")

This module imports only the standard library, so any module may use it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

VIEWS: dict[tuple[str, str], str] = {
    ("optimiser.results.Result", "text"): "optimiser.report.text:summary_text",
    ("optimiser.results.Result", "html"): "optimiser.report.text:summary_html",
    ("optimiser.results.Result", "dict"): "optimiser.report.summary:result_dict",
    ("optimiser.compare.Comparison", "text"): "optimiser.report.compare_files:comparison_text",
    ("optimiser.compare.Comparison", "dict"): "optimiser.report.compare_files:comparison_dict",
    ("optimiser.evaluate.Evaluation", "text"): "optimiser.report.evaluation_text:evaluation_text",
    ("optimiser.evaluate.Evaluation", "dict"): "optimiser.report.evaluation_text:evaluation_dict",
    ("optimiser.sensitivity.report.SensitivityReport", "text"): "optimiser.report.sensitivity_text:report_text",
    ("optimiser.sensitivity.report.SensitivityReport", "dict"): "optimiser.report.sensitivity_text:report_dict",
    ("optimiser.sensitivity.report.SensitivityReport", "files"): "optimiser.report.sensitivity_text:report_files",
    ("optimiser.sensitivity.report.SensitivityReport", "write"): "optimiser.report.sensitivity_text:write_report",
    ("optimiser.analysis.robust.RobustResult", "text"): "optimiser.report.robust_text:robust_text",
    ("optimiser.analysis.montecarlo.MonteCarloResult", "text"): "optimiser.report.analysis_text:montecarlo_text",
    ("optimiser.analysis.montecarlo.MonteCarloResult", "html"): "optimiser.report.analysis_text:montecarlo_html",
    ("optimiser.analysis.montecarlo.MonteCarloResult", "dict"): "optimiser.report.analysis_text:montecarlo_dict",
    ("optimiser.analysis.frontier.Frontier", "text"): "optimiser.report.analysis_text:frontier_text",
    ("optimiser.analysis.frontier.Frontier", "html"): "optimiser.report.analysis_text:frontier_html",
    ("optimiser.analysis.frontier.Frontier", "dict"): "optimiser.report.analysis_text:frontier_dict",
    ("optimiser.analysis.frontier.Frontier", "last_breakpoint"): "optimiser.report.analysis_text:last_breakpoint_says",
    ("optimiser.analysis.tornado.Tornado", "text"): "optimiser.report.analysis_text:tornado_text",
    ("optimiser.analysis.tornado.Tornado", "dict"): "optimiser.report.analysis_text:tornado_dict",
    ("optimiser.analysis.alternatives.Alternatives", "text"): "optimiser.report.analysis_text:alternatives_text",
    ("optimiser.analysis.alternatives.Alternatives", "dict"): "optimiser.report.analysis_text:alternatives_dict",
}
"""``(result type, form): "module:function"`` of every built-in view; forms are ``text`` (``str()``),
``html`` (``_repr_html_``), ``dict`` (``to_dict()``, by :mod:`optimiser.jsonrule`), and for the
sensitivity report ``files`` (its CSV writers) and ``write`` (``write_report``), for the budget frontier
``last_breakpoint`` (the sentence on what lies past its last breakpoint)."""

_REGISTERED: dict[tuple[str, str], Callable[..., Any]] = {}


def _name(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


def register(kind: type, form: str, renderer: Callable[..., Any]) -> None:
    """Show values of ``kind`` (and its subclasses) in ``form`` with ``renderer(value, **options)``."""
    _REGISTERED[(_name(kind), form)] = renderer


def renderer(kind: type, form: str) -> Callable[..., Any]:
    """The function that shows ``kind`` in ``form``: its own, else its nearest base class's."""
    for base in kind.__mro__:
        key = (_name(base), form)
        if key in _REGISTERED:
            return _REGISTERED[key]
        if key in VIEWS:
            module, function = VIEWS[key].split(":")
            found: Callable[..., Any] = getattr(importlib.import_module(module), function)
            _REGISTERED[key] = found
            return found
    raise LookupError(f"no {form!r} view of {kind.__name__} (optimiser.views.VIEWS lists the built-in ones)")


def show(value: Any, form: str, **options: Any) -> Any:
    """``value`` in ``form`` (``"text"``, ``"html"``, ``"dict"``, or a form registered later)."""
    return renderer(type(value), form)(value, **options)
