"""The solvers a plan can be solved with (importing this loads no solver)."""

SOLVERS = ("highs", "cbc")
