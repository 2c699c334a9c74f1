"""The uncertainty: section: validation messages, distributions, reproducible draws."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from optimiser import ConfigError, load_config
from optimiser.config.uncertainty import Uncertain, draw_values, parse_uncertainty, without_uncertainty

from ..tiny import tiny_config, write_tiny

ROOT = Path(__file__).resolve().parents[2]


def load_with(tmp_path: Path, section: dict[str, Any], **changes: Any) -> Any:
    config = tiny_config(**changes)
    config["uncertainty"] = section
    return load_config(write_tiny(tmp_path, config, "uncertain.yaml"))


def problems(tmp_path: Path, section: dict[str, Any], **changes: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_with(tmp_path, section, **changes)
    return [str(p) for p in caught.value.problems]


CASES = [
    ({"levers.enterprise_lecturers.cots": {"dist": "uniform", "low": 1, "high": 2}},
     r"uncertainty\.levers\.enterprise_lecturers\.cots: no key 'cots' under levers\.enterprise_lecturers; did you mean 'cost'\?"),
    ({"institutions.Colege.intake.basic": {"dist": "uniform", "low": 1, "high": 2}},
     r"uncertainty\.institutions\.Colege\.intake\.basic: no entry 'Colege' in institutions; did you mean 'College'\?"),
    ({"levers.enterprise_lecturers.cost": {"dist": "trianglar", "low": 1, "high": 2}},
     r"uncertainty\.levers\.enterprise_lecturers\.cost\.dist: unknown distribution 'trianglar'; did you mean 'triangular'\?"),
    ({"levers.enterprise_lecturers.cost": {"low": 1, "high": 2}},
     r"uncertainty\.levers\.enterprise_lecturers\.cost: missing required key 'dist' \(one of: uniform, triangular, normal, lognormal\)"),
    ({"levers.enterprise_lecturers.kind": {"dist": "uniform", "low": 1, "high": 2}},
     r"levers\.enterprise_lecturers\.kind holds 'hire', not a number"),
    ({"horizon.years": {"dist": "uniform", "low": 1, "high": 3}},
     r"uncertainty\.horizon\.years: 'horizon' values cannot be uncertain"),
    ({"funding.universities.per_year": {"dist": "triangular", "low": 20000, "mod": 22000, "high": 30000}},
     r"uncertainty\.funding\.universities\.per_year\.mod: unknown key 'mod'; did you mean 'mode'\?"),
    ({"funding.universities.per_year": {"dist": "triangular", "low": 20000, "mode": 35000, "high": 30000}},
     r"\.per_year\.mode: mode \(35000\) must lie between low \(20000\) and high \(30000\)"),
    ({"funding.universities.per_year": {"dist": "uniform", "low": 30000, "high": 20000}},
     r"\.per_year\.high: high \(20000\) must be above low \(30000\)"),
    ({"institutions.College.intake.basic": {"dist": "normal", "mean": 100, "sd": 0, "low": 50, "high": 150}},
     r"\.intake\.basic\.sd: expected a positive number, got 0"),
    ({"institutions.College.intake.basic": {"dist": "normal", "mean": 100, "sd": 10}},
     r"uncertainty\.institutions\.College\.intake\.basic: missing required key 'low'"),
    ({"institutions.College.intake.basic": {"dist": "normal", "mean": 200, "sd": 10, "low": 50, "high": 150}},
     r"\.intake\.basic\.mean: mean \(200\) must lie between low \(50\) and high \(150\)"),
    ({"teacher_groups.academic.hours": {"dist": "lognormal", "median": 300, "mean": 300, "sigma": 0.1}},
     r"give exactly one of 'median' or 'mean' \(of the value, not of its log\) with 'sigma'"),
    ({"teacher_groups.academic.hours": {"dist": "lognormal", "median": 300, "sigma": 0}},
     r"teacher_groups\.academic\.hours\.sigma: expected a positive number, got 0"),
    ({"teacher_groups.academic.hours": {"dist": "lognormal", "median": 300, "sigma": 0.1, "low": 1000}},
     r"low/high keep almost none of the lognormal distribution"),
    ({"courses.practice.class_size": {"dist": "uniform", "low": -1, "high": 2}},
     (r"uniform\(low=-1, high=2\) can draw -1, which the config does not accept here: "
      r"expected a positive number of students, got -1\.0; narrow the distribution")),
    ({"tiers.basic.duration": {"dist": "uniform", "low": 1, "high": 3}},
     r"can draw 1\.62832, .*\(not a whole number\); draws are fractional, so a value that must be whole cannot be uncertain"),
]


@pytest.mark.parametrize(("section", "pattern"), CASES)
def test_section_problems_name_file_line_path_and_fix(tmp_path: Path, section: dict[str, Any], pattern: str) -> None:
    found = problems(tmp_path, section)
    assert any(re.search(pattern, p) for p in found), found
    assert all(re.match(rf"{re.escape(str(tmp_path / 'uncertain.yaml'))}:\d+: uncertainty\.", p) for p in found), found


def test_reach_checked_against_other_values(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        {"institutions.College.intake.basic": {"dist": "uniform", "low": 80, "high": 160}},
        institutions__0__max_intake={"basic": 150},
    )
    assert any("can draw 160" in p and "max_intake (150) is below the baseline intake (160)" in p for p in found), found


def test_section_must_be_a_mapping(tmp_path: Path) -> None:
    found = problems(tmp_path, ["levers.enterprise_lecturers.cost"])  # type: ignore[arg-type]
    assert any("uncertainty: expected a mapping of dotted key paths to distributions" in p for p in found), found


def test_series_value_needs_a_year(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        {"funding.universities.per_year": {"dist": "uniform", "low": 1, "high": 2}},
        funding__universities__per_year={2025: 24000},
    )
    assert any("is a series {year: value}; give one year's value, e.g. funding.universities.per_year.2025" in p for p in found)


def test_shipped_uncertain_config_loads_with_eight_keys() -> None:
    config = load_config(ROOT / "configs" / "zhejiang_uncertain.yaml")
    specs = parse_uncertainty(config)
    assert [s.path for s in specs][:2] == ["levers.tuition_subsidies.induced_intake", "levers.training_bases.capex"]
    assert {s.dist for s in specs} == {"uniform", "triangular", "normal", "lognormal"}
    assert len(specs) == 8
    # The values as written are untouched: the section only adds distributions.
    plain = load_config(ROOT / "configs" / "zhejiang.yaml")
    assert config.levers == plain.levers and config.tiers == plain.tiers
    assert "uncertainty" not in without_uncertainty(config).raw
    assert parse_uncertainty(plain) == ()


def test_scenarios_keep_the_section() -> None:
    config = load_config(ROOT / "configs" / "zhejiang_uncertain.yaml", scenario="austerity")
    assert len(parse_uncertainty(config)) == 8
    assert config.funding["government"].per_year.at(2025) == 5_000_000


# -- distributions (inverse transform, hand-derived quantiles) ----------------

def test_uniform_and_triangular_quantiles() -> None:
    uniform = Uncertain("x", "uniform", {"low": 10.0, "high": 30.0})
    assert uniform.quantile(np.array([0.0, 0.25, 1.0])).tolist() == [10.0, 15.0, 30.0]
    # Triangular (0, 1, 4): F(mode) = 1/4; F(x) = x^2/4 below the mode, 1 - (4-x)^2/12 above.
    tri = Uncertain("x", "triangular", {"low": 0.0, "mode": 1.0, "high": 4.0})
    got = tri.quantile(np.array([0.0, 0.25, 1 / 16, 1 - 4 / 12, 1.0]))
    assert np.allclose(got, [0.0, 1.0, 0.5, 2.0, 4.0])


def test_truncated_normal_quantiles() -> None:
    spec = Uncertain("x", "normal", {"mean": 0.0, "sd": 1.0, "low": -1.0, "high": 1.0})
    # P(Z <= 0.5 | -1 <= Z <= 1) = (0.691462 - 0.158655) / (0.841345 - 0.158655) = 0.780456
    assert spec.quantile(np.array([0.5]))[0] == pytest.approx(0.0, abs=1e-12)
    assert spec.quantile(np.array([0.780456]))[0] == pytest.approx(0.5, abs=1e-5)
    assert spec.quantile(np.array([0.0, 1.0])).tolist() == pytest.approx([-1.0, 1.0])
    # Shifted and scaled: mean 100, sd 10, the same truncation in sd units.
    scaled = Uncertain("x", "normal", {"mean": 100.0, "sd": 10.0, "low": 90.0, "high": 110.0})
    assert scaled.quantile(np.array([0.780456]))[0] == pytest.approx(105.0, abs=1e-4)


def test_truncation_far_in_the_upper_tail_stays_precise() -> None:
    # Lognormal median 1, sigma 1, truncated to [e^6, e^7]: z in [6, 7], mass ~1e-9 of the whole.
    spec = Uncertain("x", "lognormal", {"median": 1.0, "sigma": 1.0, "low": math.exp(6), "high": math.exp(7)})
    values = spec.quantile(np.linspace(0, 1, 11))
    assert values[0] == pytest.approx(math.exp(6)) and values[-1] == pytest.approx(math.exp(7))
    assert np.all(np.diff(values) > 0)


def test_lognormal_median_and_mean_forms() -> None:
    by_median = Uncertain("x", "lognormal", {"median": 100.0, "sigma": 0.2})
    assert by_median.quantile(np.array([0.5]))[0] == pytest.approx(100.0)
    # The value's mean 100 puts the median at 100 * exp(-sigma^2 / 2) = 98.0199.
    by_mean = Uncertain("x", "lognormal", {"mean": 100.0, "sigma": 0.2})
    assert by_mean.quantile(np.array([0.5]))[0] == pytest.approx(98.01987, rel=1e-6)
    truncated = Uncertain("x", "lognormal", {"median": 100.0, "sigma": 0.2, "low": 90.0, "high": 120.0})
    values = truncated.quantile(np.linspace(0, 1, 101))
    assert values.min() == pytest.approx(90.0) and values.max() == pytest.approx(120.0)


def test_draws_reproducible_and_column_independent() -> None:
    a = Uncertain("a", "uniform", {"low": 0.0, "high": 1.0})
    b = Uncertain("b", "normal", {"mean": 5.0, "sd": 1.0, "low": 3.0, "high": 7.0})
    one = draw_values([a], draws=50, seed=7)
    two = draw_values([a, b], draws=50, seed=7)
    assert np.array_equal(one[:, 0], two[:, 0])  # adding a key after 'a' leaves a's draws alone
    assert np.array_equal(two, draw_values([a, b], draws=50, seed=7))
    assert not np.array_equal(two, draw_values([a, b], draws=50, seed=8))
    assert two[:, 1].min() >= 3.0 and two[:, 1].max() <= 7.0
    with pytest.raises(ValueError, match="draws must be a whole number of at least 1, got 0"):
        draw_values([a], draws=0)


def test_describe() -> None:
    spec = Uncertain("p", "normal", {"mean": 0.9, "sd": 0.03, "low": 0.82, "high": 0.96})
    assert spec.describe() == "normal(mean=0.9, sd=0.03, low=0.82, high=0.96)"


def test_a_draw_past_a_floats_range_is_named_without_numpys_overflow_warning(tmp_path: Path) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "overflow encountered in exp" would fail here
        found = problems(tmp_path, {"levers.enterprise_lecturers.cost": {"dist": "lognormal", "median": 30, "sigma": 1000}})
    assert any("lognormal(sigma=1000, median=30) can draw inf, which the config does not accept here" in p
               for p in found), found


def test_a_distribution_from_zero_that_can_draw_a_price_below_one_fen_is_refused(tmp_path: Path) -> None:
    found = problems(tmp_path, {"levers.enterprise_lecturers.cost": {"dist": "uniform", "low": 0, "high": 1}})
    assert any("uniform(low=0, high=1) can draw 1e-06, which the config does not accept here: expected 0, or at "
               "least 0.01 yuan (one fen) per unit" in p and p.endswith("narrow the distribution to the values allowed")
               for p in found), found
