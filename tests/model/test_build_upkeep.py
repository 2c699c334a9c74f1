"""What a build does to the interpreter and to the config's levers is undone or kept right."""

from __future__ import annotations

import dataclasses
import gc
from pathlib import Path

import pytest

from optimiser import load_config
from optimiser.model import build_model, collector_paused

ZHEJIANG = Path(__file__).resolve().parents[2] / "configs" / "zhejiang.yaml"


@pytest.mark.parametrize("was_on", [True, False])
def test_a_build_leaves_the_garbage_collector_as_it_found_it(was_on: bool) -> None:
    config = load_config(ZHEJIANG)
    (gc.enable if was_on else gc.disable)()
    try:
        seen: list[bool] = []
        with collector_paused():
            seen.append(gc.isenabled())
        build_model(config)
        assert seen == [False]
        assert gc.isenabled() is was_on
    finally:
        gc.enable()


def test_the_collector_comes_back_when_the_build_fails() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError, match="stop"), collector_paused():
        raise RuntimeError("stop")
    assert gc.isenabled()


def test_a_lever_limited_to_some_institutions_follows_its_own_list() -> None:
    config = load_config(ZHEJIANG)
    lever = next(iter(config.levers.values()))
    names = [inst.name for inst in config.institutions]
    assert lever.applies_to(names[0])  # every institution by default
    only_first = dataclasses.replace(lever, institutions=(names[0],))
    assert only_first.applies_to(names[0]) and not only_first.applies_to(names[1])
    # A copy with another list answers for that list, not the one it was copied from.
    only_second = dataclasses.replace(only_first, institutions=(names[1],))
    assert only_second.applies_to(names[1]) and not only_second.applies_to(names[0])
    assert only_first == dataclasses.replace(lever, institutions=(names[0],))  # the set is not part of equality


def test_a_lever_limited_to_one_institution_has_units_only_there() -> None:
    config = load_config(ZHEJIANG)
    name = next(iter(config.levers))
    first = config.institutions[0].name
    limited = config.with_changes({f"levers.{name}.institutions": [first]})
    model = build_model(limited)
    places = {key[1] for key in [*model.form.vars.u, *model.form.vars.us] if key[0] == name}
    assert places == {first}
