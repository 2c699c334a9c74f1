"""The programme of a drawn world: :class:`~optimiser.solve.matrix.MatrixForm`, breach slacks left open.

Monte Carlo draws and the robust plan's worlds change numbers in a config
(a cost, an induced intake, a completion rate), not its shape; each is the
one array form of the programme, read by :func:`arrays_of`, and
:func:`~optimiser.analysis.parameters.fit_parameters` finds how its numbers
move with the config values so most worlds need no model of their own.
"""

from __future__ import annotations

from ..solve.matrix import MatrixForm
from ..solve.matrix import analysis_form as arrays_of

ProgramArrays = MatrixForm
"""The programme of one world (the one array form)."""

__all__ = ["ProgramArrays", "arrays_of"]
