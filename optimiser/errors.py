"""The exceptions the package raises.

Three classes, each raised for one kind of trouble:

- :class:`ConfigError` when a config file (or a change applied to one) is
  invalid. It carries every problem found, each with file, line and key path.
- :class:`PlanError` when a hand-made plan file cannot be read against a config.
- :class:`SolverError` when a solver cannot be run or fails in a way that says
  nothing about the model (it is missing, it crashed, it ran out of time).
- :class:`OutputError` when an output path is refused (a folder where a file
  is expected, a block device, ...). It is an :class:`OSError`, like any
  other failure to write.

An infeasible or unbounded model is not an exception: :func:`optimiser.solve`
returns a result whose status says so, with a diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass

PROBLEMS_SHOWN = 100
"""At most this many problems are listed in a message; the rest are counted."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a config: where it is, what was found, the fix."""

    path: str
    message: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        key = f"{self.path}: " if self.path else ""
        return f"{where}{key}{self.message}"


class OptimiserError(Exception):
    """Base class of the errors this package raises on purpose."""


class ConfigError(OptimiserError):
    """A config is invalid; ``problems`` lists everything found in one pass."""

    def __init__(self, problems: list[Problem]) -> None:
        from .i18n import _, ngettext

        self.problems = list(problems)
        count = len(self.problems)
        head = ngettext("invalid config ({count} problem):", "invalid config ({count} problems):", count).format(count=count)
        body = "\n".join(f"  - {p}" for p in self.problems[:PROBLEMS_SHOWN])
        if count > PROBLEMS_SHOWN:
            body += "\n  " + _("... and {count} more; fix these first").format(count=count - PROBLEMS_SHOWN)
        super().__init__(f"{head}\n{body}")


class PlanError(OptimiserError):
    """A plan file does not fit the config it is evaluated against."""


class SolverError(OptimiserError):
    """A solver could not be run, or failed without an answer about the model."""


class OutputError(OptimiserError, OSError):
    """An output path that is never written to or replaced (say a folder or a block device)."""


class PlanNote(UserWarning):
    """Something read from a plan file and set aside on purpose (a total row); the command line prints it as a note."""
