# %% [markdown]
# # Trade-offs and uncertainty in the Zhejiang plan
#
# Three questions an analyst asks after the first plan:
#
# 1. How does output respond to the budget, and where are the kinks?
# 2. What does more of one talent tier cost in another under the same money?
# 3. How robust is the plan when the effect of a subsidy or the cost of a
#    base turns out different?
#
# Runs as a script too: `python examples/02_tradeoffs_and_uncertainty.py`
# (figures go to `out/examples/`).

# %%
import json
import os
from pathlib import Path

import matplotlib.pyplot as plt

from optimiser import frontier, load_config, monte_carlo, pareto, plots, solve

HERE = Path.cwd()
ROOT = HERE if (HERE / "configs").is_dir() else HERE.parent
OUT = Path(os.environ.get("OPTIMISER_EXAMPLES_OUT", ROOT / "out" / "examples"))
OUT.mkdir(parents=True, exist_ok=True)
DRAWS = int(os.environ.get("OPTIMISER_EXAMPLES_DRAWS", "50"))

config = load_config(ROOT / "configs" / "zhejiang.yaml")

# %% [markdown]
# ## 1. The exact budget frontier
#
# The best output as a function of a total budget over the horizon is
# piecewise linear and concave. `frontier` finds every breakpoint exactly
# (no sampling) and, for each segment, the levers that grow at the margin.

# %%
front = frontier(config, over="total_budget")
print(front)

# %%
fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
plots.plot_frontier(front, ax=ax)
fig.savefig(OUT / "02_frontier.png", dpi=100)

# %% [markdown]
# Reading the kinks: the first money buys training-base seats (the scarcest
# input, with the highest output per yuan), then secondments and enterprise
# lecturers as teaching hours become the limit. The sharpest kink comes when
# teaching capacity is exhausted and the only thing left to buy is more
# students (tuition subsidies): output per million yuan falls to a fraction
# of what it was. Past the last breakpoint more total budget alone buys
# nothing, because each source's yearly cap binds: the frontier's last lines
# name each cap, what its money still buys at the margin and what lifting it
# would add (`front.caps`).

# %%
segments = front.segments
steepest_drop = (segments["marginal_output_per_yuan"].shift() / segments["marginal_output_per_yuan"]).idxmax()
kink = segments.loc[steepest_drop]
before = segments.loc[steepest_drop - 1]
print(f"sharpest kink at {kink['budget_from']:,.0f} yuan: "
      f"{before['marginal_output_per_yuan'] * 1e6:,.1f} -> {kink['marginal_output_per_yuan'] * 1e6:,.1f} "
      f"graduates per million yuan; bought after it: {kink['marginal_levers']}")

# %% [markdown]
# ## 2. Senior against basic talent
#
# `pareto` maximises one tier's compound output for given levels of the
# other's (ε-constraint) under the same budgets.

# %%
senior_basic = pareto(config, x="basic", y="senior", points=5)
print(senior_basic[["x_output", "y_output", "status"]].round(1).drop_duplicates().to_string(index=False))

# %% [markdown]
# The senior-against-basic frontier is a single point: senior (master's)
# students are all at research universities, whose intake is set by quota and
# not subsidised in this config, and every one of them is already fully
# trained. No money moves senior output, so nothing of basic output needs to be
# given up for it. The live trade-off is between basic and professional
# talent, which compete for the same money and teachers at the vocational
# colleges:

# %%
basic_professional = pareto(config, x="basic", y="professional", points=12)
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
plots.plot_pareto(basic_professional, ax=ax)
fig.savefig(OUT / "02_pareto.png", dpi=100)

# %%
ends = basic_professional.sort_values("x_output").iloc[[0, -1]]
lost = ends["y_output"].iloc[0] - ends["y_output"].iloc[1]
gained = ends["x_output"].iloc[1] - ends["x_output"].iloc[0]
print(f"from one end to the other: +{gained:,.0f} basic graduates for -{lost:,.0f} professional graduates "
      f"({lost / gained:.2f} professional per basic graduate on average)")

# %% [markdown]
# ## 3. Uncertainty
#
# `configs/zhejiang_uncertain.yaml` is the same plan with an `uncertainty:`
# section: distributions on the induced intake of subsidies, the cost of
# bases, secondments and lecturers, and completion rates. First the optimal
# plan is held fixed and tested in each drawn world (robustness); then each
# world is re-optimised (what perfect foresight would give).

# %%
uncertain = load_config(ROOT / "configs" / "zhejiang_uncertain.yaml")
best = solve(uncertain)
robust = monte_carlo(uncertain, draws=DRAWS, seed=0, plan=best)
print(robust)

# %%
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
plots.plot_fan(robust, ax=ax)
fig.savefig(OUT / "02_fan.png", dpi=100)

# %% [markdown]
# The plan spends every yuan it is given, so any world where costs rise is
# over budget: `overspend` says by how much (its output assumes the extra money
# is found). A world where subsidies draw more students than the colleges have
# room for would show up as `violates` (the intake cap). Re-optimising each
# world shows how much of the spread is inherent and how much comes from
# holding the plan fixed:

# %%
adaptive = monte_carlo(uncertain, draws=DRAWS, seed=0)
comparison = {
    "fixed plan, median output": robust.percentiles.loc["objective", "p50"],
    "re-optimised, median output": adaptive.percentiles.loc["objective", "p50"],
    "fixed plan, share of draws over budget": robust.over_budget()[0] / robust.over_budget()[1],
    "fixed plan, median overspend (yuan)": robust.percentiles.loc["overspend", "p50"],
}
for name, value in comparison.items():
    print(f"{name:<42} {value:,.2f}")

# %%
checks = {
    "frontier_breakpoints": len(front.breakpoints),
    "frontier_top": float(front.breakpoints["objective"].iloc[-1]),
    "frontier_caps": list(front.caps["limit"]),
    "optimum": best.objective,
    "senior_points": int(senior_basic[["x_output", "y_output"]].round(6).drop_duplicates().shape[0]),
    "draws": len(robust.draws),
    "median_fixed": float(robust.percentiles.loc["objective", "p50"]),
    "median_reoptimised": float(adaptive.percentiles.loc["objective", "p50"]),
    "first_draw_objective": float(robust.draws["objective"].iloc[0]),
}
print(json.dumps(checks))
