"""Every variable of the package is made by one function, which keeps PuLP 3.x's per-variable notice quiet."""

from __future__ import annotations

import warnings
from pathlib import Path

from optimiser import load_config
from optimiser.evaluate import plan_model

ZHEJIANG = Path(__file__).resolve().parents[2] / "configs" / "zhejiang.yaml"


def test_building_an_elastic_model_raises_no_pulp_notice_per_variable() -> None:
    config = load_config(ZHEJIANG)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = plan_model(config, {})
    assert len(model.columns) > 100
    assert [str(w.message) for w in caught if "PuLP 4" in str(w.message) or "deprecated" in str(w.message)] == []
