# %% [markdown]
# # A planner's walkthrough of the Zhejiang case
#
# The province funds four remedies for the "three no" teachers of cross-border
# e-commerce (CBEC) programmes (no systematic knowledge, no practical
# experience, no practical-training skill): part-time enterprise lecturers,
# teacher secondments into enterprises, training bases on real platforms and
# tuition subsidies. Government, universities and enterprises each pay up to a
# yearly amount. This notebook solves the plan, reads it, finds what binds and
# asks what one more million yuan would buy.
#
# The same code runs as a script: `python examples/01_zhejiang_walkthrough.py`
# (figures go to `out/examples/`).

# %%
import json
import os
from pathlib import Path

import matplotlib.pyplot as plt

from optimiser import load_config, plots, solve, tornado
from optimiser.sensitivity import sensitivity

HERE = Path.cwd()
ROOT = HERE if (HERE / "configs").is_dir() else HERE.parent
OUT = Path(os.environ.get("OPTIMISER_EXAMPLES_OUT", ROOT / "out" / "examples"))
OUT.mkdir(parents=True, exist_ok=True)

config = load_config(ROOT / "configs" / "zhejiang.yaml")
result = solve(config)
# The plan returned delivers its weighted output for its total cost; with the config's smooth: 0.01 that is the
# optimum (result.objective) less the output given up for a steadier plan.
plan_output = result.summary["weighted_output"]
print(result.status.value, f"{plan_output:,.1f} weighted compound graduates for {result.total_cost:,.0f} yuan "
      f"(optimum {result.objective:,.1f}, {result.summary['output_given_up']:,.1f} given up for steadiness)")

# %% [markdown]
# ## The plan
#
# Units of each lever by institution and year (lecturers and secondments are
# teachers, training bases are seats, subsidies are places), then the money by
# lever and by source.

# %%
plan = result.plan[result.plan["units"] > 0]
units = plan.pivot_table(index=["lever", "institution"], columns="year", values="units", aggfunc="sum", fill_value=0)
print(units.round(1).to_string())

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4), layout="constrained")
plots.plot_allocation(result, ax=left)
plots.plot_funding(result, ax=right)
fig.savefig(OUT / "01_allocation_and_funding.png", dpi=100)

# %% [markdown]
# Every source is used to its yearly limit (the dashed line): money, not rules,
# is what stops the plan growing. Spending shifts from training-base seats
# in the first year to tuition subsidies once there are seats and teachers for
# the extra students.

# %% [markdown]
# ## What binds
#
# A "no" binds where one more hour of that kind of qualified teaching would
# raise output. The map colours each institution, course type and year by
# that shadow price.

# %%
fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
plots.plot_bottlenecks(result, ax=ax)
fig.savefig(OUT / "01_bottlenecks.png", dpi=100)

# %%
binding = result.bottlenecks.groupby("institution")[["knowledge", "practice", "training"]].sum()
print("years in which each 'no' binds:")
print(binding.to_string())

# %% [markdown]
# ## What the next million buys
#
# The sensitivity report turns shadow prices into statements, each with the
# range over which it holds.

# %%
report = sensitivity(result)
for statement in report.ranking["statement"].head(6):
    print("-", statement)

# %% [markdown]
# Check one statement by re-solving: give the government the statement's own
# step more in 2026 only and compare the gain with what the report says the
# step buys. Then try a whole million: past the statement's range each yuan
# buys less, so the million buys at most the quoted rate.

# %%
row = report.ranking[(report.ranking["config_path"] == "funding.government.per_year")
                     & (report.ranking["year"] == 2026)].iloc[0]
government = config.funding["government"].per_year.at(2026)


def more_in_2026(extra: float) -> float:
    richer = config.with_changes(
        {"funding.government.per_year": {2025: government, 2026: government + extra, 2027: government}}
    )
    return solve(richer).objective - result.objective


step_gain = more_in_2026(float(row["step"]))
gain = more_in_2026(1e6)
print(f"report: {row['statement']}")
print(f"re-solved: {row['step']:,.0f} yuan more buys {step_gain:.2f}; a whole million buys {gain:.2f} "
      f"(at most {row['value_per_unit']:.2f}, the quoted rate per million)")

# %% [markdown]
# ## Which guesses matter most
#
# Lever costs, induced intake, completion rates and teaching hours are
# estimates. The tornado moves each by ±20% and solves the plan again at both
# ends: each bar is the difference between two optima, not a shadow price
# stretched past the range where it holds.

# %%
bars = tornado(config)
fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
plots.plot_tornado(bars, ax=ax, n=10)
fig.savefig(OUT / "01_tornado.png", dpi=100)
print(bars.table[["input", "low_value", "high_value", "low_change", "high_change"]].head(5).to_string(index=False))

# %%
checks = {
    "objective": result.objective,
    "total_cost": result.total_cost,
    "binding_no_count": int(result.bottlenecks[["knowledge", "practice", "training"]].to_numpy().sum()),
    "next_million_rate": float(row["value_per_unit"]),
    "next_million_gain": gain,
    "step_effect": float(row["step_effect"]),
    "step_gain": step_gain,
    "tornado_inputs": len(bars.table),
}
print(json.dumps(checks))
